import { withAdmin } from '@/lib/api/with-admin';
import { listPressesForDashboard, pressListQuerySchema } from '@/lib/presses/list-presses';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The dashboard's list as JSON, for its live refresh: same filters as the /presses URL. */
export const GET = withAdmin({ query: pressListQuerySchema }, ({ db, query }) => listPressesForDashboard(db, query));
