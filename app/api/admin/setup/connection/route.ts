import { withAdmin } from '@/lib/api/with-admin';
import { saveTestedManageConnection } from '@/lib/setup/connection-test';
import { saveConnectionSchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Tests, then saves (encrypted) when the test passed or the admin chose "save anyway". */
export const PUT = withAdmin({ body: saveConnectionSchema }, ({ db, admin, body }) => saveTestedManageConnection(db, body, admin.email));
