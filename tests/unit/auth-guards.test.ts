import { describe, expect, it } from 'vitest';
import { loginPathFor, safeNextPath } from '@/lib/auth/admin-session';
import { toAdminSession } from '@/lib/auth/auth-options';

describe('safeNextPath', () => {
  it('keeps same-site paths with their query', () => {
    expect(safeNextPath('/presses/abc?tab=calls')).toBe('/presses/abc?tab=calls');
    expect(safeNextPath('/setup')).toBe('/setup');
  });

  it('refuses anything that could leave the site or loop back to sign-in', () => {
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'presses', '/login', '/login?next=/x', '/api/auth/signout', '/a\nb', '']) {
      expect(safeNextPath(bad), JSON.stringify(bad)).toBe('/presses');
    }
    expect(safeNextPath(undefined, '/setup')).toBe('/setup');
  });

  it('builds the sign-in redirect, encoded', () => {
    expect(loginPathFor('/presses/1?x=a&y=b')).toBe('/login?next=%2Fpresses%2F1%3Fx%3Da%26y%3Db');
    expect(loginPathFor()).toBe('/login');
    expect(loginPathFor('https://evil.example')).toBe('/login');
  });
});

describe('toAdminSession', () => {
  it('maps a token with an admin id and email, and nothing else', () => {
    expect(toAdminSession({ sub: 'u1', email: 'a@b.example', name: 'Ann' })).toEqual({ userId: 'u1', email: 'a@b.example', name: 'Ann' });
    expect(toAdminSession({ sub: 'u1', email: 'a@b.example' })).toEqual({ userId: 'u1', email: 'a@b.example', name: null });
    expect(toAdminSession({ email: 'a@b.example' })).toBeNull();
    expect(toAdminSession({ sub: 'u1' })).toBeNull();
  });
});
