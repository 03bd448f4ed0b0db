import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { createAgentTokenForAdmin, listAgentTokensForAdmin } from '@/lib/setup/agents';
import { agentTokenBodySchema, readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

export async function GET(): Promise<Response> {
  try {
    await requireAdminApi();
    const tokens = await listAgentTokensForAdmin(await getDatabase());
    return Response.json({ tokens }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Creates a token; the answer is the only time the token is shown. */
export async function POST(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const input = await readJsonBody(request, agentTokenBodySchema);
    const created = await createAgentTokenForAdmin(await getDatabase(), input, admin.email);
    return Response.json(created, { status: 201, headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
