import 'server-only';
import { authorizePodRequest } from '@/lib/pod/pod-session';
import type { PodTokenClaims } from '@/lib/pod/pod-token';
import type { DeskbellDatabase } from '@/lib/store/database';
import { defineRoute, type InputSpec, type ParsedInput, type Reply, type RouteHandler } from './route-handler';

/**
 * Routes under app/api/pod: the pod, framed inside Manage, holds a short-lived sealed token
 * in memory and sends it as a bearer header (never a cookie), so nothing ambient authenticates
 * it. withPodSignIn is the one route that issues that token: its caller is proved against
 * Manage from the member authentication in the body, by the handler (lib/pod/pod-session.ts).
 */

export type PodCall = { claims: PodTokenClaims };

// Answers depend on the bearer token: a shared cache must never serve one pod's answer to another.
const podHeaders = { vary: 'authorization' };

const podKind = {
  authenticate: async (request: Request, db: DeskbellDatabase): Promise<PodCall> => ({ claims: await authorizePodRequest(db, request) }),
  headers: podHeaders,
};

const podSignInKind = {
  authenticate: async () => ({}),
};

export function withPod<S extends InputSpec>(spec: S, handler: (call: ParsedInput<S> & PodCall) => Promise<Reply> | Reply): RouteHandler {
  return defineRoute(podKind, spec, handler);
}

export function withPodSignIn<S extends InputSpec>(spec: S, handler: (call: ParsedInput<S>) => Promise<Reply> | Reply): RouteHandler {
  return defineRoute(podSignInKind, spec, handler);
}
