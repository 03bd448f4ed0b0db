import 'server-only';
import { sql, type Selectable } from 'kysely';
import { databaseEngine, type DeskbellDatabase } from '@/lib/store/database';
import type { PressesTable, PressStatus } from '@/lib/store/schema';
import { readOutcome, type PressOutcome } from './press-outcome';
import { readPayload, type PressPayload } from './press-payload';

/**
 * The queries behind the read models (dashboard, report, pod, notifications, rule tester):
 * part of the press store, so nothing outside lib/presses/press-*-store.ts queries `presses`.
 * Each returns the document and outcome parsed (null where a row no longer parses).
 */

/** A press with its document and outcome parsed (null where a row no longer parses). */
export type StoredPressSummary = {
  id: string;
  status: PressStatus;
  receivedAt: string;
  payload: PressPayload | null;
  outcome: PressOutcome | null;
  ticketId: number | null;
  ticketNumber: string | null;
};

/** A press as notifications need it: who sent it (device and person) and its ticket. */
export type NotifiedPress = {
  id: string;
  agentTokenId: string;
  payload: PressPayload | null;
  outcome: PressOutcome | null;
  ticketId: number | null;
  ticketNumber: string | null;
};

const NOTIFIED_COLUMNS = ['id', 'agent_token_id', 'payload', 'outcome', 'ticket_id', 'ticket_number'] as const;

function toNotifiedPress(row: Pick<Selectable<PressesTable>, (typeof NOTIFIED_COLUMNS)[number]>): NotifiedPress {
  return {
    id: row.id,
    agentTokenId: row.agent_token_id,
    payload: readPayload(row.payload),
    outcome: readOutcome(row.outcome),
    ticketId: row.ticket_id,
    ticketNumber: row.ticket_number,
  };
}

export async function findNotifiedPress(db: DeskbellDatabase, pressId: string): Promise<NotifiedPress | undefined> {
  const row = await db.selectFrom('presses').select(NOTIFIED_COLUMNS).where('id', '=', pressId).executeTakeFirst();
  return row && toNotifiedPress(row);
}

export async function findNotifiedPressByTicket(db: DeskbellDatabase, ticketId: number): Promise<NotifiedPress | undefined> {
  const row = await db.selectFrom('presses').select(NOTIFIED_COLUMNS).where('ticket_id', '=', ticketId).executeTakeFirst();
  return row && toNotifiedPress(row);
}

/** The newest press that created a ticket (the notification preview's real example). */
export async function findLatestTicketedPress(db: DeskbellDatabase): Promise<(NotifiedPress & { ticketId: number }) | undefined> {
  const row = await db
    .selectFrom('presses')
    .select(NOTIFIED_COLUMNS)
    .where('status', '=', 'ticket_created')
    .where('ticket_id', 'is not', null)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.ticket_id === null) return undefined;
  return { ...toNotifiedPress(row), ticketId: row.ticket_id };
}

