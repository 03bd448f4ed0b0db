import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { getOne, listAll } from './parsing';
import type { ManageImpact, ManageLevel, ManageNamedRef, ManagePriority, ManageSeverity, ManageSla, ManageSource } from './types';

const prioritySchema = z.object({
  id: z.number(),
  name: z.string(),
  sortOrder: z.number().nullish(),
  defaultFlag: z.boolean().nullish(),
  level: z.string().nullish(),
});

/** Priorities ordered by sort order (index 0 = most urgent, as dispatcher rules count). */
export async function listPriorities(client: ManageClient): Promise<ManagePriority[]> {
  const priorities = await listAll(client, '/service/priorities', prioritySchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    sortOrder: raw.sortOrder ?? null,
    defaultFlag: raw.defaultFlag ?? false,
    level: raw.level ?? null,
  }));
  return priorities.sort((a, b) => (a.sortOrder ?? Number.MAX_SAFE_INTEGER) - (b.sortOrder ?? Number.MAX_SAFE_INTEGER) || a.id - b.id);
}

const sourceSchema = z.object({ id: z.number(), name: z.string(), defaultFlag: z.boolean().nullish() });

export async function listSources(client: ManageClient): Promise<ManageSource[]> {
  return listAll(client, '/service/sources', sourceSchema, (raw) => ({
    id: raw.id,
    name: raw.name,
    defaultFlag: raw.defaultFlag ?? false,
  }));
}

// Impact and Severity require only `description`; `name` is optional in the contract.
const levelTableSchema = z.object({
  id: z.number(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  defaultFlag: z.boolean().nullish(),
});

function toLevelEntry(raw: z.output<typeof levelTableSchema>): ManageImpact {
  return {
    id: raw.id,
    name: raw.name ?? raw.description ?? String(raw.id),
    description: raw.description ?? null,
    defaultFlag: raw.defaultFlag ?? false,
  };
}

export async function listImpacts(client: ManageClient): Promise<ManageImpact[]> {
  return listAll(client, '/service/impacts', levelTableSchema, toLevelEntry);
}

export async function listSeverities(client: ManageClient): Promise<ManageSeverity[]> {
  return listAll(client, '/service/severities', levelTableSchema, toLevelEntry);
}

const priorityRefSchema = z.object({ id: z.number(), name: z.string().nullish() }).nullish();
const slaSchema = z.object({
  id: z.number(),
  name: z.string(),
  defaultFlag: z.boolean().nullish(),
  hiImpactHiUrgency: priorityRefSchema,
  hiImpactMedUrgency: priorityRefSchema,
  hiImpactLowUrgency: priorityRefSchema,
  medImpactHiUrgency: priorityRefSchema,
  medImpactMedUrgency: priorityRefSchema,
  medImpactLowUrgency: priorityRefSchema,
  lowImpactHiUrgency: priorityRefSchema,
  lowImpactMedUrgency: priorityRefSchema,
  lowImpactLowUrgency: priorityRefSchema,
});

const levelKey: Record<ManageLevel, 'hi' | 'med' | 'low'> = { High: 'hi', Medium: 'med', Low: 'low' };
const levelSuffix: Record<ManageLevel, 'Hi' | 'Med' | 'Low'> = { High: 'Hi', Medium: 'Med', Low: 'Low' };
const levels: ManageLevel[] = ['High', 'Medium', 'Low'];

/** An SLA with its impact x urgency -> priority matrix: `priorityMatrix[impact][urgency]`. */
export async function getSla(client: ManageClient, slaId: number): Promise<ManageSla> {
  return getOne(client, `/service/SLAs/${slaId}`, slaSchema, (raw) => {
    const cell = (impact: ManageLevel, urgency: ManageLevel): ManageNamedRef | null => {
      const ref = raw[`${levelKey[impact]}Impact${levelSuffix[urgency]}Urgency`];
      return ref ? { id: ref.id, name: ref.name ?? null } : null;
    };
    const row = (impact: ManageLevel) =>
      Object.fromEntries(levels.map((urgency) => [urgency, cell(impact, urgency)])) as Record<ManageLevel, ManageNamedRef | null>;
    return {
      id: raw.id,
      name: raw.name,
      defaultFlag: raw.defaultFlag ?? false,
      priorityMatrix: { High: row('High'), Medium: row('Medium'), Low: row('Low') },
    };
  });
}
