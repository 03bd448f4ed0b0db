import { NextResponse, type NextRequest } from 'next/server';
import { frameAncestorsDirective, loadFramePolicy } from '@/lib/pod/frame-policy';

/** The header that tells server components which path was asked for (App Router layouts cannot see it). */
const REQUESTED_PATH_HEADER = 'x-deskbell-requested-path';

/** Pages Manage frames: only the configured Manage origins may (the pod authenticates through Manage). */
function isPodPath(pathname: string): boolean {
  return pathname === '/pod' || pathname.startsWith('/pod/');
}

/**
 * Not an auth check (every admin page and route checks the session on the server). It does two
 * things for every page:
 * - passes the requested path along, so a sign-in redirect can bring the admin back to it
 *   (e.g. the report link from a ticket's internal note);
 * - says who may frame the page. The pod: exactly the Manage origins of lib/pod/frame-policy.ts
 *   (`'none'` when there is none yet). Everything else, admin pages above all: Deskbell itself
 *   only, so no other site can frame an admin page to click-jack it.
 * Next 16 runs the proxy on Node, so it reads the stored connection like any server code.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers } });
  const directive = isPodPath(request.nextUrl.pathname) ? await podFrameAncestors() : "frame-ancestors 'self'";
  response.headers.set('Content-Security-Policy', directive);
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
