/**
 * Admin session lifetime and sign-out on a password reset, through next-auth's own JWT
 * encoding and the jwt callback Deskbell gives it, against a real SQLite database.
 */
import { randomBytes } from 'node:crypto';
import type { Account, NextAuthOptions, User } from 'next-auth';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminUser, resetAdminPassword } from '@/lib/auth/admin-users';
import { buildAuthOptions, issueAdminToken, refreshAdminToken, SESSION_MAX_AGE_SECONDS } from '@/lib/auth/auth-options';
import { parseServerEnv } from '@/lib/env';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

const PASSWORD = 'violet kettle marches north';
const TWELVE_HOURS = 12 * 60 * 60;
let db: DeskbellDatabase;
let options: NextAuthOptions;

beforeEach(async () => {
  db = await openTestDatabase();
  options = buildAuthOptions(parseServerEnv({ DESKBELL_SECRET_KEY: randomBytes(32).toString('base64') }), async () => db);
});
afterEach(async () => {
  await db.destroy();
});

type JwtCallback = (params: { token: JWT; user?: User; account?: Account | null }) => Promise<JWT>;
const jwtCallback = () => options.callbacks!.jwt as unknown as JwtCallback;

/** What next-auth does right after a credentials sign-in: the jwt callback with the user, then encode. */
async function signIn(id: string, email: string): Promise<string> {
  const token = await jwtCallback()({ token: {}, user: { id, email }, account: { provider: 'credentials', type: 'credentials', providerAccountId: id } });
  return encode({ token, secret: options.secret!, maxAge: options.jwt!.maxAge });
}

/** What next-auth does on every session read: decode, then the jwt callback without a user. */
async function readSession(cookie: string): Promise<JWT> {
  const token = await decode({ token: cookie, secret: options.secret! });
  if (!token) throw new Error('JWT invalid');
  return jwtCallback()({ token });
}

describe('admin session lifetime', () => {
  it('the token itself lives 12 hours, like the cookie, not next-auth\u2019s default 30 days', async () => {
    expect(SESSION_MAX_AGE_SECONDS).toBe(TWELVE_HOURS);
    expect(options.session?.maxAge).toBe(TWELVE_HOURS);
    expect(options.jwt?.maxAge).toBe(TWELVE_HOURS);
    const ann = await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    const decoded = await decode({ token: await signIn(ann.id, ann.email), secret: options.secret! });
    expect(Number(decoded?.exp) - Number(decoded?.iat)).toBe(TWELVE_HOURS);
  });

  it('renewals do not stretch a session past 12 hours after its sign-in', async () => {
    const ann = await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    const signedInAt = Date.parse('2026-03-01T08:00:00Z');
    const token = issueAdminToken({}, ann, () => signedInAt);
    await expect(refreshAdminToken(db, token, () => signedInAt + 11 * 3600_000)).resolves.toMatchObject({ sub: ann.id });
    await expect(refreshAdminToken(db, token, () => signedInAt + 12 * 3600_000)).rejects.toThrow('AdminSessionEnded');
  });

  it('a token from before session generations (no gen, no sign-in time) is ended', async () => {
    const ann = await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    await expect(refreshAdminToken(db, { sub: ann.id, email: ann.email })).rejects.toThrow('AdminSessionEnded');
  });
});

describe('password reset ends sessions', () => {
  it('every session of that admin ends at its next request; other admins stay signed in; a new sign-in works', async () => {
    const ann = await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    const bob = await createAdminUser(db, { email: 'bob@msp.example', password: `${PASSWORD} too` }, 'cli');
    const laptop = await signIn(ann.id, ann.email);
    const phone = await signIn(ann.id, ann.email);
    const bobs = await signIn(bob.id, bob.email);
    await expect(readSession(laptop)).resolves.toMatchObject({ sub: ann.id, gen: 0 });

    await resetAdminPassword(db, ann.email, 'amber lantern over the bay', 'cli');
    await expect(readSession(laptop)).rejects.toThrow('AdminSessionEnded');
    await expect(readSession(phone)).rejects.toThrow('AdminSessionEnded');
    await expect(readSession(bobs)).resolves.toMatchObject({ sub: bob.id });

    const fresh = await signIn(ann.id, ann.email);
    await expect(readSession(fresh)).resolves.toMatchObject({ sub: ann.id, gen: 1 });
  });
});
