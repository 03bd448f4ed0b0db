import { NextResponse, type NextRequest } from 'next/server';
import { serverEnv } from '@/lib/env';
import { deskbellOrigin, frameAncestorsDirective, loadFramePolicy } from '@/lib/pod/frame-policy';
import { createNonce, isPodPath, pageSecurityHeaders, servedOverHttps } from '@/lib/security/page-headers';

/** The header that tells server components which path was asked for (App Router layouts cannot see it). */
const REQUESTED_PATH_HEADER = 'x-deskbell-requested-path';

/**
 * Not an auth check (every admin page and route checks the session on the server). For every page:
 * - passes the requested path along, so a sign-in redirect can bring the admin back to it
 *   (e.g. the report link from a ticket's internal note);
 * - sets the security headers of lib/security/page-headers.ts: a Content-Security-Policy whose
 *   scripts need this request's nonce (also put on the request, where Next.js finds it and
 *   stamps its own scripts), Referrer-Policy, Permissions-Policy, and HSTS over https;
 * - says who may frame the page. The pod: exactly the Manage origins of lib/pod/frame-policy.ts
 *   (`'none'` when there is none yet). Everything else, admin pages above all: Deskbell itself
 *   only, so no other site can frame an admin page to click-jack it.
 * X-Content-Type-Options comes from next.config.mjs, for every response.
 * Next 16 runs the proxy on Node, so it reads the stored connection like any server code.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const env = serverEnv();
  const pathname = request.nextUrl.pathname;
  const security = pageSecurityHeaders({
    pathname,
    nonce: createNonce(),
    frameAncestors: isPodPath(pathname) ? await podFrameAncestors() : "frame-ancestors 'self'",
    publicOrigin: deskbellOrigin(env.DESKBELL_PUBLIC_URL, env.PORT),
    https: servedOverHttps(env.DESKBELL_PUBLIC_URL, request.headers.get('x-forwarded-proto'), env.TRUST_PROXY),
    development: env.NODE_ENV === 'development',
  });

  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${pathname}${request.nextUrl.search}`);
  headers.set('Content-Security-Policy', security['Content-Security-Policy']!);
  const response = NextResponse.next({ request: { headers } });
  for (const [name, value] of Object.entries(security)) response.headers.set(name, value);
  return response;
}

/** Fails closed: when the policy cannot be worked out, nobody may frame the pod. */
async function podFrameAncestors(): Promise<string> {
  try {
    return frameAncestorsDirective((await loadFramePolicy()).origins);
  } catch (err) {
    console.error('[pod] the frame policy could not be loaded; the pod refuses every frame:', err instanceof Error ? err.message : err);
    return frameAncestorsDirective([]);
  }
}

export const config = {
  // Pages only: API routes answer JSON and bytes, which nobody frames; static assets need no policy.
  matcher: ['/((?!api/|_next/static|_next/image|favicon\\.ico).*)'],
};
