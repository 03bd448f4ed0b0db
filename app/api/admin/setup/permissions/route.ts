import { withAdmin } from '@/lib/api/with-admin';
import { checkManagePermissions } from '@/lib/setup/permission-probes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Probes every permission the API member needs, changing nothing in Manage. */
export const POST = withAdmin({}, ({ db }) => checkManagePermissions(db));
