/**
 * The security headers every page gets from proxy.ts. Pure, so the policy is testable on its own.
 *
 * Scripts: a fresh nonce per request plus 'strict-dynamic'. Next.js reads the nonce from the
 * request's Content-Security-Policy header and puts it on its own scripts when it renders a
 * page; every page renders per request (the root layout is dynamic), so none is served
 * without it. Scripts those scripts load inherit trust ('strict-dynamic'); anything injected
 * into the HTML has no nonce and does not run. Development adds 'unsafe-eval' (React's dev
 * tooling evaluates code).
 * Styles may be inline: React renders style attributes and the rules editor injects <style>;
 * styles cannot run code.
 * frame-ancestors is whatever the caller gives (lib/pod/frame-policy.ts decides it), unchanged.
 */

export type PageHeaderInput = {
  pathname: string;
  /** Base64 from 16 random bytes, new for every request. */
  nonce: string;
  /** The complete `frame-ancestors …` directive. */
  frameAncestors: string;
  /** Deskbell's public origin: the demo Manage screen frames the pod there (the same as 'self' unless reached by another name). */
  publicOrigin: string;
  /** Served over https (public URL, or X-Forwarded-Proto from a trusted proxy): HSTS and upgrades. */
  https: boolean;
  development: boolean;
};

export const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** Paths Manage frames. */
export function isPodPath(pathname: string): boolean {
  return pathname === '/pod' || pathname.startsWith('/pod/');
}

/** The web press page may one day capture the screen itself (display-capture), for this origin only. */
function isPressPath(pathname: string): boolean {
  return pathname === '/press' || pathname.startsWith('/press/');
}

export function contentSecurityPolicy(input: Pick<PageHeaderInput, 'nonce' | 'frameAncestors' | 'publicOrigin' | 'https' | 'development'>): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${input.nonce}' 'strict-dynamic'${input.development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // blob: the press page previews picked screenshots, the pod shows fetched images.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    // The demo Manage screen frames the real pod, at Deskbell's public origin.
    `frame-src 'self' ${input.publicOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    input.frameAncestors,
  ];
  if (input.https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

const DENIED_FEATURES = ['accelerometer', 'camera', 'geolocation', 'gyroscope', 'hid', 'magnetometer', 'microphone', 'midi', 'payment', 'serial', 'usb'];

export function permissionsPolicy(pathname: string): string {
  const capture = isPressPath(pathname) ? 'display-capture=(self)' : 'display-capture=()';
  return [...DENIED_FEATURES.map((feature) => `${feature}=()`), capture].join(', ');
}

/** Header name to value, for the response (the request gets the CSP too, for Next to find the nonce). */
export function pageSecurityHeaders(input: PageHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(input),
    // The pod's URL names a ticket; Manage needs no referrer from it.
    'Referrer-Policy': isPodPath(input.pathname) ? 'no-referrer' : 'strict-origin-when-cross-origin',
    'Permissions-Policy': permissionsPolicy(input.pathname),
  };
  if (input.https) headers['Strict-Transport-Security'] = `max-age=${HSTS_MAX_AGE_SECONDS}`;
  return headers;
}

/**
 * Whether the browser reached Deskbell over https: the public URL says so, or a trusted proxy
 * (TRUST_PROXY at least 1) said X-Forwarded-Proto https. Without a trusted proxy the header is
 * the client's word and is ignored.
 */
export function servedOverHttps(publicUrl: string | undefined, forwardedProto: string | null, trustedProxies: number): boolean {
  if (publicUrl?.startsWith('https://')) return true;
  if (trustedProxies < 1 || !forwardedProto) return false;
  // The nearest trusted proxy's word is the last entry (proxies that append) or the only one (that overwrite).
  const protos = forwardedProto.split(',').map((p) => p.trim().toLowerCase());
  return protos[protos.length - 1] === 'https';
}

/** 16 random bytes, base64: the per-request script nonce. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
