/**
 * Whether a state-changing request comes from Deskbell's own pages. SameSite=Lax keeps other
 * sites' requests from carrying the admin's cookie, but not a page on another port of the same
 * host or on a sibling subdomain: those are the same site. So the browser's own account of
 * where the request came from must name Deskbell's public origin exactly.
 */

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** POST, PUT, PATCH, DELETE and anything else not defined as safe. */
export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Origin first (compared as the exact string a browser sends, so `null`, another port or
 * scheme, or a look-alike host all fail). Without it, Sec-Fetch-Site (only `same-origin`
 * passes), then the Referer's origin. A request with none of the three comes from no
 * browser, so it is not a forgery; it still needs its credentials.
 */
export function checkRequestOrigin(headers: Headers, allowedOrigin: string): OriginVerdict {
  const origin = headers.get('origin');
  if (origin !== null) {
    return origin === allowedOrigin ? { ok: true } : { ok: false, reason: `it came from ${describe(origin)}` };
  }
  const site = headers.get('sec-fetch-site');
  if (site !== null) {
    return site === 'same-origin' ? { ok: true } : { ok: false, reason: `the browser reports it as ${describe(site)}` };
  }
  const referer = headers.get('referer');
  if (referer !== null) {
    const refererOrigin = URL.canParse(referer) ? new URL(referer).origin : null;
    return refererOrigin === allowedOrigin ? { ok: true } : { ok: false, reason: `it was sent from ${describe(refererOrigin ?? 'an unreadable page')}` };
  }
  return { ok: true };
}

function describe(value: string): string {
  return JSON.stringify(value.slice(0, 200));
}

/** The URL's origin, or null when it is not a URL. */
export function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null;
}
