import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { removeCallbackForAdmin, repairCallbackForAdmin } from '@/lib/setup/callback-registration';
import { callbackActionSchema, callbackIdSchema } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };
type Params = { params: Promise<{ id: string }> };

/** `?action=repair`: rewrites one of Deskbell's callbacks with the current URL, active again. */
export async function POST(request: Request, { params }: Params): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const id = callbackIdSchema.parse((await params).id);
    callbackActionSchema.parse(new URL(request.url).searchParams.get('action') ?? undefined);
    const callback = await repairCallbackForAdmin(await getDatabase(), id, admin.email);
    return Response.json({ callback }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Removes one of Deskbell's callbacks from Manage (never another integration's). */
export async function DELETE(_request: Request, { params }: Params): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const id = callbackIdSchema.parse((await params).id);
    const removed = await removeCallbackForAdmin(await getDatabase(), id, admin.email);
    return Response.json(removed, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