/** The tickets of these presses (for lists of notifications); a press without a ticket, or gone, is left out. */
export async function findPressTickets(
  db: DeskbellDatabase,
  pressIds: readonly string[],
): Promise<Map<string, { ticketId: number; ticketNumber: string | null }>> {
  if (pressIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('presses')
    .select(['id', 'ticket_id', 'ticket_number'])
    .where('id', 'in', [...new Set(pressIds)])
    .where('ticket_id', 'is not', null)
    .execute();
  return new Map(rows.flatMap((r) => (r.ticket_id === null ? [] : [[r.id, { ticketId: r.ticket_id, ticketNumber: r.ticket_number }] as const])));
}

/** The newest press filed as (or onto) this ticket. */
export async function findNewestPressIdForTicket(db: DeskbellDatabase, ticketId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('presses')
    .select('id')
    .where('ticket_id', '=', ticketId)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Where a press belongs in Manage: its ticket and the company it was filed under. */
export async function findPressScope(db: DeskbellDatabase, pressId: string): Promise<{ ticketId: number | null; companyId: number | null } | undefined> {
  const row = await db.selectFrom('presses').select(['ticket_id', 'company_id']).where('id', '=', pressId).executeTakeFirst();
  return row && { ticketId: row.ticket_id, companyId: row.company_id };
}

function toSummary(row: Pick<Selectable<PressesTable>, 'id' | 'status' | 'received_at' | 'payload' | 'outcome' | 'ticket_id' | 'ticket_number'>): StoredPressSummary {
  return {
    id: row.id,
    status: row.status,
    receivedAt: row.received_at,
    payload: readPayload(row.payload),
    outcome: readOutcome(row.outcome),
    ticketId: row.ticket_id,
    ticketNumber: row.ticket_number,
  };
}

const SUMMARY_COLUMNS = ['id', 'status', 'received_at', 'payload', 'outcome', 'ticket_id', 'ticket_number'] as const;

/** A company's newest presses (by the company they were filed under), newest first. */
export async function listCompanyPresses(db: DeskbellDatabase, companyId: number, limit: number): Promise<StoredPressSummary[]> {
  const rows = await db
    .selectFrom('presses')
    .select(SUMMARY_COLUMNS)
    .where('company_id', '=', companyId)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toSummary);
}

/** The newest presses, newest first. */
export async function listRecentPresses(db: DeskbellDatabase, limit: number): Promise<StoredPressSummary[]> {
  const rows = await db.selectFrom('presses').select(SUMMARY_COLUMNS).orderBy('received_at', 'desc').limit(limit).execute();
  return rows.map(toSummary);
}

/** Whether this install has received any press at all (a fresh install shows first steps instead). */
export async function hasAnyPress(db: DeskbellDatabase): Promise<boolean> {
  const row = await db.selectFrom('presses').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Receipt and ticket times of the presses received in [from, to) (ISO times). */
export async function listPressTimes(
  db: DeskbellDatabase,
  from: string,
  to: string,
): Promise<{ receivedAt: string; ticketCreatedAt: string | null }[]> {
  const rows = await db
    .selectFrom('presses')
    .select(['received_at', 'ticket_created_at'])
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .execute();
  return rows.map((r) => ({ receivedAt: r.received_at, ticketCreatedAt: r.ticket_created_at }));
}

/** Every column the report page shows. */
export type PressRecord = Omit<Selectable<PressesTable>, 'agent_token_id' | 'idempotency_key' | 'request_hash' | 'company_id' | 'payload' | 'outcome'> & {
  payload: PressPayload | null;
  outcome: PressOutcome | null;
};

export async function findPressRecord(db: DeskbellDatabase, pressId: string): Promise<PressRecord | undefined> {
  const row = await db
    .selectFrom('presses')
    .select([
      'id',
      'status',
      'payload',
      'received_at',
      'updated_at',
      'attempt',
      'next_attempt_at',
      'last_error',
      'ticket_id',
      'ticket_number',
      'refused_message',
      'dead_reason',
      'outcome',
      'files_removed_at',
      'ticket_created_at',
    ])
    .where('id', '=', pressId)
    .executeTakeFirst();
  return row && { ...row, payload: readPayload(row.payload), outcome: readOutcome(row.outcome) };
}

// ---------------------------------------------------------------------------------------------
// The dashboard's list

/**
 * Case folding for search, ASCII only: SQLite's lower() folds only ASCII, and the database
 * pre-filter and the caller's exact check must agree on what matches.
 */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function likePattern(term: string): string {
  // The payload column is JSON text: look for the term as JSON writes it (quotes, backslashes escaped).
  const jsonText = JSON.stringify(foldAscii(term)).slice(1, -1);
  return `%${jsonText.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const UPPER_ASCII = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The payload mentions the (folded, escaped) pattern, folding ASCII only on both engines.
 * SQLite's LIKE and lower() fold ASCII only; PostgreSQL's lower() folds by the database's
 * locale (all of Unicode, or nothing beyond ASCII under "C") and its LIKE folds nothing, so
 * there translate() folds exactly A-Z. The escape is spelled out: SQLite has no default one.
 */
function payloadMentions(db: DeskbellDatabase, pattern: string) {
  return databaseEngine(db) === 'postgres'
    ? sql<boolean>`translate(payload, ${UPPER_ASCII}, ${foldAscii(UPPER_ASCII)}) like ${pattern} escape '\\'`
    : sql<boolean>`lower(payload) like ${pattern} escape '\\'`;
}

/**
 * The dashboard pages by keyset on (received_at, id) as text, and its cursor is compared with
 * `<` in SQL: both must follow one order. SQLite compares text bytewise; PostgreSQL compares by
 * the database's collation, which a managed server may set to a language's, so there the sort
 * and the comparison name the bytewise "C" collation.
 */
function bytewise(db: DeskbellDatabase, column: 'received_at' | 'id') {
  return databaseEngine(db) === 'postgres' ? sql<string>`${sql.ref(column)} collate "C"` : sql<string>`${sql.ref(column)}`;
}

export type PressListFilter = {
  status?: PressStatus;
  /** ISO times: received at or after `from`, before `to`. */
  from?: string;
  to?: string;
  /** A pre-filter: presses whose document mentions the term (ASCII case-insensitive) or whose ticket number is it. */
  term?: string;
  /** Keyset: only presses after this one in newest-first order. */
  after?: { receivedAt: string; id: string };
  limit: number;
};

export type PressListRow = StoredPressSummary & {
  ticketCreatedAt: string | null;
  attempt: number;
  lastError: string | null;
  deadReason: string | null;
  nextAttemptAt: string | null;
};

/** One batch of the dashboard's list, newest first on (received_at, id). */
export async function listPressBatch(db: DeskbellDatabase, filter: PressListFilter): Promise<PressListRow[]> {
  const receivedAt = bytewise(db, 'received_at');
  const id = bytewise(db, 'id');
  let select = db
    .selectFrom('presses')
    .select([...SUMMARY_COLUMNS, 'ticket_created_at', 'attempt', 'last_error', 'dead_reason', 'next_attempt_at'])
    .orderBy(receivedAt, 'desc')
    .orderBy(id, 'desc')
    .limit(filter.limit);
  if (filter.status) select = select.where('status', '=', filter.status);
  if (filter.from) select = select.where('received_at', '>=', filter.from);
  if (filter.to) select = select.where('received_at', '<', filter.to);
  const term = filter.term;
  if (term) {
    const mentions = payloadMentions(db, likePattern(term));
    select = select.where((eb) => eb.or([mentions, eb('ticket_number', '=', term)]));
  }
  const after = filter.after;
  if (after) {
    select = select.where((eb) =>
      eb.or([eb(receivedAt, '<', after.receivedAt), eb.and([eb(receivedAt, '=', after.receivedAt), eb(id, '<', after.id)])]),
    );
  }
  const rows = await select.execute();
  return rows.map((row) => ({
    ...toSummary(row),
    ticketCreatedAt: row.ticket_created_at,
    attempt: row.attempt,
    lastError: row.last_error,
    deadReason: row.dead_reason,
    nextAttemptAt: row.next_attempt_at,
  }));
}
