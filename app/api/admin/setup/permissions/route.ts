import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { checkManagePermissions } from '@/lib/setup/permission-probes';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Probes every permission the API member needs, changing nothing in Manage. */
export async function POST(): Promise<Response> {
  try {
    await requireAdminApi();
    const check = await checkManagePermissions(await getDatabase());
    return Response.json(check, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
