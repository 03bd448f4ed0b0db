import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { saveTestedManageConnection } from '@/lib/setup/connection-test';
import { readJsonBody, saveConnectionSchema } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Tests, then saves (encrypted) when the test passed or the admin chose "save anyway". */
export async function PUT(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const form = await readJsonBody(request, saveConnectionSchema);
    const outcome = await saveTestedManageConnection(await getDatabase(), form, admin.email);
    return Response.json(outcome, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
