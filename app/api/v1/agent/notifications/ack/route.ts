import { handleAcknowledgeAgentInbox } from '@/lib/notifications/agent-inbox';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** `{"ids": [...]}`: these notifications were shown; the inbox stops handing them out. */
export async function POST(request: Request): Promise<Response> {
  return handleAcknowledgeAgentInbox(request, { db: await getDatabase() });
}
