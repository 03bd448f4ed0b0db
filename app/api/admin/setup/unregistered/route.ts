import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { createCatchAllSchema, readJsonBody } from '@/lib/setup/request-schemas';
import { createUnregisteredCatchAll } from '@/lib/setup/unregistered';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Creates whichever of the catch-all company and contact is missing; requires `confirm: true`. */
export async function POST(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const input = await readJsonBody(request, createCatchAllSchema);
    const state = await createUnregisteredCatchAll(await getDatabase(), input, admin.email);
    return Response.json(state, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
