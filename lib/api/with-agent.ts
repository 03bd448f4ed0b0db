import 'server-only';
import type { AgentToken } from '@/lib/auth/agent-tokens';
import { requireAgentToken } from '@/lib/intake/read-press-request';
import { defineRoute, type InputSpec, type ParsedInput, type Reply, type RouteHandler } from './route-handler';

/**
 * Routes under app/api/v1: the caller is an agent (or the web press page) with an agent token
 * in `Authorization: Bearer`. Nothing ambient authenticates it, so no origin check is needed;
 * the token is checked before the body is read, so an unknown client cannot make us buffer it.
 */

export type AgentCall = { token: AgentToken };

const agentKind = {
  authenticate: async (request: Request, db: Parameters<typeof requireAgentToken>[0]): Promise<AgentCall> => ({
    token: await requireAgentToken(db, request),
  }),
  // The challenge RFC 6750 asks for on a 401, so a client knows to send its bearer token.
  errors: { challenge: 'Bearer realm="deskbell"' },
};

export function withAgent<S extends InputSpec>(spec: S, handler: (call: ParsedInput<S> & AgentCall) => Promise<Reply> | Reply): RouteHandler {
  return defineRoute(agentKind, spec, handler);
}
