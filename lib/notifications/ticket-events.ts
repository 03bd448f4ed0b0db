import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import { z } from 'zod';
import { parseCallbackPayload } from '@/lib/connectwise/callback-signature';
import { listTicketNotes } from '@/lib/connectwise/notes';
import { getTicket } from '@/lib/connectwise/tickets';
import type { ManageTicket } from '@/lib/connectwise/types';
import type { ManageAvailability, ManageContext } from '@/lib/manage-client/manage-context';
import type { CreatedTicket } from '@/lib/intake/process-press';
import type { JobQueue } from '@/lib/jobs/queue';
import { PermanentJobError, type JobHandler } from '@/lib/jobs/worker';
import { findNotifiedPress, findNotifiedPressByTicket, type NotifiedPress } from '@/lib/presses/press-read-store';
import { pressEndUser } from '@/lib/presses/stored-press';
import type { TicketEventEntry } from '@/lib/presses/types';
import { databaseEngine, type DeskbellDatabase } from '@/lib/store/database';
import type { Database, TicketEventKind, TicketStatesTable } from '@/lib/store/schema';
import { notifyAgentInboxes } from './agent-inbox';
import { draftNotifications, insertNotifications, type NotificationTarget } from './notify';
import { diffTicket, isStale, type DraftTicketEvent, type TicketState } from './ticket-diff';
import type { NotificationSettings, TemplateValues } from './templates';

/**
 * From a stored callback to ticket events and notifications (the callback job), and the
 * "created" event the pipeline records itself. Only tickets Deskbell created count: found
 * by the press's stored ticket id, or by the press id Deskbell wrote into externalXRef.
 */

export type TicketEventDeps = {
  db: DeskbellDatabase;
  queue: JobQueue;
  manage: () => Promise<ManageAvailability>;
  loadSettings: (db: DeskbellDatabase) => Promise<NotificationSettings>;
  /** Whether e-mail is a channel (SMTP configured). */
  emailEnabled: boolean;
};

type PressRow = NotifiedPress;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findPressForTicket(db: DeskbellDatabase, ticketId: number, externalXRef: string | null): Promise<PressRow | undefined> {
  const byTicket = await findNotifiedPressByTicket(db, ticketId);
  if (byTicket) return byTicket;
  if (!externalXRef || !UUID.test(externalXRef)) return undefined;
  // externalXRef is writable in Manage: trust it only for a press whose ticket is not known
  // yet (created, answer lost) or is this very ticket.
  const byXRef = await findNotifiedPress(db, externalXRef.toLowerCase());
  return byXRef && (byXRef.ticketId === null || byXRef.ticketId === ticketId) ? byXRef : undefined;
}

function toState(row: Selectable<TicketStatesTable>): TicketState {
  return {
    ticketId: row.ticket_id,
    statusId: row.status_id,
    statusName: row.status_name,
    ownerIdentifier: row.owner_identifier,
    ownerName: row.owner_name,
    closed: row.closed === 1,
    summary: row.summary,
    lastUpdated: row.last_updated,
    enteredBy: row.entered_by,
    seenNoteIds: row.seen_note_ids === null ? null : (JSON.parse(row.seen_note_ids) as number[]),
  };
}

function stateRow(state: TicketState, pressId: string): Omit<Selectable<TicketStatesTable>, 'ticket_id'> {
  return {
    press_id: pressId,
    status_id: state.statusId,
    status_name: state.statusName,
    owner_identifier: state.ownerIdentifier,
    owner_name: state.ownerName,
    closed: state.closed ? 1 : 0,
    summary: state.summary,
    last_updated: state.lastUpdated,
    entered_by: state.enteredBy,
    seen_note_ids: state.seenNoteIds === null ? null : JSON.stringify(state.seenNoteIds),
    updated_at: new Date().toISOString(),
  };
}

/**
 * Who is told: the press's device and e-mail, and the end user's name (typed on the press,
 * else the matched Manage contact's). An unreadable payload still gets inbox notifications,
 * just without a name.
 */
