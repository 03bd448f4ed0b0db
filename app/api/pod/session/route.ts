import { createPodSession, toPodErrorResponse } from '@/lib/pod/pod-session';
import { readPodSessionBody } from '@/lib/pod/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The pod trades Manage's member authentication for a short-lived bearer token. No cookie and
 * no admin session: the member is proved against Manage itself (lib/pod/pod-session.ts).
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const body = await readPodSessionBody(request);
    const grant = await createPodSession(await getDatabase(), body);
    return Response.json(grant, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return toPodErrorResponse(err);
  }
}
