import { describe, expect, it } from 'vitest';
import type { ManageTicket, ManageTicketNote } from '@/lib/connectwise/types';
import { draftNotifications } from '@/lib/notifications/notify';
import { DEFAULT_NOTIFICATION_SETTINGS } from '@/lib/notifications/templates';
import { diffTicket, isStale, type TicketState } from '@/lib/notifications/ticket-diff';

const NOW = '2026-11-29T10:00:00.000Z';

function ticket(overrides: Partial<ManageTicket> = {}): ManageTicket {
  return {
    id: 500,
    summary: 'Printer jam',
    boardId: 1,
    boardName: 'Help Desk',
    statusId: 10,
    statusName: 'New',
    typeId: null,
    typeName: null,
    subTypeId: null,
    subTypeName: null,
    itemId: null,
    itemName: null,
    teamId: null,
    teamName: null,
    priorityId: null,
    priorityName: null,
    sourceId: null,
    sourceName: null,
    companyId: 2,
    companyIdentifier: 'Acme',
    companyName: 'Acme',
    contactId: 3,
    contactName: 'Ana Lima',
    contactEmailAddress: 'ana@acme.test',
    ownerId: null,
    ownerIdentifier: null,
    impact: null,
    severity: null,
    externalXRef: null,
    closedFlag: false,
    ownerName: null,
    lastUpdated: '2026-11-29T09:00:00Z',
    updatedBy: 'jsmith',
    enteredBy: 'deskbell-api',
    ...overrides,
  };
}

function note(id: number, overrides: Partial<ManageTicketNote> = {}): ManageTicketNote {
  return { id, ticketId: 500, text: `note ${id}`, detail: true, internal: false, resolution: false, createdBy: 'jsmith', dateCreated: NOW, ...overrides };
}

const baseline: TicketState = {
  ticketId: 500,
  statusId: 10,
  statusName: 'New',
  ownerIdentifier: null,
  ownerName: null,
  closed: false,
  summary: 'Printer jam',
  lastUpdated: '2026-11-29T09:00:00Z',
  enteredBy: 'deskbell-api',
  seenNoteIds: [1, 2],
};

describe('diffTicket', () => {
  it('reports nothing when nothing changed, however often it is asked', () => {
    const { events, next } = diffTicket(baseline, ticket(), [note(1), note(2)], NOW);
    expect(events).toEqual([]);
    expect(diffTicket(next, ticket(), [note(1), note(2)], NOW).events).toEqual([]);
  });

  it('reports a status change with from, to and the member who made it', () => {
    const { events, next } = diffTicket(baseline, ticket({ statusId: 11, statusName: 'In Progress', lastUpdated: '2026-11-29T09:05:00Z' }), [note(1), note(2)], NOW);
    expect(events).toEqual([
      expect.objectContaining({ kind: 'status_changed', actor: 'jsmith', internal: false, details: { fromStatus: 'New', toStatus: 'In Progress' } }),
    ]);
    expect(next).toMatchObject({ statusId: 11, statusName: 'In Progress', lastUpdated: '2026-11-29T09:05:00Z' });
    // The same change seen again (a repeated callback) is no news.
    expect(diffTicket(next, ticket({ statusId: 11, statusName: 'In Progress', lastUpdated: '2026-11-29T09:05:00Z' }), [note(1), note(2)], NOW).events).toEqual([]);
  });

  it('reports closing once, instead of a status change as well', () => {
    const closed = ticket({ statusId: 19, statusName: 'Closed', closedFlag: true, lastUpdated: '2026-11-29T09:10:00Z' });
    const { events, next } = diffTicket(baseline, closed, [note(1), note(2)], NOW);
    expect(events.map((e) => e.kind)).toEqual(['closed']);
    expect(next.closed).toBe(true);
    expect(diffTicket(next, closed, [note(1), note(2)], NOW).events).toEqual([]);
    // Reopened: a status change again.
    expect(diffTicket(next, ticket({ statusId: 11, statusName: 'In Progress', lastUpdated: '2026-11-29T09:20:00Z' }), [note(1), note(2)], NOW).events.map((e) => e.kind)).toEqual(['status_changed']);
  });

  it('reports a new owner, and not the same owner in another case', () => {
    const assigned = ticket({ ownerIdentifier: 'MJones', ownerName: 'Mary Jones', lastUpdated: '2026-11-29T09:06:00Z' });
    const { events, next } = diffTicket(baseline, assigned, [note(1), note(2)], NOW);
    expect(events).toEqual([expect.objectContaining({ kind: 'assigned', details: { owner: 'Mary Jones' } })]);
    expect(diffTicket(next, ticket({ ownerIdentifier: 'mjones', ownerName: 'Mary Jones' }), [note(1), note(2)], NOW).events).toEqual([]);
  });

  it('reports each new note once, and marks internal analysis as internal', () => {
    const { events, next } = diffTicket(baseline, ticket(), [note(1), note(2), note(3), note(4, { internal: true, detail: false }), note(5, { internal: true, detail: true })], NOW);
    expect(events.map((e) => [e.kind, e.details.noteId, e.internal])).toEqual([
      ['note_added', 3, false],
      ['note_added', 4, true],
      ['note_added', 5, true],
    ]);
    expect(next.seenNoteIds).toEqual([1, 2, 3, 4, 5]);
    expect(diffTicket(next, ticket(), [note(1), note(2), note(3), note(4), note(5)], NOW).events).toEqual([]);
  });

  it("on the first look at the notes, skips Deskbell's own (the press's description) but not a technician's", () => {
    const fresh: TicketState = { ...baseline, seenNoteIds: null };
    const notes = [note(1, { createdBy: 'Deskbell-API' }), note(2, { createdBy: 'deskbell-api', internal: true, detail: false }), note(3)];
    const { events, next } = diffTicket(fresh, ticket(), notes, NOW);
    expect(events.map((e) => e.details.noteId)).toEqual([3]);
    expect(next.seenNoteIds).toEqual([1, 2, 3]);
  });

  it('starts silently from a ticket it has never seen (a press from before callbacks)', () => {
    const { events, next } = diffTicket(null, ticket({ statusName: 'Waiting', statusId: 12 }), [note(1), note(7)], NOW);
    expect(events).toEqual([]);
    expect(next).toMatchObject({ statusId: 12, seenNoteIds: [1, 7] });
  });

  it('gives every real change its own dedupe key, and the same change the same key', () => {
    const a = diffTicket(baseline, ticket({ statusId: 11, lastUpdated: '2026-11-29T09:05:00Z' }), [], NOW).events[0]!;
    const b = diffTicket(baseline, ticket({ statusId: 11, lastUpdated: '2026-11-29T09:05:00Z' }), [], NOW).events[0]!;
    const c = diffTicket(baseline, ticket({ statusId: 11, lastUpdated: '2026-11-29T09:07:00Z' }), [], NOW).events[0]!;
    expect(a.dedupeKey).toBe(b.dedupeKey);
    expect(a.dedupeKey).not.toBe(c.dedupeKey);
  });
});

