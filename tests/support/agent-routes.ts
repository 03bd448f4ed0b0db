import { withAgent } from '@/lib/api/with-agent';
import { answerCreatePress, createPressInput, type CreatePressDeps } from '@/lib/intake/accept-press';
import { answerPressStatus, pressStatusInput, type ReadPressStatusDeps } from '@/lib/intake/press-status';
import {
  acknowledgeInboxInput,
  answerAcknowledgeAgentInbox,
  answerReadAgentInbox,
  readInboxInput,
  type AgentInboxDeps,
} from '@/lib/notifications/agent-inbox';

/**
 * The agent routes as tests, benchmarks and the pipeline harness call them: the same wrapper and
 * the same lib functions as app/api/v1/**, with the test's own database (and queue) in place of
 * the app's. Kept out of lib so lib never depends on the route layer.
 */
export function handleCreatePress(request: Request, deps: CreatePressDeps): Promise<Response> {
  const route = withAgent({ ...createPressInput, database: async () => deps.db }, ({ token }) => answerCreatePress(request, token, deps));
  return route(request);
}

export function handleReadPressStatus(request: Request, pressId: string, deps: ReadPressStatusDeps): Promise<Response> {
  const route = withAgent({ ...pressStatusInput, database: async () => deps.db }, (call) => answerPressStatus(call, deps.pollMs));
  return route(request, { params: Promise.resolve({ id: pressId }) });
}

export function handleReadAgentInbox(request: Request, deps: AgentInboxDeps): Promise<Response> {
  return withAgent({ ...readInboxInput, database: async () => deps.db }, (call) => answerReadAgentInbox(call, deps.pollMs))(request);
}

export function handleAcknowledgeAgentInbox(request: Request, deps: AgentInboxDeps): Promise<Response> {
  return withAgent({ ...acknowledgeInboxInput, database: async () => deps.db }, answerAcknowledgeAgentInbox)(request);
}
