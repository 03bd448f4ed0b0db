import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { removeHostedSetupForAdmin, repairHostedSetupForAdmin } from '@/lib/setup/hosted-setup-registration';
import { hostedSetupActionSchema, hostedSetupIdSchema } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };
type Params = { params: Promise<{ id: string }> };

/** `?action=repair`: rewrites one of Deskbell's pods or tabs with the current URL, origin and height, enabled. */
export async function POST(request: Request, { params }: Params): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const id = hostedSetupIdSchema.parse((await params).id);
    hostedSetupActionSchema.parse(new URL(request.url).searchParams.get('action') ?? undefined);
    const setup = await repairHostedSetupForAdmin(await getDatabase(), id, admin.email);
    return Response.json({ setup }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Removes one of Deskbell's pods or tabs from Manage (never another integration's). */
export async function DELETE(_request: Request, { params }: Params): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const id = hostedSetupIdSchema.parse((await params).id);
    const removed = await removeHostedSetupForAdmin(await getDatabase(), id, admin.email);
    return Response.json(removed, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
