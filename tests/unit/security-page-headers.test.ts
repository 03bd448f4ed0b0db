import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, pageSecurityHeaders, permissionsPolicy, servedOverHttps } from '@/lib/security/page-headers';

const base = { nonce: 'bm9uY2Vub25jZW5vbmNlMQ==', frameAncestors: "frame-ancestors 'self'", publicOrigin: 'https://deskbell.example', https: false, development: false };

describe('page security headers', () => {
  it('scripts need the nonce (strict-dynamic), never inline or eval in production; frame-ancestors is passed through unchanged', () => {
    const csp = contentSecurityPolicy(base);
    expect(csp).toContain("script-src 'self' 'nonce-bm9uY2Vub25jZW5vbmNlMQ==' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp.endsWith("frame-ancestors 'self'")).toBe(true);
    const pod = contentSecurityPolicy({ ...base, frameAncestors: 'frame-ancestors https://na.myconnectwise.net' });
    expect(pod).toContain('; frame-ancestors https://na.myconnectwise.net');
    expect(contentSecurityPolicy({ ...base, development: true })).toMatch(/script-src [^;]*'unsafe-eval'/);
  });

  it('HSTS and upgrade-insecure-requests only over https', () => {
    expect(pageSecurityHeaders({ ...base, pathname: '/' })).not.toHaveProperty('Strict-Transport-Security');
    const https = pageSecurityHeaders({ ...base, pathname: '/', https: true });
    expect(https['Strict-Transport-Security']).toBe('max-age=31536000');
    expect(https['Content-Security-Policy']).toContain('upgrade-insecure-requests');
  });

  it('https is the public URL\u2019s word, or a trusted proxy\u2019s X-Forwarded-Proto; a client\u2019s own header is ignored', () => {
    expect(servedOverHttps('https://deskbell.example', null, 0)).toBe(true);
    expect(servedOverHttps('http://127.0.0.1:3000', 'https', 0)).toBe(false);
    expect(servedOverHttps('http://127.0.0.1:3000', 'https', 1)).toBe(true);
    expect(servedOverHttps('http://127.0.0.1:3000', 'https, http', 1)).toBe(false);
    expect(servedOverHttps(undefined, null, 1)).toBe(false);
  });

  it('referrers: none from the pod, origin only elsewhere; powerful features off, screen capture for the press page only', () => {
    expect(pageSecurityHeaders({ ...base, pathname: '/pod' })['Referrer-Policy']).toBe('no-referrer');
    expect(pageSecurityHeaders({ ...base, pathname: '/setup' })['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    expect(permissionsPolicy('/setup')).toContain('camera=(), geolocation=()');
    expect(permissionsPolicy('/setup')).toContain('display-capture=()');
    expect(permissionsPolicy('/press')).toContain('display-capture=(self)');
  });

  it('a nonce is 16 random bytes, new every time', () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16);
  });
});
