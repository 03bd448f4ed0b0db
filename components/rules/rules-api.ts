'use client';

/**
 * The Rules step's calls to /api/admin/rules: JSON in, JSON out. Unlike the other setup
 * steps it keeps the error details whole, because a refused save carries the line and
 * column of the syntax problem.
 */

export type RulesApiDetail = { path?: string; message?: string; line?: number | null; column?: number | null };

export type RulesApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; message: string; details: RulesApiDetail[] };

export async function callRulesApi<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<RulesApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, message: 'Deskbell could not be reached. Check your connection and try again.', details: [] };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const error = (json as { error?: { message?: string; details?: unknown } } | null)?.error;
  const details = Array.isArray(error?.details) ? (error.details as RulesApiDetail[]) : [];
  const message = res.status === 401 ? 'Your session has ended. Sign in again, then retry.' : (error?.message ?? `Deskbell answered ${res.status}.`);
  return { ok: false, status: res.status, message, details };
}
