import 'server-only';
import { z } from 'zod';
import type { DeskbellDatabase } from '@/lib/store/database';
import { listPressFiles } from './press-file-store';
import { hasRuleTrace } from './press-outcome';
import { findPressRecord, type PressRecord } from './press-read-store';
import { msBetween, pressEndUser } from './stored-press';
import type { TicketLinker } from '@/lib/connectwise/ui-links';
import { loadTicketLinker } from '@/lib/settings/manage-site';
import type { PressReport, TicketEventEntry, TimelineEvent } from './types';

export const pressIdSchema = z.uuid({ error: 'is not a press id' }).transform((v) => v.toLowerCase());

/** Where a press file's bytes are served; the pod passes its own (token-scoped) builder. */
export type FileUrlBuilder = (pressId: string, fileId: string) => string;

export const adminFileUrl: FileUrlBuilder = (pressId, fileId) =>
  `/api/admin/presses/${encodeURIComponent(pressId)}/files/${encodeURIComponent(fileId)}`;

type PressRow = Omit<PressRecord, 'payload' | 'outcome'>;

/**
 * What happened, from the columns we keep. Only the latest state has its own time
 * (updated_at); earlier attempts are counted, not stamped.
 */
export function buildPressTimeline(row: PressRow): TimelineEvent[] {
  const events: TimelineEvent[] = [{ kind: 'received', at: row.received_at, label: 'Press received' }];
  const attempts = row.attempt === 1 ? '1 attempt' : `${row.attempt} attempts`;
  switch (row.status) {
    case 'queued':
      if (row.attempt > 0) events.push({ kind: 'processing', at: row.updated_at, label: 'Queued again for a retry', detail: `after ${attempts}` });
      break;
    case 'processing':
      events.push({ kind: 'processing', at: row.updated_at, label: `Processing, attempt ${Math.max(1, row.attempt)}` });
      break;
    case 'retrying':
      events.push({
        kind: 'retrying',
        at: row.updated_at,
        label: `Attempt ${row.attempt} failed; retrying${row.next_attempt_at ? ` at ${row.next_attempt_at}` : ''}`,
        detail: row.last_error ?? undefined,
      });
      break;
    case 'ticket_created':
      events.push({
        kind: 'ticket_created',
        at: row.ticket_created_at ?? row.updated_at,
        label: `Ticket #${row.ticket_number ?? row.ticket_id ?? '?'} created`,
        detail: row.attempt > 1 ? `after ${attempts}` : undefined,
      });
      break;
    case 'refused':
      events.push({ kind: 'refused', at: row.updated_at, label: 'Refused by a dispatcher rule', detail: row.refused_message ?? undefined });
      break;
    case 'dead':
      events.push({ kind: 'dead', at: row.updated_at, label: `Gave up after ${attempts}`, detail: row.dead_reason ?? row.last_error ?? undefined });
      break;
  }
  if (row.files_removed_at) {
    events.push({ kind: 'files_removed', at: row.files_removed_at, label: 'Screenshots and attachments removed by retention' });
  }
  return events.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
}

/** The events on a press's ticket, with what was sent for each: notifications keep them (listTicketTimeline). */
export type TicketEventSource = (pressId: string) => Promise<readonly TicketEventEntry[]>;

export type PressReportOptions = {
  /** Required so no caller shows a report without what happened to the ticket after it was created. */
  ticketEvents: TicketEventSource;
  fileUrl?: FileUrlBuilder;
  linkTicket?: TicketLinker;
};

