import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { removeHostedSetupForAdmin, repairHostedSetupForAdmin } from '@/lib/setup/hosted-setup-registration';
import { hostedSetupActionSchema, hostedSetupIdSchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ id: hostedSetupIdSchema });

/** `?action=repair`: rewrites one of Deskbell's pods or tabs with the current URL, origin and height, enabled. */
export const POST = withAdmin({ params, query: z.object({ action: hostedSetupActionSchema }) }, async ({ db, admin, params: { id } }) => ({
  setup: await repairHostedSetupForAdmin(db, id, admin.email),
}));

/** Removes one of Deskbell's pods or tabs from Manage (never another integration's). */
export const DELETE = withAdmin({ params }, ({ db, admin, params: { id } }) => removeHostedSetupForAdmin(db, id, admin.email));
