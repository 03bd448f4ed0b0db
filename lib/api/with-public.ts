import 'server-only';
import { toErrorResponse } from '@/lib/http/errors';
import { finishResponse, parseInput, type InputSpec, type Reply, type RouteHandler } from './route-handler';

/**
 * Routes anyone may call and that need no database of their own (/api/health): still zod
 * for what they read, no-store and the shared error mapping.
 */
export function withPublic<S extends InputSpec>(
  spec: S,
  handler: (call: Awaited<ReturnType<typeof parseInput<S>>> & { request: Request }) => Promise<Reply> | Reply,
): RouteHandler {
  return async (request, context = { params: Promise.resolve({}) }) => {
    try {
      const input = await parseInput(request, context, spec);
      return finishResponse(await handler({ ...input, request }));
    } catch (err) {
      return finishResponse(toErrorResponse(err));
    }
  };
}
