import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { eq, renderCondition } from './conditions';
import { getOne, levelSchema, listAll, refId, refName, refSchema, requireMaxLength, truncateText, writeOne } from './parsing';
import type { ManageLevel, ManageTicket } from './types';

const ticketSchema = z.object({
  id: z.number(),
  summary: z.string(),
  board: refSchema.nullish(),
  status: refSchema.nullish(),
  type: refSchema.nullish(),
  subType: refSchema.nullish(),
  item: refSchema.nullish(),
  team: refSchema.nullish(),
  priority: refSchema.nullish(),
  source: refSchema.nullish(),
  company: refSchema.nullish(),
  contact: refSchema.nullish(),
  contactName: z.string().nullish(),
  contactEmailAddress: z.string().nullish(),
  owner: refSchema.nullish(),
  impact: levelSchema.nullish(),
  severity: levelSchema.nullish(),
  externalXRef: z.string().nullish(),
  closedFlag: z.boolean().nullish(),
  _info: z
    .object({ lastUpdated: z.string().nullish(), updatedBy: z.string().nullish(), enteredBy: z.string().nullish() })
    .passthrough()
    .nullish(),
});

function toTicket(raw: z.output<typeof ticketSchema>): ManageTicket {
  return {
    id: raw.id,
    summary: raw.summary,
    boardId: refId(raw.board),
    boardName: refName(raw.board),
    statusId: refId(raw.status),
    statusName: refName(raw.status),
    typeId: refId(raw.type),
    typeName: refName(raw.type),
    subTypeId: refId(raw.subType),
    subTypeName: refName(raw.subType),
    itemId: refId(raw.item),
    itemName: refName(raw.item),
    teamId: refId(raw.team),
    teamName: refName(raw.team),
    priorityId: refId(raw.priority),
    priorityName: refName(raw.priority),
    sourceId: refId(raw.source),
    sourceName: refName(raw.source),
    companyId: refId(raw.company),
    companyIdentifier: raw.company?.identifier ?? null,
    companyName: refName(raw.company),
    contactId: refId(raw.contact),
    contactName: raw.contactName ?? refName(raw.contact),
    contactEmailAddress: raw.contactEmailAddress ?? null,
    ownerId: refId(raw.owner),
    ownerIdentifier: raw.owner?.identifier ?? null,
    impact: raw.impact ?? null,
    severity: raw.severity ?? null,
    externalXRef: raw.externalXRef ?? null,
    closedFlag: raw.closedFlag ?? false,
    ownerName: refName(raw.owner),
    lastUpdated: raw._info?.lastUpdated ?? null,
    updatedBy: raw._info?.updatedBy ?? null,
    enteredBy: raw._info?.enteredBy ?? null,
  };
}

/**
 * A ticket record as a callback carries it (the `Entity` JSON string). Undefined when it is
 * absent (a delete) or not a ticket we can read: the caller fetches the ticket instead.
 */
export function parseTicketEntity(entity: unknown): ManageTicket | undefined {
  if (typeof entity !== 'string' || entity === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(entity);
  } catch {
    return undefined;
  }
  const parsed = ticketSchema.safeParse(json);
  return parsed.success ? toTicket(parsed.data) : undefined;
}

/** Manage's documented maximum lengths for the ticket fields we write. */
export const ticketLimits = { summary: 100, contactName: 62, contactEmailAddress: 250, externalXRef: 100 } as const;

export type CreateTicketInput = {
  summary: string;
  /** The company by id or by identifier (Manage requires one of them). */
  company: { id: number } | { identifier: string };
  contactId?: number;
  contactName?: string;
  contactEmailAddress?: string;
  /** Omitted ids fall to the API member's Service Defaults in Manage. */
  boardId?: number;
  statusId?: number;
  typeId?: number;
  subTypeId?: number;
  itemId?: number;
  priorityId?: number;
  teamId?: number;
  sourceId?: number;
  owner?: { id: number } | { identifier: string };
  impact?: ManageLevel;
  /** Manage's name for the urgency axis. */
  severity?: ManageLevel;
  /** Our idempotency key (the press id): never cut, so a later lookup finds the ticket. */
  externalXRef?: string;
  initialDescription?: string;
  initialInternalAnalysis?: string;
  processNotifications?: boolean;
  skipCallback?: boolean;
};

const idRef = (id: number | undefined) => (id === undefined ? undefined : { id });

