import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { removeCallbackForAdmin, repairCallbackForAdmin } from '@/lib/setup/callback-registration';
import { callbackActionSchema, callbackIdSchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ id: callbackIdSchema });

/** `?action=repair`: rewrites one of Deskbell's callbacks with the current URL, active again. */
export const POST = withAdmin({ params, query: z.object({ action: callbackActionSchema }) }, async ({ db, admin, params: { id } }) => ({
  callback: await repairCallbackForAdmin(db, id, admin.email),
}));

/** Removes one of Deskbell's callbacks from Manage (never another integration's). */
export const DELETE = withAdmin({ params }, ({ db, admin, params: { id } }) => removeCallbackForAdmin(db, id, admin.email));
