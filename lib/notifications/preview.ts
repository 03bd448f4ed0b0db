import 'server-only';
import { createCacheInvalidation } from '@/lib/cluster/cluster-signal';
import { z } from 'zod';
import { listTicketNotes } from '@/lib/connectwise/notes';
import { getTicket } from '@/lib/connectwise/tickets';
import type { ManageTicket, ManageTicketNote } from '@/lib/connectwise/types';
import type { ManageAvailability } from '@/lib/manage-client/manage-context';
import { MANAGE_CONNECTION_SETTING } from '@/lib/settings/manage-connection';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { TicketEventKind } from '@/lib/store/schema';
import { findLatestTicketedPress, type NotifiedPress } from '@/lib/presses/press-read-store';
import { eventTemplateValues, memberNames } from './ticket-events';
import type { DraftTicketEvent } from './ticket-diff';
import {
  renderTemplate,
  templateSchema,
  TICKET_EVENT_KINDS,
  type NotificationTemplate,
  type TemplateValues,
} from './templates';

/**
 * What an admin's (unsaved) template looks like with real values: the most recent press
 * that has a ticket and the ticket as Manage has it now, turned into values by the very
 * function the callbacks use (eventTemplateValues), so names and actors match what is sent.
 * Manage being down or slow never fails a preview: it falls back to sample values and says so.
 */

export const notificationPreviewBodySchema = z.object({
  kind: z.enum(TICKET_EVENT_KINDS),
  template: templateSchema,
});
export type NotificationPreviewBody = z.infer<typeof notificationPreviewBodySchema>;

export type NotificationPreviewSource = { pressId: string; ticketId: number; ticketNumber: string };

export type NotificationPreview = {
  rendered: NotificationTemplate;
  /** The press and ticket the values came from; null when sample values were used. */
  source: NotificationPreviewSource | null;
  /** Why sample values were used; null with a real source. */
  sampleReason: string | null;
};

/** Manage is the app's context, or a function that finds it (getAppManageContext). */
export type PreviewManage = ManageAvailability | (() => ManageAvailability | Promise<ManageAvailability>);

export const NOTE_PLACEHOLDER = "(the note's text)";

/** Shown instead of real values; plainly made up so nobody mistakes them for a real ticket. */
export const SAMPLE_VALUES: TemplateValues = {
  ticketNumber: '12345',
  ticketSubject: 'Sample: the printer on the second floor is jammed',
  name: 'Alex Sample',
  email: 'alex.sample@example.com',
  actor: 'Sample Technician',
  status: 'In Progress',
  owner: 'Sample Technician',
  note: 'Sample note: a new drum is on its way and should arrive tomorrow.',
};

/** A live preview is re-run as the admin types: Manage gets this long before samples are shown. */
const MANAGE_WAIT_MS = 4_000;
/** Real values are reused briefly, so typing does not cost two Manage calls per pause. */
const CACHE_MS = 20_000;

type RealValues = {
  press: NotifiedPress;
  ticket: ManageTicket;
  names: ReadonlyMap<string, string>;
  source: NotificationPreviewSource;
  latestNote: ManageTicketNote | null;
};
const cache = new Map<string, { at: number; result: Promise<RealValues> }>();
// A new Manage connection saved on any instance must not leave this one previewing the old one's values.
const watchSettings = createCacheInvalidation('settings', (key) => {
  if (key === null || key === MANAGE_CONNECTION_SETTING) cache.clear();
});

/** For tests: forget the values read from Manage. */
export function clearNotificationPreviewCache(): void {
  cache.clear();
}

