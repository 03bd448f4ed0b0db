'use client';

/**
 * The admin pages' one way to call /api/admin: JSON in, JSON out, and every error turned
 * into a sentence plus per-field messages (zod paths like "address.line1") and the details
 * whole (a refused rules save carries the line and column of its syntax problem).
 */

export type AdminApiDetail = { path?: string; message?: string; line?: number | null; column?: number | null };

export type SetupApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; message: string; fieldErrors: Record<string, string>; details: AdminApiDetail[] };

type ErrorBody = { error?: { code?: string; message?: string; details?: unknown } };

export async function callSetupApi<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<SetupApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, message: 'Deskbell could not be reached. Check your connection and try again.', fieldErrors: {}, details: [] };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const error = (json as ErrorBody | null)?.error;
  const details = Array.isArray(error?.details) ? (error.details as AdminApiDetail[]) : [];
  const fieldErrors: Record<string, string> = {};
  for (const d of details) {
    if (typeof d.path === 'string' && typeof d.message === 'string' && !(d.path in fieldErrors)) fieldErrors[d.path] = d.message;
  }
  const message =
    res.status === 401
      ? 'Your session has ended. Sign in again, then retry.'
      : (error?.message ?? `Deskbell answered ${res.status}.`);
  return { ok: false, status: res.status, message, fieldErrors, details };
}