/** Maps our input to Manage's Ticket body, cutting free text to Manage's maximum lengths. */
export function buildTicketBody(input: CreateTicketInput): Record<string, unknown> {
  const summary = truncateText(input.summary.replace(/\s+/g, ' ').trim(), ticketLimits.summary);
  if (summary === '') throw new TypeError('A ticket needs a summary');
  const body: Record<string, unknown> = {
    summary,
    company: 'id' in input.company ? { id: input.company.id } : { identifier: input.company.identifier },
    contact: idRef(input.contactId),
    contactName: input.contactName === undefined ? undefined : truncateText(input.contactName.trim(), ticketLimits.contactName),
    contactEmailAddress:
      input.contactEmailAddress === undefined
        ? undefined
        : requireMaxLength(input.contactEmailAddress.trim(), ticketLimits.contactEmailAddress, 'contactEmailAddress'),
    board: idRef(input.boardId),
    status: idRef(input.statusId),
    type: idRef(input.typeId),
    subType: idRef(input.subTypeId),
    item: idRef(input.itemId),
    priority: idRef(input.priorityId),
    team: idRef(input.teamId),
    source: idRef(input.sourceId),
    owner: input.owner,
    impact: input.impact,
    severity: input.severity,
    externalXRef:
      input.externalXRef === undefined ? undefined : requireMaxLength(input.externalXRef, ticketLimits.externalXRef, 'externalXRef'),
    initialDescription: input.initialDescription,
    initialInternalAnalysis: input.initialInternalAnalysis,
    processNotifications: input.processNotifications,
    skipCallback: input.skipCallback,
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

/**
 * Creates a ticket. Never retried here: a POST that timed out may have created it, so the
 * caller looks it up by externalXRef before trying again.
 */
export async function createTicket(client: ManageClient, input: CreateTicketInput): Promise<ManageTicket> {
  return writeOne(client, 'POST', '/service/tickets', buildTicketBody(input), ticketSchema, toTicket);
}

export async function getTicket(client: ManageClient, id: number): Promise<ManageTicket> {
  return getOne(client, `/service/tickets/${id}`, ticketSchema, toTicket);
}

export async function findTicketsByExternalXRef(client: ManageClient, externalXRef: string): Promise<ManageTicket[]> {
  return listAll(client, '/service/tickets', ticketSchema, toTicket, {
    conditions: renderCondition(eq('externalXRef', externalXRef)),
  });
}

type ReferenceField = 'board' | 'status' | 'type' | 'subType' | 'item' | 'priority' | 'team' | 'source' | 'company' | 'contact';
export type TicketPatch =
  | { field: 'summary'; value: string }
  | { field: 'contactName'; value: string }
  | { field: 'contactEmailAddress'; value: string }
  | { field: 'externalXRef'; value: string }
  | { field: 'impact' | 'severity'; value: ManageLevel }
  | { field: ReferenceField; id: number }
  | { field: 'owner'; id: number }
  | { field: 'owner'; identifier: string };

/** Our typed changes as Manage's JSON patch; references are replaced as whole objects. */
export function buildTicketPatch(changes: readonly TicketPatch[]): { op: 'replace'; path: string; value: unknown }[] {
  if (changes.length === 0) throw new TypeError('patchTicket needs at least one change');
  return changes.map((change) => {
    switch (change.field) {
      case 'summary': {
        const summary = truncateText(change.value.replace(/\s+/g, ' ').trim(), ticketLimits.summary);
        if (summary === '') throw new TypeError('A ticket needs a summary');
        return { op: 'replace', path: 'summary', value: summary };
      }
      case 'contactName':
        return { op: 'replace', path: 'contactName', value: truncateText(change.value.trim(), ticketLimits.contactName) };
      case 'contactEmailAddress':
        return {
          op: 'replace',
          path: 'contactEmailAddress',
          value: requireMaxLength(change.value.trim(), ticketLimits.contactEmailAddress, 'contactEmailAddress'),
        };
      case 'externalXRef':
        return { op: 'replace', path: 'externalXRef', value: requireMaxLength(change.value, ticketLimits.externalXRef, 'externalXRef') };
      case 'impact':
      case 'severity':
        return { op: 'replace', path: change.field, value: change.value };
      case 'owner':
        return { op: 'replace', path: 'owner', value: 'id' in change ? { id: change.id } : { identifier: change.identifier } };
      default:
        return { op: 'replace', path: change.field, value: { id: change.id } };
    }
  });
}

/** Replacing fields with the same values again leaves the same ticket: safe to retry. */
export async function patchTicket(client: ManageClient, id: number, changes: readonly TicketPatch[]): Promise<ManageTicket> {
  return writeOne(client, 'PATCH', `/service/tickets/${id}`, buildTicketPatch(changes), ticketSchema, toTicket, true);
}
