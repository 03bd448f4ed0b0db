import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAuthOptions, buildOidcProvider, deriveAuthSecret, readOidcSettings } from '@/lib/auth/auth-options';
import { parseServerEnv } from '@/lib/env';

const key = randomBytes(32).toString('base64');
const oidcEnv = {
  DESKBELL_SECRET_KEY: key,
  OIDC_ISSUER: 'https://login.microsoftonline.com/0000-tenant/v2.0/',
  OIDC_CLIENT_ID: 'app-id',
  OIDC_CLIENT_SECRET: 'app-secret',
  OIDC_ALLOWED_DOMAINS: '@Acme-MSP.example, other.example',
};
const noDb = () => Promise.reject(new Error('no database in unit tests'));

describe('OIDC configuration', () => {
  it('is off unless the issuer (or discovery URL), client id and secret are all set', () => {
    expect(readOidcSettings(parseServerEnv({}))).toBeNull();
    expect(readOidcSettings(parseServerEnv({ ...oidcEnv, OIDC_CLIENT_SECRET: '' }))).toBeNull();
    expect(buildAuthOptions(parseServerEnv({ DESKBELL_SECRET_KEY: key }), noDb).providers.map((p) => p.id)).toEqual(['credentials']);
  });

  it('derives the discovery URL from the issuer and reads allowed domains', () => {
    expect(readOidcSettings(parseServerEnv(oidcEnv))).toEqual({
      displayName: 'Microsoft Entra ID',
      wellKnown: 'https://login.microsoftonline.com/0000-tenant/v2.0/.well-known/openid-configuration',
      clientId: 'app-id',
      clientSecret: 'app-secret',
      allowedDomains: ['acme-msp.example', 'other.example'],
    });
    const explicit = readOidcSettings(parseServerEnv({ ...oidcEnv, OIDC_WELL_KNOWN: 'https://idp.example/.well-known/openid-configuration', OIDC_DISPLAY_NAME: 'Okta' }));
    expect(explicit).toMatchObject({ wellKnown: 'https://idp.example/.well-known/openid-configuration', displayName: 'Okta' });
  });

  it('builds an OIDC provider with PKCE and state, reading Entra ID sign-in names as email', () => {
    const env = parseServerEnv(oidcEnv);
    const provider = buildOidcProvider(readOidcSettings(env)!);
    expect(provider).toMatchObject({ id: 'oidc', type: 'oauth', idToken: true, checks: ['pkce', 'state'], name: 'Microsoft Entra ID' });
    const profile = provider.profile!;
    expect(profile({ sub: 's1', preferred_username: 'Ann@Acme-MSP.example', name: 'Ann' }, {})).toEqual({ id: 's1', email: 'ann@acme-msp.example', name: 'Ann' });
    expect(profile({ sub: 's2', email: 'bob@acme-msp.example' }, {})).toEqual({ id: 's2', email: 'bob@acme-msp.example', name: null });
    expect(profile({ sub: 's3', preferred_username: 'not-an-email' }, {})).toMatchObject({ email: null });
    expect(buildAuthOptions(env, noDb).providers.map((p) => p.id)).toEqual(['credentials', 'oidc']);
  });
});

describe('session secret and cookies', () => {
  it('derives a stable secret from DESKBELL_SECRET_KEY that is not the key itself', () => {
    const env = parseServerEnv({ DESKBELL_SECRET_KEY: key });
    const secret = deriveAuthSecret(env);
    expect(secret).toBe(deriveAuthSecret(env));
    expect(secret).not.toContain(key);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(deriveAuthSecret(parseServerEnv({ DESKBELL_SECRET_KEY: randomBytes(32).toString('base64') }))).not.toBe(secret);
  });

  it('prefers NEXTAUTH_SECRET and never falls back to a default', () => {
    const nextAuthSecret = 'n'.repeat(40);
    expect(deriveAuthSecret(parseServerEnv({ DESKBELL_SECRET_KEY: key, NEXTAUTH_SECRET: nextAuthSecret }))).toBe(nextAuthSecret);
    expect(() => deriveAuthSecret(parseServerEnv({}))).toThrow(/set DESKBELL_SECRET_KEY/);
    expect(() => parseServerEnv({ NEXTAUTH_SECRET: 'short' })).toThrow(/at least 32/);
  });

  it('uses secure cookies when the public URL is https, and keeps debug off', () => {
    const https = buildAuthOptions(parseServerEnv({ DESKBELL_SECRET_KEY: key, DESKBELL_PUBLIC_URL: 'https://deskbell.msp.example' }), noDb);
    const http = buildAuthOptions(parseServerEnv({ DESKBELL_SECRET_KEY: key, DESKBELL_PUBLIC_URL: 'http://127.0.0.1:3000' }), noDb);
    expect(https.useSecureCookies).toBe(true);
    expect(http.useSecureCookies).toBe(false);
    expect(https.debug).toBe(false);
    expect(https.session).toMatchObject({ strategy: 'jwt' });
  });
});
