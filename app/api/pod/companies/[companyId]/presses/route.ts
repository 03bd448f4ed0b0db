import { toErrorResponse } from '@/lib/api/errors';
import { listPodCompanyPresses } from '@/lib/pod/pod-data';
import { authorizePodRequest } from '@/lib/pod/pod-session';
import { podCompanyParamsSchema, podCompanyQuerySchema } from '@/lib/pod/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A company's recent presses and its most frequent hosts, for a pod token scoped to that company (the company tab). */
export async function GET(request: Request, context: { params: Promise<{ companyId: string }> }): Promise<Response> {
  try {
    const db = await getDatabase();
    const claims = await authorizePodRequest(db, request);
    const { companyId } = podCompanyParamsSchema.parse(await context.params);
    const { limit } = podCompanyQuerySchema.parse({ limit: new URL(request.url).searchParams.get('limit') });
    const body = await listPodCompanyPresses(db, claims, companyId, limit);
    return Response.json(body, { headers: { 'cache-control': 'no-store', vary: 'authorization' } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
