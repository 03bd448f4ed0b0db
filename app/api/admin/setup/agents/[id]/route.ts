import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { revokeAgentTokenForAdmin } from '@/lib/setup/agents';
import { tokenIdSchema } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Revokes the token: agents using it are refused from their next press. */
export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const id = tokenIdSchema.parse((await params).id);
    const token = await revokeAgentTokenForAdmin(await getDatabase(), id, admin.email);
    return Response.json({ token }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
