import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { getDatabase } from '@/lib/store/database';
import { listPressesForDashboard, type PressListQuery } from './list-presses';
import { loadPressReportForAdmin } from './press-report';
import { hasAnyPress, loadPressStats } from './press-stats';
import type { PressListPage, PressReport, PressStats } from './types';

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

/** The admin's report of one press, or null when there is no such press. */
export async function loadPressReportPage(pressId: string): Promise<PressReport | null> {
  return loadPressReportForAdmin(await getDatabase(), pressId);
}
