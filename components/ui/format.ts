/**
 * The one place that turns times, durations, sizes and counts into words, for every page.
 *
 * Absolute times have one form ("28 Nov 2026, 10:05:00 CET"), in the viewer's time zone. A
 * server cannot know that zone, so it renders the same form in UTC and <LocalTime> swaps in
 * the viewer's zone after mount. Lists people scan use relative times ("3 min ago") with the
 * absolute time in the tooltip.
 */

const ABSOLUTE_OPTIONS: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

// Only named zones are cached: the viewer's own zone is read afresh, as it can change
// (a laptop that travels, a test that sets TZ).
function absoluteFormatter(timeZone: string | undefined): Intl.DateTimeFormat {
  if (timeZone === undefined) return new Intl.DateTimeFormat('en-GB', ABSOLUTE_OPTIONS);
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { ...ABSOLUTE_OPTIONS, timeZone });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function parseIso(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * An absolute time in `timeZone` (the viewer's zone when omitted). Server renders pass 'UTC'
 * so the server's own zone never leaks into a page.
 */
export function formatTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const ms = parseIso(iso);
  if (ms === null) return iso;
  return absoluteFormatter(timeZone).format(ms);
}

/** The time of day alone ("10:05:00"), for strips and logs where the day is obvious. */
export function formatClock(iso: string | null | undefined, timeZone?: string): string {
  const ms = parseIso(iso);
  if (ms === null) return iso || '—';
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }).format(ms);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "3 min ago", "2 h ago", "yesterday", "4 days ago"; beyond a week the date
 * itself. Future times read "in 3 min". Days are counted on the viewer's calendar, so
 * "yesterday" means the viewer's yesterday.
 */
export function formatRelativeTime(iso: string | null | undefined, now: number = Date.now(), timeZone?: string): string {
  if (!iso) return '—';
  const ms = parseIso(iso);
  if (ms === null) return iso;
  const diff = now - ms;
  const ahead = diff < 0;
  const abs = Math.abs(diff);
  const say = (amount: string) => (ahead ? `in ${amount}` : `${amount} ago`);
  if (abs < 45_000) return ahead ? 'in a moment' : 'just now';
  if (abs < HOUR) return say(`${Math.max(1, Math.round(abs / MINUTE))} min`);
  const days = calendarDaysBetween(ms, now, timeZone);
  if (abs < 12 * HOUR || days === 0) return say(`${Math.round(abs / HOUR)} h`);
  if (days === 1) return ahead ? 'tomorrow' : 'yesterday';
  if (days < 7) return say(`${days} days`);
  return formatDate(iso, timeZone);
}

/** A calendar date in the viewer's zone: "28 Nov 2026". */
export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  const ms = parseIso(iso);
  if (ms === null) return iso || '—';
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(ms);
}

/**
 * A day key the server counted by ("2026-11-28", a UTC day, as chart buckets are) in the
 * same words as every other date: "28 Nov 2026", or "28 Nov" where the year is plain.
 */
export function formatDayKey(day: string, withYear = true): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) return day;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(ms);
}

function calendarDaysBetween(a: number, b: number, timeZone: string | undefined): number {
  const day = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
  const toUtcMidnight = (ms: number) => Date.parse(`${day.format(ms)}T00:00:00Z`);
  return Math.round(Math.abs(toUtcMidnight(b) - toUtcMidnight(a)) / DAY);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${totalSeconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export { plural } from '@/lib/text/plural';
