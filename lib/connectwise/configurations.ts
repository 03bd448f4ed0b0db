import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { and, eq, or, renderCondition } from './conditions';
import { listAll, parseManageData, refSchema } from './parsing';
import type { ManageConfiguration } from './types';

const configurationSchema = z.object({
  id: z.number(),
  name: z.string(),
  deviceIdentifier: z.string().nullish(),
  company: refSchema.nullish(),
  activeFlag: z.boolean().nullish(),
  type: refSchema.nullish(),
  status: refSchema.nullish(),
});

function toConfiguration(raw: z.output<typeof configurationSchema>): ManageConfiguration {
  return {
    id: raw.id,
    name: raw.name,
    deviceIdentifier: raw.deviceIdentifier ?? null,
    companyId: raw.company?.id ?? null,
    active: raw.activeFlag ?? false,
    typeName: raw.type?.name ?? null,
    statusName: raw.status?.name ?? null,
  };
}

/** Both configuration name and deviceIdentifier are at most 100 characters in Manage. */
const maxNameLength = 100;

/**
 * Hostname forms worth asking Manage about: the name as reported and, for an FQDN, its
 * first label (`pc-1.corp.local` -> `pc-1`). Manage compares strings case-insensitively
 * (SQL collation), so case variants need not be sent.
 */
export function hostnameCandidates(hostname: string): { full: string; short: string | null; variants: string[] } {
  const full = hostname.trim();
  const isIpAddress = /^\d{1,3}(\.\d{1,3}){3}$/.test(full) || full.includes(':');
  const dot = full.indexOf('.');
  const short = !isIpAddress && dot > 0 ? full.slice(0, dot) : null;
  const variants = (short === null ? [full] : [full, short]).filter((name) => name !== '' && name.length <= maxNameLength);
  return { full, short, variants };
}

/**
 * Active configurations of a company whose name or device identifier is the hostname (or
 * its short name), best match first: full-name matches before short-name ones, then by id.
 */
export async function findActiveConfigurationsByHostname(
  client: ManageClient,
  companyId: number,
  hostname: string,
): Promise<ManageConfiguration[]> {
  const { full, short, variants } = hostnameCandidates(hostname);
  if (variants.length === 0) return [];
  const conditions = and(
    eq('company/id', companyId),
    eq('activeFlag', true),
    or(...variants.flatMap((v) => [eq('name', v), eq('deviceIdentifier', v)])),
  );
  const found = await listAll(client, '/company/configurations', configurationSchema, toConfiguration, {
    conditions: renderCondition(conditions),
  });
  const fullLower = full.toLowerCase();
  const shortLower = short?.toLowerCase() ?? null;
  // Checked again here so the result is right whatever the server's collation, and so
  // company and activeness hold even if a server ignored part of the conditions.
  const rank = (c: ManageConfiguration): number => {
    const names = [c.name.toLowerCase(), c.deviceIdentifier?.toLowerCase()];
    if (names.includes(fullLower)) return 0;
    if (shortLower !== null && names.includes(shortLower)) return 1;
    return -1;
  };
  return found
    .filter((c) => c.active && c.companyId === companyId && rank(c) >= 0)
    .sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

const configurationReferenceSchema = z.object({ id: z.number() });

/** Attaches a configuration to a ticket (`POST /service/tickets/{id}/configurations`). */
export async function linkConfigurationToTicket(client: ManageClient, ticketId: number, configurationId: number): Promise<void> {
  const path = `/service/tickets/${ticketId}/configurations`;
  const res = await client.request({ method: 'POST', path, json: { id: configurationId } });
  parseManageData(configurationReferenceSchema, res.data, 'POST', path);
}
