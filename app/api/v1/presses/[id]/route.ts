import { withAgent } from '@/lib/api/with-agent';
import { answerPressStatus, pressStatusInput } from '@/lib/intake/press-status';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A press's status for the agent that sent it; `?wait=N` long-polls up to 30 s. */
export const GET = withAgent(pressStatusInput, (call) => answerPressStatus(call));
