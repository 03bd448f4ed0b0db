import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { loadCallbacksStep, registerCallbacks } from '@/lib/setup/callback-registration';
import { callbackRegistrationBodySchema, readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Deskbell's callbacks in Manage with their state, the stored choice, the boards and the callback URL. */
export async function GET(): Promise<Response> {
  try {
    await requireAdminApi();
    const state = await loadCallbacksStep(await getDatabase());
    return Response.json(state, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Stores the choice and makes Manage's callbacks match it (creates, updates, removes only Deskbell's own). */
export async function POST(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const desired = await readJsonBody(request, callbackRegistrationBodySchema);
    const report = await registerCallbacks(await getDatabase(), desired, admin.email);
    return Response.json(report, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
