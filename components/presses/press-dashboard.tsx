'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PressListPage } from '@/lib/presses/types';
import { LocalTime } from '@/components/ui/local-time';
import { PressTable } from './press-table';

export type PressDashboardProps = {
  initialPage: PressListPage;
  /** The filters as a query string without the cursor, e.g. `status=dead&q=printer`. */
  filterQuery: string;
  /** The page being shown; null for the newest presses. */
  cursor: string | null;
  /** Where the JSON list lives. */
  endpoint?: string;
  refreshMs?: number;
};

function withCursor(filterQuery: string, cursor: string | null): string {
  const params = new URLSearchParams(filterQuery);
  if (cursor) params.set('cursor', cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The live list: server-rendered first, then refreshed from the JSON route every few
 * seconds while the tab is visible. A new filter or page is a new URL (and a new mount).
 */
export function PressDashboard({
  initialPage,
  filterQuery,
  cursor,
  endpoint = '/api/admin/presses',
  refreshMs = 5_000,
}: PressDashboardProps) {
  const [page, setPage] = useState(initialPage);
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const inFlight = useRef(false);
  const url = `${endpoint}${withCursor(filterQuery, cursor)}`;

  useEffect(() => {
    let stopped = false;
    const timer = setInterval(async () => {
      if (inFlight.current || document.hidden) return;
      inFlight.current = true;
      try {
        const res = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
        if (stopped) return;
        if (res.status === 401) {
          stopped = true;
          clearInterval(timer);
          setProblem('Your session has ended; sign in again to keep the list live.');
          return;
        }
        if (!res.ok) {
          setProblem(`Refreshing failed (HTTP ${res.status}); trying again.`);
          return;
        }
        const next = (await res.json()) as PressListPage;
        if (stopped) return;
        setPage(next);
        setRefreshedAt(new Date().toISOString());
        setProblem(null);
      } catch {
        if (!stopped) setProblem('Refreshing failed (no connection); trying again.');
      } finally {
        inFlight.current = false;
      }
    }, refreshMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [url, refreshMs]);

  const onRetried = useCallback((pressId: string) => {
    setPage((current) => ({
      ...current,
      items: current.items.map((item) => (item.id === pressId ? { ...item, status: 'queued' } : item)),
    }));
  }, []);

  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-500" aria-live="polite" data-testid="presses-live">
        {problem ?? (refreshedAt ? <>Live · refreshed <LocalTime iso={refreshedAt} relative /></> : `Live · refreshes every ${Math.round(refreshMs / 1000)} s`)}
      </p>
      <PressTable items={page.items} onRetried={onRetried} filtered={filterQuery !== ''} />
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {cursor ? (
          <Link href={`/presses${withCursor(filterQuery, null)}`} className="text-bell-700 underline">
            ← Newest
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={`/presses${withCursor(filterQuery, page.nextCursor)}`} className="text-bell-700 underline">
            Older →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
