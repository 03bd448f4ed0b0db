import { describe, expect, it } from 'vitest';
import { applyFailure, clientIpFromHeaders, evaluateThrottle, minutesUntil, throttleKeys, type ThrottleState } from '@/lib/auth/login-throttle';

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

  it('keys by lower-cased email and by address', () => {
    expect(throttleKeys(' Dana@Acme.Example ', '203.0.113.9')).toEqual(['email:dana@acme.example', 'ip:203.0.113.9']);
    expect(throttleKeys('dana@acme.example', null)).toEqual(['email:dana@acme.example']);
  });
});

describe('clientIpFromHeaders', () => {
  it('takes the address the nearest trusted proxy appended, not what the client claimed', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.2' };
    expect(clientIpFromHeaders(headers, 1)).toBe('10.0.0.2');
    expect(clientIpFromHeaders(headers, 2)).toBe('198.51.100.7');
  });

  it('without trusted proxies uses the address Next.js recorded for the connection', () => {
    expect(clientIpFromHeaders({ 'x-forwarded-for': '127.0.0.1' }, 0)).toBe('127.0.0.1');
    expect(clientIpFromHeaders({}, 0)).toBeNull();
  });

  it('bounds what a forged header can put in a key', () => {
    expect(clientIpFromHeaders({ 'x-forwarded-for': 'x'.repeat(500) }, 0)).toHaveLength(64);
    expect(clientIpFromHeaders({ 'x-forwarded-for': ' , ' }, 0)).toBeNull();
  });
});
