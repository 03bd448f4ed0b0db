import { describe, expect, it } from 'vitest';
import { formatDate, formatDayKey, formatRelativeTime, formatTime, plural } from '@/components/ui/format';

const AT = '2026-11-28T10:05:00.000Z';
const ms = (iso: string) => Date.parse(iso);

describe('absolute times', () => {
  it('are rendered in the viewer’s zone, one form for every zone', () => {
    expect(formatTime(AT, 'UTC')).toBe('28 Nov 2026, 10:05:00 UTC');
    expect(formatTime(AT, 'America/New_York')).toBe('28 Nov 2026, 05:05:00 GMT-5');
    expect(formatTime(AT, 'Asia/Kolkata')).toBe('28 Nov 2026, 15:35:00 GMT+5:30');
    // Late evening UTC is already the next day further east.
    expect(formatTime('2026-11-28T23:30:00Z', 'Australia/Sydney')).toBe('29 Nov 2026, 10:30:00 GMT+11');
  });

  it('say so when there is no time, and pass an unreadable one through', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('not a time')).toBe('not a time');
    expect(formatDate(null)).toBe('—');
  });

  it('dates are the viewer’s calendar day', () => {
    expect(formatDate('2026-11-28T23:30:00Z', 'UTC')).toBe('28 Nov 2026');
    expect(formatDate('2026-11-28T23:30:00Z', 'Australia/Sydney')).toBe('29 Nov 2026');
  });
});

describe('relative times', () => {
  const now = ms(AT);
  it('read the way people say them', () => {
    expect(formatRelativeTime('2026-11-28T10:04:40Z', now, 'UTC')).toBe('just now');
    expect(formatRelativeTime('2026-11-28T10:04:00Z', now, 'UTC')).toBe('1 min ago');
    expect(formatRelativeTime('2026-11-28T10:02:00Z', now, 'UTC')).toBe('3 min ago');
    expect(formatRelativeTime('2026-11-28T08:05:00Z', now, 'UTC')).toBe('2 h ago');
    expect(formatRelativeTime('2026-11-27T09:00:00Z', now, 'UTC')).toBe('yesterday');
    expect(formatRelativeTime('2026-11-25T09:00:00Z', now, 'UTC')).toBe('3 days ago');
    expect(formatRelativeTime('2026-11-01T09:00:00Z', now, 'UTC')).toBe('1 Nov 2026');
  });

  it('future times (a next retry) read "in …"', () => {
    expect(formatRelativeTime('2026-11-28T10:05:20Z', now, 'UTC')).toBe('in a moment');
    expect(formatRelativeTime('2026-11-28T10:08:00Z', now, 'UTC')).toBe('in 3 min');
  });

  it('"yesterday" is the viewer’s yesterday, not UTC’s', () => {
    // 14:00 UTC on the 27th is 01:00 on the 28th in Sydney; 12:00 UTC on the 28th is 23:00 there.
    const early = '2026-11-27T14:00:00Z';
    const later = ms('2026-11-28T12:00:00Z');
    expect(formatRelativeTime(early, later, 'UTC')).toBe('yesterday');
    expect(formatRelativeTime(early, later, 'Australia/Sydney')).toBe('22 h ago');
  });
});

describe('plural', () => {
  it('uses the singular for one, the plural otherwise', () => {
    expect(plural(1, 'callback')).toBe('1 callback');
    expect(plural(0, 'callback')).toBe('0 callbacks');
    expect(plural(2, 'hosted setup')).toBe('2 hosted setups');
    expect(plural(1, 'press', 'presses')).toBe('1 press');
    expect(plural(3, 'press', 'presses')).toBe('3 presses');
  });
});

describe('day keys (UTC days the server counted by)', () => {
  it('read like every other date, in any viewer zone', () => {
    expect(formatDayKey('2026-11-28')).toBe('28 Nov 2026');
    expect(formatDayKey('2026-11-28', false)).toBe('28 Nov');
    expect(formatDayKey('garbage')).toBe('garbage');
  });
});
