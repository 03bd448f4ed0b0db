import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { revokeAgentTokenForAdmin } from '@/lib/setup/agents';
import { tokenIdSchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ id: tokenIdSchema });

/** Revokes the token: agents using it are refused from their next press. */
export const DELETE = withAdmin({ params }, async ({ db, admin, params: { id } }) => ({
  token: await revokeAgentTokenForAdmin(db, id, admin.email),
}));