export async function previewNotification(
  db: DeskbellDatabase,
  manage: PreviewManage,
  kind: TicketEventKind,
  template: NotificationTemplate,
): Promise<NotificationPreview> {
  const sample = (sampleReason: string): NotificationPreview => ({
    rendered: renderTemplate(template, SAMPLE_VALUES),
    source: null,
    sampleReason,
  });

  const press = await findLatestTicketedPress(db);
  if (!press) {
    return sample('No press has a ticket yet, so sample values are shown. Once a press creates a ticket, the preview uses it.');
  }

  let availability: ManageAvailability;
  try {
    availability = typeof manage === 'function' ? await manage() : manage;
  } catch (err) {
    return sample(`Manage could not be reached (${describe(err)}), so sample values are shown.`);
  }
  if (!availability.ok) {
    return sample(`Manage is not available (${availability.reason}), so sample values are shown.`);
  }

  watchSettings(db);
  const key = `${press.id}:${press.ticketId}`;
  const now = Date.now();
  for (const [k, e] of cache) if (now - e.at > CACHE_MS) cache.delete(k);
  let entry = cache.get(key);
  if (!entry) {
    const result = readRealValues(availability, press);
    entry = { at: now, result };
    cache.set(key, entry);
    // A failure is not kept: the next keystroke tries Manage again.
    result.catch(() => {
      if (cache.get(key)?.result === result) cache.delete(key);
    });
  }

  let real: RealValues;
  try {
    real = await withTimeout(entry.result, MANAGE_WAIT_MS);
  } catch (err) {
    return sample(`Manage could not be reached (${describe(err)}), so sample values are shown.`);
  }
  return { rendered: renderTemplate(template, valuesForKind(real, kind)), source: real.source, sampleReason: null };
}

/** The event a callback would draft for this kind if the ticket changed now, as a technician left it. */
function previewDraft(real: RealValues, kind: TicketEventKind): DraftTicketEvent {
  const { ticket, latestNote } = real;
  const base = { kind, dedupeKey: `preview:${kind}`, internal: false, occurredAt: ticket.lastUpdated ?? new Date().toISOString() };
  switch (kind) {
    case 'created':
      return { ...base, actor: null, details: { toStatus: ticket.statusName } };
    case 'assigned':
      return { ...base, actor: ticket.updatedBy, details: { owner: ticket.ownerName ?? ticket.ownerIdentifier } };
    case 'note_added':
      return {
        ...base,
        actor: latestNote?.createdBy ?? ticket.updatedBy,
        details: { noteText: latestNote?.text.trim() ? latestNote.text : NOTE_PLACEHOLDER },
      };
    default:
      return { ...base, actor: ticket.updatedBy, details: { toStatus: ticket.statusName } };
  }
}

function valuesForKind(real: RealValues, kind: TicketEventKind): TemplateValues {
  return eventTemplateValues(real.ticket, real.press, previewDraft(real, kind), real.names);
}

async function readRealValues(
  availability: Extract<ManageAvailability, { ok: true }>,
  press: NotifiedPress & { ticketId: number },
): Promise<RealValues> {
  const { client } = availability.context;
  const [ticket, notes, names] = await Promise.all([
    getTicket(client, press.ticketId),
    // Notes are a nicety: the preview still uses the ticket when they cannot be read.
    listTicketNotes(client, press.ticketId).catch(() => [] as ManageTicketNote[]),
    memberNames(availability.context),
  ]);
  const ticketNumber = press.ticketNumber ?? String(press.ticketId);
  return {
    press,
    ticket,
    names,
    source: { pressId: press.id, ticketId: press.ticketId, ticketNumber },
    latestNote: latestExternalNote(notes),
  };
}

/** The newest note the end user could see (internal analysis never reaches them). */
export function latestExternalNote(notes: readonly ManageTicketNote[]): ManageTicketNote | null {
  let latest: ManageTicketNote | null = null;
  for (const note of notes) {
    if (note.internal) continue;
    if (!latest || compareNotes(note, latest) > 0) latest = note;
  }
  return latest;
}

function compareNotes(a: ManageTicketNote, b: ManageTicketNote): number {
  const at = a.dateCreated ? Date.parse(a.dateCreated) : NaN;
  const bt = b.dateCreated ? Date.parse(b.dateCreated) : NaN;
  if (!Number.isNaN(at) && !Number.isNaN(bt) && at !== bt) return at - bt;
  return a.id - b.id;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} seconds`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
