import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { listPressesForDashboard, type PressListQuery } from './list-presses';
import { loadPressReportForAdmin } from './press-report';
import { hasAnyPress } from './press-read-store';
import { loadPressStats } from './press-stats';
import type { PressListPage, PressReport, PressStats, TicketEventEntry } from './types';

export type PressDashboard =
  | { empty: true }
  | { empty: false; query: PressListQuery; page: PressListPage; stats: PressStats; problems: string[] };

/**
 * The presses dashboard: empty before the first press, else one page of presses and the stats.
 * A stale or edited cursor shows the newest presses with the same filters, and says why.
 */
export async function loadPressDashboard(query: PressListQuery): Promise<PressDashboard> {
  const db = await getDatabase();
  if (!(await hasAnyPress(db))) return { empty: true };
  const problems: string[] = [];
  let page: PressListPage;
  try {
    page = await listPressesForDashboard(db, query);
  } catch (err) {
    if (!(err instanceof DeskbellApiError)) throw err;
    problems.push(err.message);
    query = { ...query, cursor: undefined };
    page = await listPressesForDashboard(db, query);
  }
  return { empty: false, query, page, stats: await loadPressStats(db), problems };
}

/**
 * The admin's report of one press, or null when there is no such press. The ticket's events
 * belong to notifications (a folder above this one), so the page hands in their reader.
 */
export async function loadPressReportPage(
  pressId: string,
  readTicketTimeline: (db: DeskbellDatabase, pressId: string) => Promise<readonly TicketEventEntry[]>,
): Promise<PressReport | null> {
  const db = await getDatabase();
  return loadPressReportForAdmin(db, pressId, (id) => readTicketTimeline(db, id));
}
