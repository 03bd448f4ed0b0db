import { withAgent } from '@/lib/api/with-agent';
import { acknowledgeInboxInput, answerAcknowledgeAgentInbox } from '@/lib/notifications/agent-inbox';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** `{"ids": [...]}`: these notifications were shown; the inbox stops handing them out. */
export const POST = withAgent(acknowledgeInboxInput, answerAcknowledgeAgentInbox);
