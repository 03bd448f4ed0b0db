import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { loadPodStep, registerPod } from '@/lib/setup/hosted-setup-registration';
import { podRegistrationBodySchema, readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Deskbell's pod and tabs in Manage with their state, the stored choice, the screens and the pod URL. */
export async function GET(): Promise<Response> {
  try {
    await requireAdminApi();
    const state = await loadPodStep(await getDatabase());
    return Response.json(state, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Stores the choice of tabs and makes Manage's hosted setups match it (creates, updates, removes only Deskbell's own). */
export async function POST(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const choice = await readJsonBody(request, podRegistrationBodySchema);
    const report = await registerPod(await getDatabase(), choice, admin.email);
    return Response.json(report, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
