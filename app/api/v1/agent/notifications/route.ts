import { handleReadAgentInbox } from '@/lib/notifications/agent-inbox';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The agent's unacknowledged notifications; `?wait=N` long-polls up to 30 s. */
export async function GET(request: Request): Promise<Response> {
  return handleReadAgentInbox(request, { db: await getDatabase() });
}