describe('isStale', () => {
  it('is true only for an entity older than the state held', () => {
    expect(isStale(ticket({ lastUpdated: '2026-11-29T08:59:59Z' }), baseline)).toBe(true);
    expect(isStale(ticket({ lastUpdated: '2026-11-29T09:00:00Z' }), baseline)).toBe(false);
    expect(isStale(ticket({ lastUpdated: null }), baseline)).toBe(false);
    expect(isStale(ticket(), null)).toBe(false);
  });
});

describe('draftNotifications', () => {
  const values = { ticketNumber: '500', ticketSubject: 'Printer jam', name: 'Ana Lima', email: 'ana@acme.test', actor: 'John Smith', status: 'In Progress', owner: '', note: '' };
  const target = { pressId: 'p', agentTokenId: 't', email: 'ana@acme.test' };

  it('renders one per channel: the inbox always, e-mail only when SMTP is on and there is an address', () => {
    const drafts = draftNotifications({ kind: 'status_changed', internal: false, values }, target, DEFAULT_NOTIFICATION_SETTINGS, true);
    expect(drafts.map((d) => d.channel)).toEqual(['agent', 'email']);
    expect(drafts[0]!.title).toBe('Ticket #500 is now In Progress');
    expect(drafts[0]!.body).toBe('John Smith moved your ticket "Printer jam" to In Progress.');
    expect(draftNotifications({ kind: 'status_changed', internal: false, values }, target, DEFAULT_NOTIFICATION_SETTINGS, false).map((d) => d.channel)).toEqual(['agent']);
    expect(draftNotifications({ kind: 'status_changed', internal: false, values }, { ...target, email: null }, DEFAULT_NOTIFICATION_SETTINGS, true).map((d) => d.channel)).toEqual(['agent']);
  });

  it('never notifies an internal note, whatever the settings', () => {
    expect(draftNotifications({ kind: 'note_added', internal: true, values }, target, DEFAULT_NOTIFICATION_SETTINGS, true)).toEqual([]);
  });

  it('respects the events the admin turned off', () => {
    const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, enabled: { ...DEFAULT_NOTIFICATION_SETTINGS.enabled, assigned: false } };
    expect(draftNotifications({ kind: 'assigned', internal: false, values }, target, settings, true)).toEqual([]);
    expect(draftNotifications({ kind: 'closed', internal: false, values }, target, settings, true)).toHaveLength(2);
  });
});
