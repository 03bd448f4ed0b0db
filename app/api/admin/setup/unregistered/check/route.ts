import { withAdmin } from '@/lib/api/with-admin';
import { catchAllEmailSchema } from '@/lib/setup/request-schemas';
import { checkUnregisteredCatchAll } from '@/lib/setup/unregistered';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Looks for the catch-all company and contact; stores their ids when both exist. Creates nothing. */
export const POST = withAdmin({ body: catchAllEmailSchema }, ({ db, admin, body }) => checkUnregisteredCatchAll(db, body, admin.email));
