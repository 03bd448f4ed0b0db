import { toErrorResponse } from '@/lib/api/errors';
import { loadPodTicket } from '@/lib/pod/pod-data';
import { authorizePodRequest } from '@/lib/pod/pod-session';
import { podTicketParamsSchema } from '@/lib/pod/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The press behind a Manage ticket, for a pod token scoped to that ticket; `{press: null}` when Deskbell did not create it. */
export async function GET(request: Request, context: { params: Promise<{ ticketId: string }> }): Promise<Response> {
  try {
    const db = await getDatabase();
    const claims = await authorizePodRequest(db, request);
    const { ticketId } = podTicketParamsSchema.parse(await context.params);
    const body = await loadPodTicket(db, claims, ticketId);
    return Response.json(body, { headers: { 'cache-control': 'no-store', vary: 'authorization' } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
