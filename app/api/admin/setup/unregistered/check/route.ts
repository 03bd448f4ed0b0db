import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { catchAllEmailSchema, readJsonBody } from '@/lib/setup/request-schemas';
import { checkUnregisteredCatchAll } from '@/lib/setup/unregistered';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Looks for the catch-all company and contact; stores their ids when both exist. Creates nothing. */
export async function POST(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const input = await readJsonBody(request, catchAllEmailSchema);
    const state = await checkUnregisteredCatchAll(await getDatabase(), input, admin.email);
    return Response.json(state, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
