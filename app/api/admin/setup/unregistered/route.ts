import { withAdmin } from '@/lib/api/with-admin';
import { createCatchAllSchema } from '@/lib/setup/request-schemas';
import { createUnregisteredCatchAll } from '@/lib/setup/unregistered';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Creates whichever of the catch-all company and contact is missing; requires `confirm: true`. */
export const POST = withAdmin({ body: createCatchAllSchema }, ({ db, admin, body }) => createUnregisteredCatchAll(db, body, admin.email));
