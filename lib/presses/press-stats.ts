import 'server-only';
import type { DeskbellDatabase } from '@/lib/store/database';
import { listPressTimes } from './press-read-store';
import { msBetween } from './stored-press';
import type { PressDayStat, PressStats } from './types';

const DAY_MS = 86_400_000;

/** The middle value (mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Presses per UTC day and the median press-to-ticket time, over the `days` days ending
 * today. ISO text compares as text in the store; grouping and medians happen here, which
 * no common SQL dialect offers portably.
 */
export async function loadPressStats(
  db: DeskbellDatabase,
  options: { now?: Date; days?: number } = {},
): Promise<PressStats> {
  const now = options.now ?? new Date();
  const dayCount = Math.max(1, Math.min(366, Math.trunc(options.days ?? 30)));
  const todayStart = Date.parse(`${utcDay(now)}T00:00:00.000Z`);
  const firstDayStart = todayStart - (dayCount - 1) * DAY_MS;

  const rows = await listPressTimes(db, new Date(firstDayStart).toISOString(), new Date(todayStart + DAY_MS).toISOString());

  const buckets = new Map<string, { presses: number; durations: number[] }>();
  for (let i = 0; i < dayCount; i += 1) {
    buckets.set(utcDay(new Date(firstDayStart + i * DAY_MS)), { presses: 0, durations: [] });
  }
  const all: number[] = [];
  for (const row of rows) {
    // received_at is always toISOString() output, so its first ten characters are the UTC day.
    const bucket = buckets.get(row.receivedAt.slice(0, 10));
    if (!bucket) continue;
    bucket.presses += 1;
    const ms = msBetween(row.receivedAt, row.ticketCreatedAt);
    if (ms !== null) {
      bucket.durations.push(ms);
      all.push(ms);
    }
  }

  const days: PressDayStat[] = [...buckets].map(([date, b]) => ({
    date,
    presses: b.presses,
    ticketed: b.durations.length,
    medianMsToTicket: median(b.durations),
  }));
  return { days, total: days.reduce((n, d) => n + d.presses, 0), medianMsToTicket: median(all) };
}
