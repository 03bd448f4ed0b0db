import { describe, expect, it } from 'vitest';
import type { TicketEventEntry } from '@/lib/presses/types';
import { ticketEventsToTimeline } from '@/lib/presses/press-report';

type Sent = TicketEventEntry['notifications'][number];
const sent = (over: Partial<Sent>): Sent => ({ channel: 'agent', status: 'pending', deliveredAt: null, acknowledgedAt: null, lastError: null, ...over });
const entry = (notifications: Sent[]): TicketEventEntry => ({
  id: 'e1',
  kind: 'status_changed',
  actor: 'jsmith',
  internal: false,
  occurredAt: '2026-11-28T10:00:00.000Z',
  details: { fromStatus: 'New', toStatus: 'In Progress' },
  notifications,
});
const detail = (notifications: Sent[]) => ticketEventsToTimeline([entry(notifications)]).events[0]!.detail;

describe('who was told, in the press timeline', () => {
  it('names each channel as the notifications page does, in plain words', () => {
    expect(detail([sent({ status: 'acknowledged' })])).toBe('The user saw it (the desktop agent).');
    expect(detail([sent({ channel: 'email', status: 'delivered' })])).toBe('Sent to the user by e-mail.');
    expect(detail([sent({ status: 'failed', lastError: 'the agent did not answer' })])).toBe('Could not be sent by the desktop agent: the agent did not answer.');
    expect(detail([sent({ channel: 'email', lastError: 'SMTP 451' })])).toBe('Waiting to reach the user by e-mail (last try: SMTP 451).');
  });

  it('never uses the old internal wording', () => {
    const all = ['acknowledged', 'delivered', 'failed', 'pending'].flatMap((status) => ['agent', 'email'].map((channel) => detail([sent({ channel, status })])));
    for (const text of all) expect(text).not.toMatch(/Shown on|the device/);
  });
});
