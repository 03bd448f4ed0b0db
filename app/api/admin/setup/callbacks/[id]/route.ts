import { withAdmin } from '@/lib/api/with-admin';
import { callbackRegistration } from '@/lib/registrations/callbacks';
import { registrationRouteSchemas, removeFromWizard, repairFromWizard } from '@/lib/setup/registration-steps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const { params, query } = registrationRouteSchemas(callbackRegistration);

/** `?action=repair`: rewrites one of Deskbell's callbacks with the current URL, active again. */
export const POST = withAdmin({ params, query }, async ({ db, admin, params: { id } }) => ({ row: await repairFromWizard(callbackRegistration, db, id, admin.email) }));

/** Removes one of Deskbell's callbacks from Manage (never another integration's). */
export const DELETE = withAdmin({ params }, ({ db, admin, params: { id } }) => removeFromWizard(callbackRegistration, db, id, admin.email));
