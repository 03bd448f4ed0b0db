import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { listPressesForDashboard, pressListQuerySchema, searchParamsToObject } from '@/lib/presses/list-presses';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The dashboard's list as JSON, for its live refresh: same filters as the /presses URL. */
export async function GET(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const query = pressListQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    const page = await listPressesForDashboard(await getDatabase(), query);
    return Response.json(page, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
