import 'server-only';
import type { Selectable } from 'kysely';
import { publish, sleepUntilSignalled } from '@/lib/cluster/cluster-signal';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { PressesTable, PressStatus } from '@/lib/store/schema';
import { readOutcome, type PressOutcome } from './press-outcome';
import type { PressPayload } from './press-payload';
import { insertPressFiles, type NewPressFile } from './press-file-store';

/**
 * With press-read-store.ts (the read models' queries) and press-file-store.ts (files and
 * thumbnails), the only code that reads or writes the `presses` table. Everything else asks
 * for a press by what it needs and changes one by a named transition, so the JSON columns are
 * parsed in one place and SQL dialect differences have one home.
 */

/** The press job's dedupe key: one job per press, whoever enqueues or revives it. */
export function pressJobDedupeKey(pressId: string): string {
  return `press:${pressId}`;
}

// ---------------------------------------------------------------------------------------------
// Change signal: agents long-polling a press hear about a new status at once.

/**
 * Wakes the long-polls of this press on every instance; transitions call it, and so does a caller
 * that changed a press inside a transaction, after the commit.
 */
export function notifyPressStatusChanged(db: DeskbellDatabase, pressId: string): void {
  void publish(db, 'press', pressId.toLowerCase());
}

/** Sleeps until the press changes status (on any instance), `ms` passes or the signal aborts. */
export function sleepUntilPressChanges(db: DeskbellDatabase, pressId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return sleepUntilSignalled(db, 'press', pressId.toLowerCase(), ms, signal);
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
const FINAL_PRESS_STATUSES = ['ticket_created', 'refused'] as const satisfies readonly PressStatus[];

export function isPressFinished(status: PressStatus): boolean {
  return (FINAL_PRESS_STATUSES as readonly PressStatus[]).includes(status);
}

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
  if (changed && (change.status !== undefined || change.attempt !== undefined)) notifyPressStatusChanged(db, pressId);
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
