/**
 * Sign-in throttling through the real credentials authorize() Deskbell gives next-auth, with the
 * headers a browser or proxy would send, against a real SQLite database: a stranger who knows
 * an admin's email cannot lock that admin out, while the stranger stays throttled, and a
 * client-chosen X-Forwarded-For buys nothing when no proxy is trusted.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { createAdminUser } from '@/lib/auth/admin-users';
import { buildAuthOptions } from '@/lib/auth/auth-options';
import { KNOWN_DEVICE_COOKIE } from '@/lib/auth/known-device';
import { parseServerEnv } from '@/lib/env';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

const ANN = 'ann@msp.example';
const PASSWORD = 'violet kettle marches north';
const secretKey = randomBytes(32).toString('base64');
let db: DeskbellDatabase;

type Authorize = (raw: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string } | null>;
type Attempt = { email?: string; password: string; xff?: string; cookie?: string };
type Outcome = { result: 'signed-in'; device: string } | { result: 'refused' } | { result: 'locked' };

/** One sign-in form post, as next-auth hands it to authorize(); answers what the form would show. */
function signInAs(trustProxy: number, env: Record<string, string> = {}): (attempt: Attempt) => Promise<Outcome> {
  let remembered: string | null = null;
  const options = buildAuthOptions(parseServerEnv({ DESKBELL_SECRET_KEY: secretKey, TRUST_PROXY: String(trustProxy), ...env }), async () => db, async (value) => {
    remembered = value;
  });
  const provider = options.providers.find((p) => p.id === 'credentials') as unknown as { options: { authorize: Authorize } };
  return async ({ email = ANN, password, xff, cookie }) => {
    remembered = null;
    const headers: Record<string, string> = {};
    if (xff) headers['x-forwarded-for'] = xff;
    if (cookie) headers.cookie = `other=1; ${KNOWN_DEVICE_COOKIE}=${cookie}`;
    try {
      const user = await provider.options.authorize({ email, password }, { headers });
      if (!user) return { result: 'refused' };
      expect(remembered).not.toBeNull();
      return { result: 'signed-in', device: remembered! };
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('TooManyAttempts:')) return { result: 'locked' };
      throw error;
    }
  };
}

async function failFiveTimes(attempt: (a: Attempt) => Promise<Outcome>, from: Omit<Attempt, 'password'> = {}, xffEach?: (i: number) => string) {
  for (let i = 0; i < 5; i += 1) {
    expect(await attempt({ ...from, password: `wrong guess ${i}`, ...(xffEach ? { xff: xffEach(i) } : {}) })).toEqual({ result: 'refused' });
  }
}

beforeEach(async () => {
  db = await openTestDatabase();
  await createAdminUser(db, { email: ANN, password: PASSWORD }, 'cli');
});
afterEach(async () => {
  await db.destroy();
});

describe('without a trusted proxy (TRUST_PROXY=0)', () => {
  it('a stranger hammering the email is locked, and a new X-Forwarded-For on every try does not reset the count', async () => {
    const attempt = signInAs(0);
    await failFiveTimes(attempt, {}, (i) => `203.0.113.${i}`);
    expect(await attempt({ password: PASSWORD, xff: '198.51.100.200' })).toEqual({ result: 'locked' });
    expect(await attempt({ password: 'another guess', xff: '192.0.2.1' })).toEqual({ result: 'locked' });
    const log = JSON.stringify(await listAuditEntries(db));
    expect(log).toContain('admin.signin.failed');
    expect(log).not.toContain('wrong guess');
  });

  it('the real admin on a device they signed in from before still gets in while the stranger is locked', async () => {
    const attempt = signInAs(0);
    const first = await attempt({ password: PASSWORD });
    if (first.result !== 'signed-in') throw new Error('expected a sign-in');
    await failFiveTimes(attempt, {}, (i) => `6.6.6.${i}`);
    expect(await attempt({ password: PASSWORD })).toEqual({ result: 'locked' });
    expect(await attempt({ password: PASSWORD, cookie: first.device })).toMatchObject({ result: 'signed-in' });
  });

  it('a known device has a count of its own: its own failures lock it', async () => {
    const attempt = signInAs(0);
    const first = await attempt({ password: PASSWORD });
    if (first.result !== 'signed-in') throw new Error('expected a sign-in');
    await failFiveTimes(attempt, { cookie: first.device });
    expect(await attempt({ password: PASSWORD, cookie: first.device })).toEqual({ result: 'locked' });
  });

  it('a forged cookie, or one issued for another admin, is no exemption', async () => {
    await createAdminUser(db, { email: 'mallory@msp.example', password: `${PASSWORD} too` }, 'cli');
    const attempt = signInAs(0);
    const mallorys = await attempt({ email: 'mallory@msp.example', password: `${PASSWORD} too` });
    if (mallorys.result !== 'signed-in') throw new Error('expected a sign-in');
    await failFiveTimes(attempt, { cookie: mallorys.device });
    expect(await attempt({ password: PASSWORD, cookie: mallorys.device })).toEqual({ result: 'locked' });
    const forged = `${mallorys.device.slice(0, -4)}AAAA`;
    expect(await attempt({ password: PASSWORD, cookie: forged })).toEqual({ result: 'locked' });
  });
});

describe('behind one trusted proxy (TRUST_PROXY=1)', () => {
  it('a stranger locks only their own address: the admin on another address signs in', async () => {
    const attempt = signInAs(1);
    await failFiveTimes(attempt, { xff: '198.51.100.66' });
    expect(await attempt({ password: PASSWORD, xff: '198.51.100.66' })).toEqual({ result: 'locked' });
    // The stranger's own claim comes first; the proxy appends the address it saw.
    expect(await attempt({ password: PASSWORD, xff: '203.0.113.9, 198.51.100.66' })).toEqual({ result: 'locked' });
    expect(await attempt({ password: PASSWORD, xff: '203.0.113.9' })).toMatchObject({ result: 'signed-in' });
  });

  it('a guesser spread over many addresses hits the per-email ceiling; known devices keep working', async () => {
    // Two failures per client make a ceiling of 20 (ten times), which keeps this test short.
    const attempt = signInAs(1, { LOGIN_MAX_FAILURES: '2' });
    const first = await attempt({ password: PASSWORD, xff: '203.0.113.9' });
    if (first.result !== 'signed-in') throw new Error('expected a sign-in');
    for (let i = 0; i < 20; i += 1) expect(await attempt({ password: `guess ${i}`, xff: `10.1.0.${i}` })).toEqual({ result: 'refused' });
    expect(await attempt({ password: PASSWORD, xff: '10.9.9.9' })).toEqual({ result: 'locked' });
    expect(await attempt({ password: PASSWORD, xff: '203.0.113.9', cookie: first.device })).toMatchObject({ result: 'signed-in' });
  });

  it('an address spraying many emails is locked for every email', async () => {
    const attempt = signInAs(1);
    for (let i = 0; i < 5; i += 1) await attempt({ email: `user${i}@msp.example`, password: PASSWORD, xff: '192.0.2.50' });
    expect(await attempt({ password: PASSWORD, xff: '192.0.2.50' })).toEqual({ result: 'locked' });
    expect(await attempt({ password: PASSWORD, xff: '192.0.2.51' })).toMatchObject({ result: 'signed-in' });
  });
});
