import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { loadDefaultsPage } from '@/lib/setup/ticket-defaults';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Current defaults and Manage's lists (through the setup-table cache). */
export async function GET(): Promise<Response> {
  try {
    await requireAdminApi();
    const data = await loadDefaultsPage(await getDatabase());
    return Response.json(data, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
