import 'server-only';
import { getServerSession } from 'next-auth/next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { DeskbellApiError } from '@/lib/http/errors';
import { getAuthOptions, type AdminSession } from './auth-options';

export type { AdminSession } from './auth-options';

export const DEFAULT_AFTER_SIGN_IN = '/presses';
// The same name proxy.ts sets; proxy.ts is its own bundle, so the constant is repeated, not imported.
const REQUESTED_PATH_HEADER = 'x-deskbell-requested-path';

/** Only same-site paths survive as `next`: anything else (`//evil`, `https://…`, `/\\evil`) is an open redirect. */
export function safeNextPath(next: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (!next || next.length > 2000 || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  if (/[\u0000-\u001f]/.test(next)) return fallback;
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/api/auth')) return fallback;
  return next;
}

export function loginPathFor(next?: string): string {
  const target = safeNextPath(next, '');
  return target ? `/login?next=${encodeURIComponent(target)}` : '/login';
}

/**
 * The signed-in admin, or null. The session's JWT callback re-reads the admin row on every
 * call, so a disabled admin gets null here at their next request.
 */
export async function getAdminSession(): Promise<AdminSession | null> {
  let options;
  try {
    options = getAuthOptions();
  } catch {
    // No session secret configured: nobody can be signed in; /login explains what to set.
    return null;
  }
  const session = await getServerSession(options);
  return session?.admin ?? null;
}

/**
 * For server components and pages. Without a session, redirects to /login with the path that
 * was asked for (passed along by proxy.ts), so signing in leads back to it; a page may also
 * name its own path.
 */
export async function requireAdminPage(nextPath?: string): Promise<AdminSession> {
  const admin = await getAdminSession();
  if (!admin) redirect(loginPathFor((await headers()).get(REQUESTED_PATH_HEADER) ?? nextPath));
  return admin;
}

/** For route handlers under app/api/admin: a missing session becomes a 401 JSON error through toErrorResponse. */
export async function requireAdminApi(): Promise<AdminSession> {
  const admin = await getAdminSession();
  if (!admin) throw new DeskbellApiError('unauthorized', 'Sign in as a Deskbell admin to use this API.');
  return admin;
}
