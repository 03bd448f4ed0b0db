import { describe, expect, it } from 'vitest';
import { deskbellPublicUrl, environmentForChild, parseServerEnv } from '@/lib/env';

describe('parseServerEnv', () => {
  it('fills the embedded defaults when nothing is set', () => {
    const env = parseServerEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.SIM_PORT).toBe(8123);
    expect(env.DESKBELL_DATA_DIR).toBe('./data');
    expect(env.MANAGE_API_VERSION).toBe('2026.11');
    expect(env.MANAGE_ENDPOINT).toBeUndefined();
    expect(env.CI).toBe(false);
  });

  it('coerces numbers and treats blank optional values as unset', () => {
    const env = parseServerEnv({ PORT: '4000', MANAGE_MAX_RETRIES: '2', MANAGE_API_KEY: '   ', CI: 'true' });
    expect(env.PORT).toBe(4000);
    expect(env.MANAGE_MAX_RETRIES).toBe(2);
    expect(env.MANAGE_API_KEY).toBeUndefined();
    expect(env.CI).toBe(true);
  });

  it('lists every invalid variable by name', () => {
    expect(() =>
      parseServerEnv({ PORT: 'eighty', MANAGE_API_VERSION: 'latest', DESKBELL_PUBLIC_URL: 'not a url' }),
    ).toThrowError(/PORT[\s\S]*MANAGE_API_VERSION[\s\S]*DESKBELL_PUBLIC_URL|PORT[\s\S]*DESKBELL_PUBLIC_URL[\s\S]*MANAGE_API_VERSION/);
  });

  it('treats an empty public URL (and the other optional URLs) as unset instead of stopping start-up', () => {
    const env = parseServerEnv({ DESKBELL_PUBLIC_URL: '', NEXTAUTH_URL: '  ', OIDC_ISSUER: '', OIDC_WELL_KNOWN: '' });
    expect(env.DESKBELL_PUBLIC_URL).toBeUndefined();
    expect(env.NEXTAUTH_URL).toBeUndefined();
    expect(env.OIDC_ISSUER).toBeUndefined();
    expect(env.OIDC_WELL_KNOWN).toBeUndefined();
    expect(parseServerEnv({ DESKBELL_PUBLIC_URL: ' https://deskbell.example.com/help ' }).DESKBELL_PUBLIC_URL).toBe('https://deskbell.example.com/help');
    expect(() => parseServerEnv({ DESKBELL_PUBLIC_URL: 'deskbell.example.com' })).toThrowError(/DESKBELL_PUBLIC_URL/);
  });

  it('refuses a retry count that could hammer Manage', () => {
    expect(() => parseServerEnv({ MANAGE_MAX_RETRIES: '50' })).toThrowError(/MANAGE_MAX_RETRIES/);
  });
});

describe('environmentForChild', () => {
  it('applies overrides and drops variables set to undefined', () => {
    const env = environmentForChild({ DESKBELL_TEST_ONLY: 'x', PATH: undefined });
    expect(env.DESKBELL_TEST_ONLY).toBe('x');
    expect('PATH' in env).toBe(false);
  });
});

describe('deskbellPublicUrl', () => {
  it('is DESKBELL_PUBLIC_URL when set, else this process on loopback', () => {
    expect(deskbellPublicUrl(parseServerEnv({ DESKBELL_PUBLIC_URL: 'https://deskbell.example.com', PORT: '4000' }))).toBe('https://deskbell.example.com');
    expect(deskbellPublicUrl(parseServerEnv({ PORT: '4000' }))).toBe('http://127.0.0.1:4000');
    expect(deskbellPublicUrl(parseServerEnv({ DESKBELL_PUBLIC_URL: '', PORT: '4000' }))).toBe('http://127.0.0.1:4000');
  });
});
