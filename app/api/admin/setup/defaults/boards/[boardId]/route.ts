import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { boardIdSchema } from '@/lib/setup/request-schemas';
import { loadBoardOptions } from '@/lib/setup/ticket-defaults';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** One board's statuses, types, subtypes, items and teams. */
export async function GET(_request: Request, { params }: { params: Promise<{ boardId: string }> }): Promise<Response> {
  try {
    await requireAdminApi();
    const boardId = boardIdSchema.parse((await params).boardId);
    const options = await loadBoardOptions(await getDatabase(), boardId);
    return Response.json(options, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
