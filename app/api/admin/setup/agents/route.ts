import { withAdmin } from '@/lib/api/with-admin';
import { createAgentTokenForAdmin, listAgentTokensForAdmin } from '@/lib/setup/agents';
import { agentTokenBodySchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = withAdmin({}, async ({ db }) => ({ tokens: await listAgentTokensForAdmin(db) }));

/** Creates a token; the answer is the only time the token is shown. */
export const POST = withAdmin({ body: agentTokenBodySchema }, async ({ db, admin, body }) =>
  Response.json(await createAgentTokenForAdmin(db, body, admin.email), { status: 201 }),
);
