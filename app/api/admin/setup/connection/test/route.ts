import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { checkManageConnection } from '@/lib/setup/connection-test';
import { connectionFormSchema, readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Tests the typed connection live (empty key or clientId: the stored ones); stores nothing but the check result. */
export async function POST(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const form = await readJsonBody(request, connectionFormSchema);
    const result = await checkManageConnection(await getDatabase(), form);
    return Response.json({ result }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
