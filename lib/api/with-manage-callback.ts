import 'server-only';
import {
  storeManageCallback,
  verifyManageCallback,
  type ReceiveCallbackDeps,
  type VerifiedCallback,
} from '@/lib/notifications/receive-callback';
import type { DeskbellDatabase } from '@/lib/store/database';
import { defineRoute, type ParsedInput, type Reply, type RouteContext, type RouteHandler } from './route-handler';

/**
 * POST /api/connectwise/callback/{token}: the caller is Manage, proved by the unguessable path
 * token and the body's signature (lib/notifications/receive-callback.ts), both checked here
 * before the handler runs. The body is read raw because the signature covers its exact bytes.
 * No Content-Type is demanded: a signed body is Manage's whatever it was labelled, and Manage
 * disables a callback that keeps failing.
 */

export type ManageCallbackCall = { deps: ReceiveCallbackDeps; callback: VerifiedCallback };

type Options = { database?: () => Promise<DeskbellDatabase> };

async function readPathToken(context: RouteContext): Promise<string> {
  const { token } = await context.params;
  return typeof token === 'string' ? token : '';
}

export function withManageCallback(
  resolveDeps: (db: DeskbellDatabase) => ReceiveCallbackDeps,
  handler: (call: ParsedInput<{ rawBody: true }> & ManageCallbackCall) => Promise<Reply> | Reply,
  options: Options = {},
): RouteHandler {
  const kind = {
    authenticate: async (request: Request, db: DeskbellDatabase, context: RouteContext): Promise<ManageCallbackCall> => {
      const deps = resolveDeps(db);
      return { deps, callback: await verifyManageCallback(request, await readPathToken(context), deps) };
    },
  };
  return defineRoute(kind, { rawBody: true, ...options }, handler);
}

/** Stores the verified callback once and answers 204, repeated or not. */
export async function answerManageCallback({ deps, callback }: ManageCallbackCall): Promise<Response> {
  await storeManageCallback(deps, callback);
  return new Response(null, { status: 204 });
}

/** The route as tests and benchmarks call it, with their own dependencies. */
export function handleManageCallback(request: Request, pathToken: string, deps: ReceiveCallbackDeps): Promise<Response> {
  const route = withManageCallback(() => deps, answerManageCallback, { database: async () => deps.db });
  return route(request, { params: Promise.resolve({ token: pathToken }) });
}
