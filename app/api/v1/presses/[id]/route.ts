import { handleReadPressStatus } from '@/lib/intake/press-status';
import { toAgentErrorResponse } from '@/lib/intake/read-press-request';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A press's status for the agent that sent it; `?wait=N` long-polls up to 30 s. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await context.params;
    return await handleReadPressStatus(request, id, { db: await getDatabase() });
  } catch (err) {
    return toAgentErrorResponse(err);
  }
}
