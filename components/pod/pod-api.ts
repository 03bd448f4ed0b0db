/**
 * The pod's calls to Deskbell's pod API (app/api/pod/**), in the browser. The bearer token
 * travels in the Authorization header only, never in a URL: URLs end up in logs, history and
 * Referer headers. Images are fetched the same way and shown through object URLs.
 */
import type { MemberAuthentication } from '@/components/pod/hosted-api/protocol';
import type { PodCompanyPress, PodCompanyPresses, PodPress, PodScope, PodSessionGrant, PodTicketResponse } from '@/lib/pod/types';

export type { PodCompanyPress, PodCompanyPresses, PodPress, PodSessionGrant, PodTicketResponse };
export type PodScreen = PodScope['screen'];

/** A refused or failed pod API call; `status` 0 means Deskbell itself could not be reached. */
export class PodApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'PodApiError';
  }
}

async function errorFrom(res: Response): Promise<PodApiError> {
  let message = `Deskbell answered ${res.status}.`;
  let code: string | null = null;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } | string };
    if (typeof body.error === 'string') message = body.error;
    else if (body.error && typeof body.error.message === 'string') {
      message = body.error.message;
      code = typeof body.error.code === 'string' ? body.error.code : null;
    }
  } catch {
    // not JSON (a proxy's error page): keep the status line
  }
  return new PodApiError(res.status, message, code);
}

async function send(input: string, init: RequestInit): Promise<Response> {
  try {
    // no-store: the pod's answers are per member and short-lived; credentials: 'omit' because
    // the pod never relies on cookies (inside Manage's iframe they are third-party anyway).
    return await fetch(input, { cache: 'no-store', credentials: 'omit', ...init });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new PodApiError(0, 'Deskbell could not be reached. Check the network, then try again.');
  }
}

/** Trades Manage's member authentication for a pod token scoped to one ticket or company. */
export async function createPodSession(
  body: { auth: MemberAuthentication; screen: PodScreen; id: number },
  signal?: AbortSignal,
): Promise<PodSessionGrant> {
  const res = await send('/api/pod/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as PodSessionGrant;
}

export async function fetchPodJson<T>(path: string, token: string, signal?: AbortSignal): Promise<T> {
  const res = await send(path, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

/** An image from a pod route as an object URL; the caller revokes it. */
export async function fetchPodImage(src: string, token: string, signal?: AbortSignal): Promise<string> {
  const res = await send(src, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!res.ok) throw await errorFrom(res);
  return URL.createObjectURL(await res.blob());
}
