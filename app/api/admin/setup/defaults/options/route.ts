import { withAdmin } from '@/lib/api/with-admin';
import { loadDefaultsPage } from '@/lib/setup/ticket-defaults';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Current defaults and Manage's lists (through the lookup-table cache). */
export const GET = withAdmin({}, ({ db }) => loadDefaultsPage(db));
