import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { previewBodySchema, readJsonBody } from '@/lib/setup/request-schemas';
import { previewTicket } from '@/lib/setup/ticket-defaults';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** The ticket a sample press would produce with these (unsaved) defaults. Creates nothing. */
export async function POST(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const input = await readJsonBody(request, previewBodySchema);
    const preview = await previewTicket(await getDatabase(), input);
    return Response.json(preview, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
