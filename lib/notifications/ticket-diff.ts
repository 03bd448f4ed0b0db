import type { ManageTicket, ManageTicketNote } from '@/lib/connectwise/types';
import type { TicketEventKind } from '@/lib/store/schema';

/**
 * What changed on a ticket, from the last state Deskbell saw and the ticket as it is now.
 * Pure, so every rule here is tested without Manage. Callbacks only say "updated": the
 * difference is the event.
 */

export type TicketState = {
  ticketId: number;
  statusId: number | null;
  statusName: string | null;
  ownerIdentifier: string | null;
  ownerName: string | null;
  closed: boolean;
  summary: string | null;
  lastUpdated: string | null;
  /** Deskbell's API member: notes it wrote (the press's own description) are not news. */
  enteredBy: string | null;
  /** Null until the notes were first read. */
  seenNoteIds: number[] | null;
};

export type DraftTicketEvent = {
  kind: TicketEventKind;
  dedupeKey: string;
  actor: string | null;
  internal: boolean;
  occurredAt: string;
  details: {
    fromStatus?: string | null;
    toStatus?: string | null;
    owner?: string | null;
    noteId?: number;
    noteText?: string;
  };
};

export function stateOfTicket(ticket: ManageTicket, previous: TicketState | null, seenNoteIds: number[] | null): TicketState {
  return {
    ticketId: ticket.id,
    statusId: ticket.statusId,
    statusName: ticket.statusName,
    ownerIdentifier: ticket.ownerIdentifier,
    ownerName: ticket.ownerName,
    closed: ticket.closedFlag,
    summary: ticket.summary,
    lastUpdated: newest(ticket.lastUpdated, previous?.lastUpdated ?? null),
    enteredBy: previous?.enteredBy ?? ticket.enteredBy,
    seenNoteIds,
  };
}

function newest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** True when the entity is older than what Deskbell already holds (a late or repeated callback). */
export function isStale(ticket: ManageTicket, state: TicketState | null): boolean {
  if (!state?.lastUpdated || !ticket.lastUpdated) return false;
  return Date.parse(ticket.lastUpdated) < Date.parse(state.lastUpdated);
}

/** Internal analysis stays with the technicians, even when another flag is also set. */
export const isInternalNote = (note: ManageTicketNote) => note.internal;

export function diffTicket(
  state: TicketState | null,
  ticket: ManageTicket,
  notes: readonly ManageTicketNote[],
  now: string,
): { events: DraftTicketEvent[]; next: TicketState } {
  const allNoteIds = notes.map((n) => n.id).sort((a, b) => a - b);
  // A ticket first seen here (its press predates callbacks) starts from how it is now.
  if (state === null) return { events: [], next: stateOfTicket(ticket, null, allNoteIds) };

  const events: DraftTicketEvent[] = [];
  const at = ticket.lastUpdated ?? now;
  const version = ticket.lastUpdated ?? '';
  if (ticket.closedFlag && !state.closed) {
    events.push({
      kind: 'closed',
      dedupeKey: `closed:${ticket.id}:${version}`,
      actor: ticket.updatedBy,
      internal: false,
      occurredAt: at,
      details: { fromStatus: state.statusName, toStatus: ticket.statusName },
    });
  } else if (ticket.statusId !== null && ticket.statusId !== state.statusId) {
    events.push({
      kind: 'status_changed',
      dedupeKey: `status:${ticket.id}:${state.statusId ?? ''}>${ticket.statusId}:${version}`,
      actor: ticket.updatedBy,
      internal: false,
      occurredAt: at,
      details: { fromStatus: state.statusName, toStatus: ticket.statusName },
    });
  }
  if (ticket.ownerIdentifier !== null && ticket.ownerIdentifier.toLowerCase() !== (state.ownerIdentifier ?? '').toLowerCase()) {
    events.push({
      kind: 'assigned',
      dedupeKey: `assigned:${ticket.id}:${ticket.ownerIdentifier.toLowerCase()}:${version}`,
      actor: ticket.updatedBy,
      internal: false,
      occurredAt: at,
      details: { owner: ticket.ownerName ?? ticket.ownerIdentifier },
    });
  }

  const seen = new Set(state.seenNoteIds ?? []);
  const firstLook = state.seenNoteIds === null;
  for (const note of [...notes].sort((a, b) => a.id - b.id)) {
    if (seen.has(note.id)) continue;
    // On the first look, notes by Deskbell's own API member are the press's description.
    if (firstLook && (state.enteredBy === null || sameMember(note.createdBy, state.enteredBy))) continue;
    events.push({
      kind: 'note_added',
      dedupeKey: `note:${ticket.id}:${note.id}`,
      actor: note.createdBy,
      internal: isInternalNote(note),
      occurredAt: note.dateCreated ?? now,
      details: { noteId: note.id, noteText: note.text },
    });
  }
  return { events, next: stateOfTicket(ticket, state, allNoteIds) };
}

function sameMember(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}
