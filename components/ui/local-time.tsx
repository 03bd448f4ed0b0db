'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import { formatDate, formatRelativeTime, formatTime } from '@/components/ui/format';

const noSubscription = () => () => {};

/**
 * False while rendering on the server and hydrating, true afterwards. The server renders
 * times in UTC; the browser then re-renders them in the viewer's zone, without a hydration
 * mismatch because the first browser render matches the server's.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/**
 * The zone to pass to the formatters for times inside text (alt text, labels): UTC while
 * hydrating, then the viewer's own (undefined means the browser's zone).
 */
export function useViewerTimeZone(): string | undefined {
  return useHydrated() ? undefined : 'UTC';
}

const RELATIVE_REFRESH_MS = 30_000;

function useNow(enabled: boolean): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const tick = () => setNow(Date.now());
    tick();
    const timer = window.setInterval(tick, RELATIVE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [enabled]);
  return now;
}

/**
 * A time as the viewer reads it. `relative` shows "3 min ago" (kept fresh) for lists people
 * scan, `dateOnly` the calendar day; the full time is always in the tooltip and in dateTime.
 */
export function LocalTime({ iso, relative = false, dateOnly = false, className }: { iso: string; relative?: boolean; dateOnly?: boolean; className?: string }) {
  const timeZone = useViewerTimeZone();
  const now = useNow(relative);
  const absolute = formatTime(iso, timeZone);
  const text = relative && timeZone === undefined && now !== null ? formatRelativeTime(iso, now) : dateOnly ? formatDate(iso, timeZone) : absolute;
  return (
    <time dateTime={iso} title={absolute} className={className}>
      {text}
    </time>
  );
}
