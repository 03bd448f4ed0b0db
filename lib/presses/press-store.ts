import 'server-only';
import { sql, type Selectable } from 'kysely';
import { createNudger } from '@/lib/http/long-poll';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { PressesTable, PressStatus } from '@/lib/store/schema';
import { readOutcome, type PressOutcome } from './press-outcome';
import { readPayload, type PressPayload } from './press-payload';
import { insertPressFiles, type NewPressFile } from './press-file-store';

/**
 * The only code that reads or writes the `presses` table (press files: press-file-store.ts).
 * Everything else asks for a press by what it needs and changes one by a named transition, so
 * the JSON columns are parsed in one place and SQL dialect differences have one home.
 */

/** The press job's dedupe key: one job per press, whoever enqueues or revives it. */
export function pressJobDedupeKey(pressId: string): string {
  return `press:${pressId}`;
}

// ---------------------------------------------------------------------------------------------
// Change signal: agents long-polling a press hear about a new status at once.

const pressNudger = createNudger();

/** Wakes the long-polls of this press; transitions call it, and so does a caller that changed a press inside a transaction, after the commit. */
export function notifyPressStatusChanged(pressId: string): void {
  pressNudger.nudge(pressId.toLowerCase());
}

/** Sleeps until the press changes status, `ms` passes or the signal aborts. */
export function sleepUntilPressChanges(pressId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return pressNudger.sleep(pressId.toLowerCase(), ms, signal);
}

// ---------------------------------------------------------------------------------------------
// Accept

/** The columns an agent's status view is built from. */
export const PRESS_STATUS_COLUMNS = [
  'id',
  'status',
  'received_at',
  'updated_at',
  'ticket_id',
  'ticket_number',
  'refused_message',
  'attempt',
  'next_attempt_at',
  'last_error',
  'dead_reason',
] as const;

export type PressStatusRow = Pick<Selectable<PressesTable>, (typeof PRESS_STATUS_COLUMNS)[number]>;

export type NewPress = {
  id: string;
  agentTokenId: string;
  idempotencyKey: string | null;
  requestHash: string;
  payload: PressPayload;
  receivedAt: string;
};

/**
 * Stores a new, queued press and its files (bytes included). Run it in the caller's
 * transaction, beside the press job's enqueue, so a press never exists without its job.
 */
export async function insertPress(db: DeskbellDatabase, press: NewPress, files: readonly NewPressFile[]): Promise<PressStatusRow> {
  const row = {
    id: press.id,
    agent_token_id: press.agentTokenId,
    idempotency_key: press.idempotencyKey,
    request_hash: press.requestHash,
    status: 'queued' as const,
    payload: JSON.stringify(press.payload),
    received_at: press.receivedAt,
    updated_at: press.receivedAt,
    attempt: 0,
    next_attempt_at: null,
    last_error: null,
    ticket_id: null,
    ticket_number: null,
    refused_message: null,
    dead_reason: null,
    outcome: null,
    files_removed_at: null,
  };
  await db.insertInto('presses').values(row).execute();
  await insertPressFiles(db, press.id, files);
  return row;
}

