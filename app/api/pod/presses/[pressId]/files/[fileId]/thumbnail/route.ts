import { toErrorResponse } from '@/lib/api/errors';
import { servePodFile } from '@/lib/pod/pod-data';
import { authorizePodRequest } from '@/lib/pod/pod-session';
import { podFileParamsSchema } from '@/lib/pod/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A screenshot's WebP thumbnail (made once, then served stored), same scope rule as the file itself. */
export async function GET(request: Request, context: { params: Promise<{ pressId: string; fileId: string }> }): Promise<Response> {
  try {
    const db = await getDatabase();
    const claims = await authorizePodRequest(db, request);
    const { pressId, fileId } = podFileParamsSchema.parse(await context.params);
    return await servePodFile(db, claims, pressId, fileId, 'thumbnail');
  } catch (err) {
    return toErrorResponse(err);
  }
}
