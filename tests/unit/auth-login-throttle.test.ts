import { describe, expect, it } from 'vitest';
import { applyFailure, clientIpFromHeaders, evaluateThrottle, minutesUntil, signInThrottleKeys, type ThrottleState } from '@/lib/auth/login-throttle';

const policy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

function failTimes(n: number, start = 0, state?: ThrottleState): ThrottleState | undefined {
  let s = state;
  for (let i = 0; i < n; i += 1) s = applyFailure(s, at(start + i / 10), policy);
  return s;
}

describe('login throttle logic', () => {
  it('locks on the fifth failure inside the window, for the lock time', () => {
    const four = failTimes(4);
    expect(four).toMatchObject({ failures: 4, locked_until: null });
    expect(evaluateThrottle(four, at(1))).toEqual({ locked: false });
    const five = applyFailure(four, at(1), policy);
    expect(five.locked_until).toBe(at(16).toISOString());
    expect(evaluateThrottle(five, at(2))).toEqual({ locked: true, retryAfterMs: 14 * 60_000 });
    expect(evaluateThrottle(five, at(16))).toEqual({ locked: false });
  });

  it('starts a new window when the old one ran out, so slow failures never lock', () => {
    let state: ThrottleState | undefined;
    for (let i = 0; i < 10; i += 1) state = applyFailure(state, at(i * 16), policy);
    expect(state).toMatchObject({ failures: 1, locked_until: null, window_started_at: at(144).toISOString() });
  });

  it('counts afresh after a lock has run out', () => {
    const locked = failTimes(5);
    const after = applyFailure(locked, at(20), policy);
    expect(after).toMatchObject({ failures: 1, locked_until: null });
  });

  it('says minutes the way people read them', () => {
    expect(minutesUntil(14 * 60_000 + 1)).toBe(15);
    expect(minutesUntil(1)).toBe(1);
    expect(minutesUntil(60_000)).toBe(1);
  });

  it('keys a known device by itself, any other client by (email, client), address and a per-email ceiling', () => {
    expect(signInThrottleKeys(' Dana@Acme.Example ', { ip: '203.0.113.9', deviceId: null }, policy)).toEqual({
      keys: [{ key: 'email-client:dana@acme.example|203.0.113.9' }, { key: 'email:dana@acme.example', maxFailures: 50 }, { key: 'ip:203.0.113.9' }],
      clearOnSuccess: ['email-client:dana@acme.example|203.0.113.9'],
    });
    expect(signInThrottleKeys('dana@acme.example', { ip: null, deviceId: null }, policy).keys.map((k) => k.key)).toEqual([
      'email-client:dana@acme.example|unidentified',
      'email:dana@acme.example',
    ]);
    expect(signInThrottleKeys('dana@acme.example', { ip: '203.0.113.9', deviceId: 'dev1' }, policy)).toEqual({
      keys: [{ key: 'device:dana@acme.example|dev1' }],
      clearOnSuccess: ['device:dana@acme.example|dev1'],
    });
  });
});

describe('clientIpFromHeaders', () => {
  it('takes the address the nearest trusted proxy appended, not what the client claimed', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.2' };
    expect(clientIpFromHeaders(headers, 1)).toBe('10.0.0.2');
    expect(clientIpFromHeaders(headers, 2)).toBe('198.51.100.7');
  });

  it('without trusted proxies believes no X-Forwarded-For: the client could have chosen it', () => {
    expect(clientIpFromHeaders({ 'x-forwarded-for': '127.0.0.1' }, 0)).toBeNull();
    expect(clientIpFromHeaders({ 'x-forwarded-for': '6.6.6.6, 127.0.0.1' }, 0)).toBeNull();
    expect(clientIpFromHeaders({}, 0)).toBeNull();
    expect(clientIpFromHeaders({}, 1)).toBeNull();
  });

  it('with fewer entries than trusted proxies names nobody rather than a client-chosen entry', () => {
    expect(clientIpFromHeaders({ 'x-forwarded-for': '10.0.0.2' }, 2)).toBeNull();
  });

  it('bounds what a forged header can put in a key', () => {
    expect(clientIpFromHeaders({ 'x-forwarded-for': 'x'.repeat(500) }, 1)).toHaveLength(64);
    expect(clientIpFromHeaders({ 'x-forwarded-for': ' , ' }, 1)).toBeNull();
  });
});
