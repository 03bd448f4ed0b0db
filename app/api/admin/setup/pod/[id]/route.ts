import { withAdmin } from '@/lib/api/with-admin';
import { podRegistration } from '@/lib/registrations/pod';
import { registrationRouteSchemas, removeFromWizard, repairFromWizard } from '@/lib/setup/registration-steps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const { params, query } = registrationRouteSchemas(podRegistration);

/** `?action=repair`: rewrites one of Deskbell's pods or tabs with the current URL, origin and height, enabled. */
export const POST = withAdmin({ params, query }, async ({ db, admin, params: { id } }) => ({ row: await repairFromWizard(podRegistration, db, id, admin.email) }));

/** Removes one of Deskbell's pods or tabs from Manage (never another integration's). */
export const DELETE = withAdmin({ params }, ({ db, admin, params: { id } }) => removeFromWizard(podRegistration, db, id, admin.email));
