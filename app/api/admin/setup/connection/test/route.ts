import { withAdmin } from '@/lib/api/with-admin';
import { checkManageConnection } from '@/lib/setup/connection-test';
import { connectionFormSchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Tests the typed connection live; stores nothing but the check result. */
export const POST = withAdmin({ body: connectionFormSchema }, async ({ db, body }) => ({ result: await checkManageConnection(db, body) }));