/** The press an agent token already sent under this Idempotency-Key, with the hash of its content. */
export async function findPressByIdempotencyKey(
  db: DeskbellDatabase,
  agentTokenId: string,
  key: string,
): Promise<(PressStatusRow & { request_hash: string }) | undefined> {
  return db
    .selectFrom('presses')
    .select([...PRESS_STATUS_COLUMNS, 'request_hash'])
    .where('agent_token_id', '=', agentTokenId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** True when an insert lost the race for an Idempotency-Key (the unique index on token and key). */
export function isDuplicatePressKey(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // better-sqlite3, and PostgreSQL's unique_violation.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** A press as its sender sees it; undefined for an unknown id and for another token's press alike. */
export async function findPressStatusForToken(db: DeskbellDatabase, agentTokenId: string, pressId: string): Promise<PressStatusRow | undefined> {
  return db
    .selectFrom('presses')
    .select(PRESS_STATUS_COLUMNS)
    .where('id', '=', pressId.toLowerCase())
    .where('agent_token_id', '=', agentTokenId)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// The pipeline: reads and named transitions

export type PipelinePress = {
  id: string;
  status: PressStatus;
  /** The stored press document, as JSON; the pipeline validates it (press-facts). */
  payload: unknown;
  receivedAt: string;
  ticketId: number | null;
  ticketNumber: string | null;
  /** What the last attempt got done, so a retry continues instead of repeating. */
  previousOutcome: PressOutcome | null;
  /** An earlier attempt stored an outcome (even one this version cannot read): it may have reached Manage. */
  ranBefore: boolean;
};

export async function loadPipelinePress(db: DeskbellDatabase, pressId: string): Promise<PipelinePress | undefined> {
  const row = await db
    .selectFrom('presses')
    .select(['id', 'status', 'payload', 'received_at', 'ticket_id', 'ticket_number', 'outcome'])
    .where('id', '=', pressId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    payload: JSON.parse(row.payload) as unknown,
    receivedAt: row.received_at,
    ticketId: row.ticket_id,
    ticketNumber: row.ticket_number,
    previousOutcome: readOutcome(row.outcome),
    ranBefore: row.outcome !== null,
  };
}

/** A press in one of these states is finished: no transition moves it again. */
export const FINAL_PRESS_STATUSES = ['ticket_created', 'refused'] as const satisfies readonly PressStatus[];

type PressChange = Partial<Omit<Selectable<PressesTable>, 'id' | 'updated_at' | 'agent_token_id' | 'idempotency_key' | 'request_hash' | 'payload' | 'received_at'>>;

/**
 * One guarded update: only a press in one of `from` (by default: any unfinished one) changes.
 * False when the press is missing or in another state, so a late or repeated attempt can
 * never undo a created ticket or a refusal.
 */
async function transition(
  db: DeskbellDatabase,
  pressId: string,
  change: PressChange,
  from?: readonly PressStatus[],
): Promise<boolean> {
  let update = db
    .updateTable('presses')
    .set({ ...change, updated_at: new Date().toISOString() })
    .where('id', '=', pressId);
  update = from ? update.where('status', 'in', [...from]) : update.where('status', 'not in', [...FINAL_PRESS_STATUSES]);
  const result = await update.executeTakeFirst();
  const changed = Number(result.numUpdatedRows) > 0;
  if (changed && (change.status !== undefined || change.attempt !== undefined)) notifyPressStatusChanged(pressId);
  return changed;
}

function outcomeColumns(outcome: PressOutcome): Pick<PressChange, 'outcome' | 'company_id'> {
  // The company the press was filed under: the pod's company tab finds presses by it.
  return { outcome: JSON.stringify(outcome), company_id: outcome.contact?.companyId ?? null };
}

/** An attempt starts. */
export function markPressProcessing(db: DeskbellDatabase, pressId: string, attempt: number): Promise<boolean> {
  return transition(db, pressId, { status: 'processing', attempt });
}

/**
 * The ticket exists: stored at once, with the outcome so far, so a retry continues with this
 * ticket and never creates another. The status stays processing until files are attached.
 */
export function recordPressTicket(db: DeskbellDatabase, pressId: string, ticketId: number, outcome: PressOutcome): Promise<boolean> {
  return transition(db, pressId, { ticket_id: ticketId, ticket_number: String(ticketId), ...outcomeColumns(outcome) });
}

/** An attempt failed: what it got done is kept for the next one; the status is the job's to set. */
export function recordPressOutcome(db: DeskbellDatabase, pressId: string, outcome: PressOutcome): Promise<boolean> {
  return transition(db, pressId, outcomeColumns(outcome));
}

/** A rule refused the press on purpose: final, the agent shows the message. */
export function markPressRefused(db: DeskbellDatabase, pressId: string, message: string, outcome: PressOutcome): Promise<boolean> {
  return transition(db, pressId, {
    status: 'refused',
    refused_message: message,
    ...outcomeColumns(outcome),
    last_error: null,
    next_attempt_at: null,
  });
}

/** Done: the ticket exists and its files and configuration are attached (or reported). Final. */
export function markPressTicketCreated(db: DeskbellDatabase, pressId: string, outcome: PressOutcome, at = new Date()): Promise<boolean> {
  return transition(db, pressId, {
    status: 'ticket_created',
    ticket_created_at: at.toISOString(),
    ...outcomeColumns(outcome),
    last_error: null,
    next_attempt_at: null,
  });
}

/** The attempt failed and the job will run again at `nextAttemptAt`. */
export function markPressRetrying(
  db: DeskbellDatabase,
  pressId: string,
  failure: { attempt: number; nextAttemptAt: Date; lastError: string },
): Promise<boolean> {
  return transition(db, pressId, {
    status: 'retrying',
    attempt: failure.attempt,
    next_attempt_at: failure.nextAttemptAt.toISOString(),
    last_error: failure.lastError.slice(0, 1000),
  });
}

/** The job gave up (or a failure needs an admin): the press waits for an admin's Retry. */
export function markPressDead(
  db: DeskbellDatabase,
  pressId: string,
  failure: { attempt: number; reason: string; lastError: string },
): Promise<boolean> {
  return transition(db, pressId, {
    status: 'dead',
    attempt: failure.attempt,
    next_attempt_at: null,
    dead_reason: failure.reason.slice(0, 2000),
    last_error: failure.lastError.slice(0, 1000),
  });
}

/** What an admin's Retry needs to know of a press. */
export async function findPressForRetry(
  db: DeskbellDatabase,
  pressId: string,
): Promise<{ status: PressStatus; attempt: number; deadReason: string | null } | undefined> {
  const row = await db.selectFrom('presses').select(['status', 'attempt', 'dead_reason']).where('id', '=', pressId).executeTakeFirst();
  return row && { status: row.status, attempt: row.attempt, deadReason: row.dead_reason };
}

/**
 * A dead press goes back in line (an admin's Retry). Only from dead, so two clicks revive it
 * once. Meant for the caller's transaction: it wakes no long-poll, the caller does after the
 * commit (notifyPressStatusChanged).
 */
export async function requeueDeadPress(db: DeskbellDatabase, pressId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('presses')
    .set({ status: 'queued', next_attempt_at: null, dead_reason: null, updated_at: at.toISOString() })
    .where('id', '=', pressId)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------
// Read models

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

/** The ticket numbers of these presses (those that have one). */
export async function findTicketNumbers(db: DeskbellDatabase, pressIds: readonly string[]): Promise<Map<string, string>> {
  if (pressIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('presses')
    .select(['id', 'ticket_number'])
    .where('id', 'in', [...new Set(pressIds)])
    .execute();
  return new Map(rows.flatMap((r) => (r.ticket_number === null ? [] : [[r.id, r.ticket_number] as const])));
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
  let select = db
    .selectFrom('presses')
    .select([...SUMMARY_COLUMNS, 'ticket_created_at', 'attempt', 'last_error', 'dead_reason', 'next_attempt_at'])
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.status) select = select.where('status', '=', filter.status);
  if (filter.from) select = select.where('received_at', '>=', filter.from);
  if (filter.to) select = select.where('received_at', '<', filter.to);
  const term = filter.term;
  if (term) {
    const pattern = likePattern(term);
    select = select.where((eb) =>
      // ESCAPE spelled out: SQLite has no default LIKE escape character.
      eb.or([sql<boolean>`lower(payload) like ${pattern} escape '\\'`, eb('ticket_number', '=', term)]),
    );
  }
  const after = filter.after;
  if (after) {
    select = select.where((eb) =>
      eb.or([eb('received_at', '<', after.receivedAt), eb.and([eb('received_at', '=', after.receivedAt), eb('id', '<', after.id)])]),
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
