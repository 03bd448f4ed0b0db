import { withAgent } from '@/lib/api/with-agent';
import { answerReadAgentInbox, readInboxInput } from '@/lib/notifications/agent-inbox';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The agent's unacknowledged notifications; `?wait=N` long-polls up to 30 s. */
export const GET = withAgent(readInboxInput, (call) => answerReadAgentInbox(call));
