/**
 * The pod's bearer token on its own: sealed claims round-trip, and every kind of wrong token
 * (tampered, expired, other password, other shape, other scheme) reads as "no token".
 */
import { randomBytes } from 'node:crypto';
import { sealData } from 'iron-session';
import { describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import { parseServerEnv } from '@/lib/env';
import { openPodToken, podTokenPassword, readBearerToken, requirePodToken, sealPodToken, type PodTokenSubject } from '@/lib/pod/pod-token';

const password = podTokenPassword(randomBytes(32));
const subject: PodTokenSubject = {
  member: { id: 1, identifier: 'jsmith', name: 'John Smith' },
  companyId: 'deskbell_demo',
  scope: { screen: 'ticket', id: 250_001 },
};
const T0 = Date.parse('2026-11-28T10:00:00Z');
const at = (ms: number) => () => ms;

const withBearer = (value: string | null) =>
  new Request('http://deskbell.test/api/pod/tickets/1', value === null ? {} : { headers: { authorization: value } });

describe('sealPodToken / openPodToken', () => {
  it('round-trips the claims and reports the expiry', async () => {
    const sealed = await sealPodToken(subject, { password, ttlSeconds: 600, now: at(T0) });
    expect(sealed.expiresAt).toBe('2026-11-28T10:10:00.000Z');
    expect(sealed.token).toMatch(/^Fe26\.2\*/);
    expect(sealed.token).not.toContain('jsmith');
    const claims = await openPodToken(sealed.token, { password, now: at(T0 + 1_000) });
    expect(claims).toEqual({ v: 1, ...subject, exp: T0 / 1000 + 600 });
  });

  it('refuses a token at and after its expiry, by the caller\'s clock (no 60 s skew)', async () => {
    const { token } = await sealPodToken(subject, { password, ttlSeconds: 600, now: at(T0) });
    expect(await openPodToken(token, { password, now: at(T0 + 599_999) })).not.toBeNull();
    expect(await openPodToken(token, { password, now: at(T0 + 600_000) })).toBeNull();
    expect(await openPodToken(token, { password, now: at(T0 + 3_600_000) })).toBeNull();
  });

  it('refuses a token whose seal iron itself considers expired, even with fresh claims', async () => {
    // iron stamps its own expiry from the real clock at sealing: seal an hour "ago" with a
    // 10-minute life, while the claims' exp (from the injected clock) is still in the future.
    const realNow = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(realNow - 3_600_000);
    let token: string;
    try {
      ({ token } = await sealPodToken(subject, { password, ttlSeconds: 600, now: at(realNow) }));
    } finally {
      vi.useRealTimers();
    }
    expect(await openPodToken(token, { password, now: at(realNow) })).toBeNull();
  });

  it('refuses every tampered variant', async () => {
    const { token } = await sealPodToken(subject, { password, ttlSeconds: 600 });
    const parts = token.split('*');
    const flip = (text: string) => text.slice(0, -2) + (text.at(-2) === 'A' ? 'B' : 'A') + text.slice(-1);
    const variants = [
      token.slice(0, -5),
      `${token}x`,
      parts.map((p, i) => (i === 4 ? flip(p) : p)).join('*'), // ciphertext
      parts.map((p, i) => (i === 7 ? flip(p) : p)).join('*'), // hmac
      parts.map((p, i) => (i === 5 ? String(Number(p || 0) + 1_000_000) : p)).join('*'), // expiry
      'Fe26.2*1*aaaa*bbbb*cccc**dddd*eeee~2',
      'not-a-token',
      '',
      'x'.repeat(5_000),
    ];
    for (const variant of variants) expect(await openPodToken(variant, { password })).toBeNull();
  });

  it('refuses a token sealed with another password (another install or another key)', async () => {
    const { token } = await sealPodToken(subject, { password: podTokenPassword(randomBytes(32)), ttlSeconds: 600 });
    expect(await openPodToken(token, { password })).toBeNull();
  });

  it('refuses a genuine seal that does not carry pod claims', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const foreign = [
      { v: 2, ...subject, exp },
      { v: 1, ...subject },
      { v: 1, ...subject, exp, admin: true },
      { v: 1, ...subject, scope: { screen: 'tab', id: 1 }, exp },
      { userId: 'u1', email: 'admin@msp.example' },
    ];
    for (const data of foreign) {
      const token = await sealData(data, { password, ttl: 600 });
      expect(await openPodToken(token, { password })).toBeNull();
    }
  });

  it('derives the password from the secret key, per key, under its own label', () => {
    const key = randomBytes(32);
    expect(podTokenPassword(key)).toBe(podTokenPassword(key));
    expect(podTokenPassword(key)).not.toBe(podTokenPassword(randomBytes(32)));
    expect(podTokenPassword(key).length).toBeGreaterThanOrEqual(32);
    expect(podTokenPassword(key)).not.toContain(key.toString('base64url'));
  });
});

describe('the bearer header', () => {
  it('reads only `Bearer <token>`', async () => {
    const { token } = await sealPodToken(subject, { password, ttlSeconds: 600 });
    expect(readBearerToken(withBearer(`Bearer ${token}`))).toBe(token);
    expect(readBearerToken(withBearer(`bearer ${token}`))).toBe(token);
    expect(readBearerToken(withBearer(null))).toBeNull();
    expect(readBearerToken(withBearer(`Basic ${token}`))).toBeNull();
    expect(readBearerToken(withBearer(token))).toBeNull();
    expect(readBearerToken(withBearer('Bearer '))).toBeNull();
    expect(readBearerToken(withBearer(`Bearer ${token} extra`))).toBeNull();
  });

  it('requirePodToken answers 401 for none, a bad and an expired token, and the claims otherwise', async () => {
    const { token } = await sealPodToken(subject, { password, ttlSeconds: 600, now: at(T0) });
    await expect(requirePodToken(withBearer(`Bearer ${token}`), { password, now: at(T0) })).resolves.toMatchObject({ scope: subject.scope });
    for (const [header, now] of [
      [null, T0],
      ['Bearer nope', T0],
      [`Bearer ${token}`, T0 + 601_000],
      [`Token ${token}`, T0],
    ] as const) {
      const error = await requirePodToken(withBearer(header), { password, now: at(now) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeskbellApiError);
      expect((error as DeskbellApiError).status).toBe(401);
    }
  });
});

describe('POD_TOKEN_TTL_SECONDS', () => {
  it('defaults to 600 and accepts 60..3600 only', () => {
    expect(parseServerEnv({}).POD_TOKEN_TTL_SECONDS).toBe(600);
    expect(parseServerEnv({ POD_TOKEN_TTL_SECONDS: '60' }).POD_TOKEN_TTL_SECONDS).toBe(60);
    expect(parseServerEnv({ POD_TOKEN_TTL_SECONDS: '3600' }).POD_TOKEN_TTL_SECONDS).toBe(3600);
    for (const bad of ['59', '3601', '1.5', 'ten']) expect(() => parseServerEnv({ POD_TOKEN_TTL_SECONDS: bad })).toThrow(/POD_TOKEN_TTL_SECONDS/);
  });
});
