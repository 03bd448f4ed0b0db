import { z } from 'zod';
import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { servePressFile } from '@/lib/presses/press-files';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const paramsSchema = z.object({ id: z.string().max(100), fileId: z.string().max(100) });

/** A press's screenshot or attachment, for signed-in admins only. */
export async function GET(_request: Request, context: { params: Promise<{ id: string; fileId: string }> }): Promise<Response> {
  try {
    await requireAdminApi();
    const { id, fileId } = paramsSchema.parse(await context.params);
    return await servePressFile(await getDatabase(), id, fileId);
  } catch (err) {
    return toErrorResponse(err);
  }
}
