import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { getAuthOptions } from '@/lib/auth/auth-options';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Built at the first request, not at import: `next build` loads this module without a secret.
let handler: ((req: NextRequest, ctx: RouteContext) => Promise<Response>) | undefined;

function authHandler(req: NextRequest, ctx: RouteContext): Promise<Response> {
  handler ??= NextAuth(getAuthOptions()) as (req: NextRequest, ctx: RouteContext) => Promise<Response>;
  return handler(req, ctx);
}

export { authHandler as GET, authHandler as POST };
