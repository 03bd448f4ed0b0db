import 'server-only';
import { requireAdminApi, type AdminSession } from '@/lib/auth/admin-session';
import { deskbellPublicUrl } from '@/lib/env';
import { DeskbellApiError } from '@/lib/http/errors';
import { checkRequestOrigin, isStateChanging } from '@/lib/http/request-origin';
import { defineRoute, type InputSpec, type ParsedInput, type Reply, type RouteHandler } from './route-handler';

/**
 * Routes under app/api/admin: the caller is a signed-in admin, proved by the session cookie the
 * browser attaches on its own. Because the cookie is ambient, a state-changing request must
 * also come from Deskbell's own origin (lib/http/request-origin.ts), checked before the session,
 * the database or the body is touched.
 */

export type AdminCall = { admin: AdminSession };

/** Deskbell's public origin: DESKBELL_PUBLIC_URL's, or the default the app already uses for its own links. */
export function adminOrigin(): string {
  return new URL(deskbellPublicUrl()).origin;
}

export function refuseForeignOrigin(request: Request): void {
  if (!isStateChanging(request.method)) return;
  const allowed = adminOrigin();
  const verdict = checkRequestOrigin(request.headers, allowed);
  if (!verdict.ok) {
    throw new DeskbellApiError(
      'forbidden',
      `Refused: ${verdict.reason}, not from Deskbell at ${allowed}. Open Deskbell at that address (DESKBELL_PUBLIC_URL) and try again.`,
    );
  }
}

const adminKind = {
  screen: refuseForeignOrigin,
  authenticate: async (): Promise<AdminCall> => ({ admin: await requireAdminApi() }),
};

export function withAdmin<S extends InputSpec>(spec: S, handler: (call: ParsedInput<S> & AdminCall) => Promise<Reply> | Reply): RouteHandler {
  return defineRoute(adminKind, spec, handler);
}