export function targetOf(press: PressRow): { target: NotificationTarget; name: string } {
  const person = pressEndUser(press.payload, press.outcome);
  return { target: { pressId: press.id, agentTokenId: press.agentTokenId, email: person.email }, name: person.name ?? '' };
}

/** Member identifiers read better as names; an unreadable member table leaves identifiers. */
export async function memberNames(context: ManageContext): Promise<Map<string, string>> {
  try {
    const members = await context.tables.members();
    return new Map(
      members.map((m) => [m.identifier.toLowerCase(), [m.firstName, m.lastName].filter(Boolean).join(' ') || m.identifier]),
    );
  } catch {
    return new Map();
  }
}

type EventWrite = { draft: DraftTicketEvent; values: TemplateValues };

/** Events, their notifications and the new state: all or nothing. */
async function writeEvents(
  trx: Transaction<Database>,
  deps: Pick<TicketEventDeps, 'queue' | 'emailEnabled'>,
  settings: NotificationSettings,
  press: PressRow,
  target: NotificationTarget,
  ticketId: number,
  writes: readonly EventWrite[],
  callbackMessageId: string | null,
): Promise<{ inserted: TicketEventKind[]; agentTokenIds: string[] }> {
  const inserted: TicketEventKind[] = [];
  const agentTokenIds: string[] = [];
  for (const { draft, values } of writes) {
    const id = randomUUID();
    const result = await trx
      .insertInto('ticket_events')
      .values({
        id,
        press_id: press.id,
        ticket_id: ticketId,
        kind: draft.kind,
        dedupe_key: draft.dedupeKey,
        actor: values.actor || draft.actor,
        internal: draft.internal ? 1 : 0,
        details: JSON.stringify(draft.details),
        occurred_at: draft.occurredAt,
        recorded_at: new Date().toISOString(),
        callback_message_id: callbackMessageId,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    // Already recorded (a repeated callback, a retried job): its notifications exist too.
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) continue;
    inserted.push(draft.kind);
    const drafts = draftNotifications({ kind: draft.kind, internal: draft.internal, values }, target, settings, deps.emailEnabled);
    const written = await insertNotifications(trx, deps.queue, { id, kind: draft.kind }, target, drafts);
    agentTokenIds.push(...written.agentTokenIds);
  }
  return { inserted, agentTokenIds };
}

/** Who acted, as the end user reads it: a member's name, "Your technician" when Manage did not say. */
export function actorNameOf(draft: Pick<DraftTicketEvent, 'kind' | 'actor'>, names: ReadonlyMap<string, string>): string {
  if (draft.kind === 'created') return 'Deskbell';
  return draft.actor ? (names.get(draft.actor.toLowerCase()) ?? draft.actor) : 'Your technician';
}

type ValuesTicket = Pick<ManageTicket, 'id' | 'summary' | 'statusName' | 'ownerName' | 'ownerIdentifier'>;

/**
 * The template values of one event on a press's ticket. What is sent and what the admin's
 * preview shows both come from here, so the preview cannot say what a device never will.
 */
export function eventTemplateValues(ticket: ValuesTicket, press: PressRow, draft: DraftTicketEvent, names: ReadonlyMap<string, string>): TemplateValues {
  const { target, name } = targetOf(press);
  return {
    ticketNumber: press.ticketNumber ?? String(ticket.id),
    ticketSubject: ticket.summary,
    name,
    email: target.email ?? '',
    actor: actorNameOf(draft, names),
    status: draft.details.toStatus ?? ticket.statusName ?? '',
    owner: draft.details.owner ?? ticket.ownerName ?? ticket.ownerIdentifier ?? '',
    note: draft.details.noteText ?? '',
  };
}

// One ticket's callbacks are worked out one at a time: two "updated" callbacks for the same
// change must not both compare against the same old state. On SQLite (one process) an
// in-process queue per ticket; on PostgreSQL, where the two may run on different instances, a
// transaction-scoped advisory lock on the ticket (see serializeTicket).
const ticketLocks = new Map<number, Promise<unknown>>();
async function withTicketLock<T>(ticketId: number, run: () => Promise<T>): Promise<T> {
  const previous = ticketLocks.get(ticketId) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(run);
  ticketLocks.set(ticketId, current);
  try {
    return await current;
  } finally {
    if (ticketLocks.get(ticketId) === current) ticketLocks.delete(ticketId);
  }
}

/** The advisory-lock namespace of ticket serialization (pg_advisory_xact_lock(namespace, ticket id)). */
export const TICKET_LOCK_NAMESPACE = 0x7469636b; // "tick"

type TicketWork<T> = (reader: DeskbellDatabase | Transaction<Database>, write: <R>(fn: (trx: Transaction<Database>) => Promise<R>) => Promise<R>) => Promise<T>;

/**
 * Runs one ticket's work with no other instance or job working on the same ticket. PostgreSQL:
 * the whole work is one transaction that first takes the ticket's advisory lock, so the state it
 * reads is the state the previous holder committed, and its writes are that transaction's.
 */
async function serializeTicket<T>(db: DeskbellDatabase, ticketId: number, work: TicketWork<T>): Promise<T> {
  if (databaseEngine(db) === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${TICKET_LOCK_NAMESPACE}, ${ticketId}::integer)`.execute(trx);
      return work(trx, (fn) => fn(trx));
    });
  }
  return withTicketLock(ticketId, () => work(db, (fn) => db.transaction().execute(fn)));
}

export type CallbackOutcome = { status: 'processed' | 'ignored'; reason?: string; events?: TicketEventKind[] };

async function finishCallback(db: DeskbellDatabase | Transaction<Database>, id: string, outcome: CallbackOutcome): Promise<void> {
  await db
    .updateTable('callback_events')
    .set({ status: outcome.status, outcome: JSON.stringify(outcome), processed_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

export async function processCallbackEvent(deps: TicketEventDeps, callbackEventId: string): Promise<CallbackOutcome> {
  const row = await deps.db.selectFrom('callback_events').selectAll().where('id', '=', callbackEventId).executeTakeFirst();
  if (!row) throw new PermanentJobError(`callback ${callbackEventId} no longer exists`);
  if (row.status !== 'pending') return JSON.parse(row.outcome ?? '{"status":"processed"}') as CallbackOutcome;
  const parsed = parseCallbackPayload(JSON.parse(row.body));
  const ignore = async (reason: string) => {
    const outcome: CallbackOutcome = { status: 'ignored', reason };
    await finishCallback(deps.db, row.id, outcome);
    return outcome;
  };
  if (!parsed.ok) return ignore('unreadable callback');
  const event = parsed.event;
  if (event.recordType !== 'ticket') return ignore(`not a ticket callback (${event.recordType})`);
  const press = await findPressForTicket(deps.db, event.recordId, event.ticket?.externalXRef ?? null);
  if (!press) return ignore('not a ticket Deskbell created');
  if (event.action === 'deleted') return ignore('the ticket was deleted in Manage');

  const manage = await deps.manage();
  if (!manage.ok) throw new Error(manage.reason);
  const { context } = manage;

  const result = await serializeTicket(deps.db, event.recordId, async (reader, write) => {
    const stored = await reader.selectFrom('ticket_states').selectAll().where('ticket_id', '=', event.recordId).executeTakeFirst();
    const state = stored ? toState(stored) : null;
    const ticket =
      event.ticket && !isStale(event.ticket, state) ? event.ticket : await getTicket(context.client, event.recordId);
    const [notes, names, settings] = await Promise.all([
      listTicketNotes(context.client, event.recordId),
      memberNames(context),
      deps.loadSettings(deps.db),
    ]);
    const { events: drafts, next } = diffTicket(state, ticket, notes, new Date().toISOString());
    const { target } = targetOf(press);
    const writes = drafts.map((draft) => ({ draft, values: eventTemplateValues(ticket, press, draft, names) }));
    return write(async (trx) => {
      const written = await writeEvents(trx, deps, settings, press, target, event.recordId, writes, event.messageId);
      const rowValues = stateRow(next, press.id);
      await trx
        .insertInto('ticket_states')
        .values({ ticket_id: event.recordId, ...rowValues })
        .onConflict((oc) => oc.column('ticket_id').doUpdateSet(rowValues))
        .execute();
      const outcome: CallbackOutcome = { status: 'processed', events: written.inserted };
      await finishCallback(trx, row.id, outcome);
      return { outcome, agentTokenIds: written.agentTokenIds };
    });
  });
  notifyAgentInboxes(deps.db, result.agentTokenIds);
  return result.outcome;
}

const callbackJobPayload = z.object({ callbackEventId: z.uuid() });

export function createCallbackJobHandler(deps: TicketEventDeps): JobHandler {
  return {
    async run(job) {
      const { callbackEventId } = callbackJobPayload.parse(job.payload);
      await processCallbackEvent(deps, callbackEventId);
    },
  };
}

/**
 * The pipeline's own event: the ticket exists. Also the baseline later callbacks are compared
 * with; the notes are read on the first callback (the press's description note is ours).
 */
export async function recordTicketCreated(
  deps: Pick<TicketEventDeps, 'db' | 'queue' | 'loadSettings' | 'emailEnabled'>,
  pressId: string,
  ticket: CreatedTicket,
): Promise<void> {
  const press = await findNotifiedPress(deps.db, pressId);
  if (!press) return;
  const settings = await deps.loadSettings(deps.db);
  const { target } = targetOf(press);
  const now = new Date().toISOString();
  const draft: DraftTicketEvent = {
    kind: 'created',
    dedupeKey: `created:${pressId}`,
    actor: null,
    internal: false,
    occurredAt: now,
    details: { toStatus: ticket.statusName },
  };
  const values = eventTemplateValues(ticket, press, draft, new Map());
  const state: TicketState = {
    ticketId: ticket.id,
    statusId: ticket.statusId,
    statusName: ticket.statusName,
    ownerIdentifier: ticket.ownerIdentifier,
    ownerName: ticket.ownerName,
    closed: false,
    summary: ticket.summary,
    lastUpdated: ticket.lastUpdated,
    enteredBy: ticket.enteredBy,
    seenNoteIds: null,
  };
  const { agentTokenIds } = await deps.db.transaction().execute(async (trx) => {
    const written = await writeEvents(trx, deps, settings, press, target, ticket.id, [{ draft, values }], null);
    // A callback may already have set the state (it raced the pipeline's last write): keep it.
    await trx
      .insertInto('ticket_states')
      .values({ ticket_id: ticket.id, ...stateRow(state, pressId) })
      .onConflict((oc) => oc.column('ticket_id').doNothing())
      .execute();
    return written;
  });
  notifyAgentInboxes(deps.db, agentTokenIds);
}

/** A press's ticket events with what was sent for each: the report's and the pod's timeline. */
export async function listTicketTimeline(db: DeskbellDatabase, pressId: string): Promise<TicketEventEntry[]> {
  const [events, notifications] = await Promise.all([
    db.selectFrom('ticket_events').selectAll().where('press_id', '=', pressId).orderBy('occurred_at').orderBy('recorded_at').execute(),
    db
      .selectFrom('notifications')
      .select(['event_id', 'channel', 'status', 'delivered_at', 'acknowledged_at', 'last_error'])
      .where('press_id', '=', pressId)
      .execute(),
  ]);
  return events.map((e) => ({
    id: e.id,
    kind: e.kind,
    actor: e.actor,
    internal: e.internal === 1,
    occurredAt: e.occurred_at,
    details: JSON.parse(e.details) as DraftTicketEvent['details'],
    notifications: notifications
      .filter((n) => n.event_id === e.id)
      .map((n) => ({
        channel: n.channel,
        status: n.status,
        deliveredAt: n.delivered_at,
        acknowledgedAt: n.acknowledged_at,
        lastError: n.last_error,
      })),
  }));
}
