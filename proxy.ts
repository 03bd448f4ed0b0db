import { NextResponse, type NextRequest } from 'next/server';

/** The header that tells server components which path was asked for (App Router layouts cannot see it). */
const REQUESTED_PATH_HEADER = 'x-deskbell-requested-path';

/**
 * Not an auth check (every admin page and route checks the session on the server): it only
 * passes the requested path along, so a sign-in redirect can bring the admin back to it,
 * e.g. the report link from a ticket's internal note.
 */
export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/setup/:path*', '/presses/:path*', '/audit/:path*', '/notifications/:path*'],
};