/** One press for the report page: the press, its files' metadata (never file bytes) and its ticket's events. */
export async function loadPressReport(db: DeskbellDatabase, pressId: string, options: PressReportOptions): Promise<PressReport | null> {
  const id = pressIdSchema.safeParse(pressId);
  if (!id.success) return null;
  const [row, files] = await Promise.all([findPressRecord(db, id.data), listPressFiles(db, id.data)]);
  if (!row) return null;

  const fileUrl = options.fileUrl ?? adminFileUrl;
  const linkTicket = options.linkTicket ?? (() => null);
  const { payload, outcome } = row;
  const ticketId = row.ticket_id ?? outcome?.ticket?.id ?? null;
  const [timelineEntries, ticketState] = await Promise.all([
    options.ticketEvents(row.id),
    ticketId === null
      ? Promise.resolve(undefined)
      : db.selectFrom('ticket_states').select('status_name').where('ticket_id', '=', ticketId).executeTakeFirst(),
  ]);
  const ticketEvents = ticketEventsToTimeline(timelineEntries);
  const timeline = buildPressTimeline(row).map((event) =>
    event.kind === 'ticket_created' && ticketEvents.createdDelivery
      ? { ...event, detail: [event.detail, ticketEvents.createdDelivery].filter(Boolean).join(' ') }
      : event,
  );
  timeline.push(...ticketEvents.events);
  timeline.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));

  return {
    id: row.id,
    status: row.status,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
    ticketCreatedAt: row.ticket_created_at,
    msToTicket: msBetween(row.received_at, row.ticket_created_at),
    person: {
      name: pressEndUser(payload, outcome).name ?? undefined,
      email: payload?.email,
      phone: payload?.phone,
      extension: payload?.extension,
      cell: payload?.cell,
      businessName: payload?.businessName,
    },
    registered: outcome?.contact?.registered ?? null,
    companyName: outcome?.contact?.companyName ?? null,
    message: payload?.message ?? '',
    selections: payload?.selections ?? [],
    append: payload?.append ?? [],
    custom: payload?.custom ?? {},
    host: payload?.host ?? {},
    ticket:
      ticketId === null
        ? null
        : {
            id: ticketId,
            number: row.ticket_number ?? outcome?.ticket?.number ?? String(ticketId),
            url: linkTicket(ticketId),
            boardName: outcome?.ticket?.boardName ?? null,
            // As last seen (callbacks), not as filed: a closed ticket must not read "New".
            statusName: ticketState?.status_name ?? outcome?.ticket?.statusName ?? null,
            reused: outcome?.ticket?.reused ?? false,
          },
    configuration: outcome?.configuration ?? null,
    refusedMessage: row.refused_message,
    retry: {
      attempt: row.attempt,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      deadReason: row.dead_reason,
    },
    screenshots: files
      .filter((f) => f.kind === 'screenshot')
      .map((f) => ({
        id: f.id,
        src: fileUrl(row.id, f.id),
        filename: f.filename,
        width: f.width,
        height: f.height,
        capturedAt: f.capturedAt,
        monitor: f.monitor,
        removedAt: f.removedAt,
      })),
    attachments: files
      .filter((f) => f.kind === 'attachment')
      .map((f) => ({
        id: f.id,
        href: fileUrl(row.id, f.id),
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        removedAt: f.removedAt,
      })),
    filesRemovedAt: row.files_removed_at,
    submissionErrors: outcome?.submissionErrors ?? [],
    fileErrors: (outcome?.fileErrors ?? []).map((f) => ({ filename: f.filename, message: f.message })),
    configurationError: outcome?.configurationError ?? null,
    rules: outcome && hasRuleTrace(outcome.rules) ? outcome.rules : null,
    calls: outcome?.calls ?? [],
    steps: outcome?.steps ?? [],
    outcomeAttempt: outcome ? outcome.attempt : null,
    timeline,
  };
}

// Named as the notifications page names the channels, so an admin reads one word for each.
const CHANNEL_NAMES: Record<string, string> = { agent: 'the desktop agent', email: 'e-mail' };

function describeDelivery(entry: TicketEventEntry): string {
  if (entry.internal) return 'Internal: not sent to the user.';
  if (entry.notifications.length === 0) return 'The user was not notified (this event is turned off).';
  return entry.notifications
    .map((n) => {
      const by = CHANNEL_NAMES[n.channel] ?? n.channel;
      if (n.status === 'acknowledged') return `The user saw it (${by}).`;
      if (n.status === 'delivered') return `Sent to the user by ${by}.`;
      if (n.status === 'failed') return `Could not be sent by ${by}: ${n.lastError ?? 'unknown error'}.`;
      return `Waiting to reach the user by ${by}${n.lastError ? ` (last try: ${n.lastError})` : ''}.`;
    })
    .join(' ');
}

/** Ticket events as timeline entries; "created" is the pipeline's own entry, so it only adds who was told. */
export function ticketEventsToTimeline(entries: readonly TicketEventEntry[]): { events: TimelineEvent[]; createdDelivery?: string } {
  const events: TimelineEvent[] = [];
  let createdDelivery: string | undefined;
  for (const entry of entries) {
    const by = entry.actor ? ` by ${entry.actor}` : '';
    const delivery = describeDelivery(entry);
    switch (entry.kind) {
      case 'created':
        createdDelivery = delivery;
        break;
      case 'status_changed':
        events.push({ kind: 'status_changed', at: entry.occurredAt, label: `Status ${entry.details.fromStatus ?? '?'} \u2192 ${entry.details.toStatus ?? '?'}${by}`, detail: delivery });
        break;
      case 'closed':
        events.push({ kind: 'closed', at: entry.occurredAt, label: `Closed${by}${entry.details.toStatus ? ` (${entry.details.toStatus})` : ''}`, detail: delivery });
        break;
      case 'assigned':
        events.push({ kind: 'assigned', at: entry.occurredAt, label: `Assigned to ${entry.details.owner ?? '?'}${by}`, detail: delivery });
        break;
      case 'note_added':
        events.push({
          kind: entry.internal ? 'internal_note' : 'note_added',
          at: entry.occurredAt,
          label: `${entry.internal ? 'Internal note' : 'Note'}${by}`,
          detail: `${entry.internal ? '' : `${entry.details.noteText ?? ''}\n`}${delivery}`.trim(),
        });
        break;
    }
  }
  return { events, createdDelivery };
}

/** The report page's data with the ticket linked into this install's Manage. */
export async function loadPressReportForAdmin(db: DeskbellDatabase, pressId: string, ticketEvents: TicketEventSource): Promise<PressReport | null> {
  return loadPressReport(db, pressId, { ticketEvents, linkTicket: await loadTicketLinker(db) });
}
