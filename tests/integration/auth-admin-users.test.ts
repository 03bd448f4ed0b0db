import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEntries } from '@/lib/audit/audit-log';
import {
  AdminUserError,
  createAdminUser,
  disableAdminUser,
  enableAdminUser,
  findAdminByEmail,
  hasAnyAdmin,
  listAdminUsers,
  resetAdminPassword,
  verifyAdminPassword,
} from '@/lib/auth/admin-users';
import { decideOidcSignIn, issueAdminToken, refreshAdminToken } from '@/lib/auth/auth-options';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

let db: DeskbellDatabase;
const PASSWORD = 'violet kettle marches north';

beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.destroy();
});

describe('admin users', () => {
  it('creates an admin with a lower-cased email and a scrypt hash, and audits it without the password', async () => {
    expect(await hasAnyAdmin(db)).toBe(false);
    const user = await createAdminUser(db, { email: '  Ann@MSP.Example ', name: ' Ann ', password: PASSWORD }, 'cli');
    expect(user).toMatchObject({ email: 'ann@msp.example', name: 'Ann', hasPassword: true, disabledAt: null });
    expect(await hasAnyAdmin(db)).toBe(true);
    const row = await db.selectFrom('admin_users').selectAll().executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    const [entry] = await listAuditEntries(db);
    expect(entry).toMatchObject({ actor: 'cli', action: 'admin.user.created', target: 'ann@msp.example' });
    expect(JSON.stringify(entry)).not.toContain(PASSWORD);
  });

  it('refuses a duplicate email (any case), a bad email and a weak password, with clear messages', async () => {
    await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    await expect(createAdminUser(db, { email: 'ANN@msp.example', password: PASSWORD }, 'cli')).rejects.toThrow(/already exists/);
    await expect(createAdminUser(db, { email: 'not-an-email', password: PASSWORD }, 'cli')).rejects.toMatchObject({ field: 'email' });
    await expect(createAdminUser(db, { email: 'bob@msp.example', password: 'password1234' }, 'cli')).rejects.toThrow(AdminUserError);
    expect(await listAdminUsers(db)).toHaveLength(1);
  });

  it('verifies the password, any email case, and refuses wrong passwords, unknown and disabled users', async () => {
    await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    await createAdminUser(db, { email: 'bob@msp.example', password: `${PASSWORD} too` }, 'cli');
    expect(await verifyAdminPassword(db, 'ANN@msp.example', PASSWORD)).toMatchObject({ email: 'ann@msp.example' });
    expect(await verifyAdminPassword(db, 'ann@msp.example', `${PASSWORD}!`)).toBeNull();
    expect(await verifyAdminPassword(db, 'nobody@msp.example', PASSWORD)).toBeNull();
    await disableAdminUser(db, 'ann@msp.example', 'bob@msp.example');
    expect(await verifyAdminPassword(db, 'ann@msp.example', PASSWORD)).toBeNull();
    await enableAdminUser(db, 'ann@msp.example', 'bob@msp.example');
    expect(await verifyAdminPassword(db, 'ann@msp.example', PASSWORD)).not.toBeNull();
  });

  it('never disables the last enabled admin', async () => {
    await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    await expect(disableAdminUser(db, 'ann@msp.example', 'cli')).rejects.toThrow(/only enabled admin/);
    await expect(disableAdminUser(db, 'ghost@msp.example', 'cli')).rejects.toThrow(/No admin has the email/);
  });

  it('resets a password: the old one stops working, and the reset is audited without either', async () => {
    await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    await expect(resetAdminPassword(db, 'ann@msp.example', 'short', 'cli')).rejects.toThrow(/at least 12/);
    await resetAdminPassword(db, 'ann@msp.example', 'amber lantern over the bay', 'cli');
    expect(await verifyAdminPassword(db, 'ann@msp.example', PASSWORD)).toBeNull();
    expect(await verifyAdminPassword(db, 'ann@msp.example', 'amber lantern over the bay')).not.toBeNull();
    const log = JSON.stringify(await listAuditEntries(db));
    expect(log).toContain('admin.user.password_reset');
    expect(log).not.toContain('amber lantern');
  });

  it('ends a session at the next request once the admin is disabled', async () => {
    const ann = await createAdminUser(db, { email: 'ann@msp.example', name: 'Ann', password: PASSWORD }, 'cli');
    await createAdminUser(db, { email: 'bob@msp.example', password: `${PASSWORD} too` }, 'cli');
    const token = { ...issueAdminToken({}, ann), name: 'Old name' };
    await expect(refreshAdminToken(db, token)).resolves.toMatchObject({ sub: ann.id, name: 'Ann' });
    await disableAdminUser(db, ann.email, 'bob@msp.example');
    await expect(refreshAdminToken(db, token)).rejects.toThrow('AdminSessionEnded');
    await expect(refreshAdminToken(db, { email: ann.email })).rejects.toThrow('AdminSessionEnded');
  });
});

describe('decideOidcSignIn', () => {
  it('lets known admins in, turns away strangers and disabled admins', async () => {
    await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    await createAdminUser(db, { email: 'bob@msp.example', password: null }, 'cli');
    expect(await decideOidcSignIn(db, { email: 'bob@msp.example', name: 'Bob' }, [])).toMatchObject({ allowed: true, user: { email: 'bob@msp.example' } });
    expect(await decideOidcSignIn(db, { email: 'eve@elsewhere.example', name: null }, [])).toEqual({ allowed: false, reason: 'not_an_admin' });
    expect(await decideOidcSignIn(db, { email: null, name: null }, ['msp.example'])).toEqual({ allowed: false, reason: 'no_email' });
    await disableAdminUser(db, 'bob@msp.example', 'ann@msp.example');
    expect(await decideOidcSignIn(db, { email: 'bob@msp.example', name: 'Bob' }, ['msp.example'])).toEqual({ allowed: false, reason: 'disabled' });
  });

  it('admits an allowed domain by creating an OIDC-only admin, once', async () => {
    const first = await decideOidcSignIn(db, { email: 'carol@msp.example', name: 'Carol' }, ['msp.example']);
    expect(first).toMatchObject({ allowed: true, user: { email: 'carol@msp.example', hasPassword: false } });
    const again = await decideOidcSignIn(db, { email: 'carol@msp.example', name: 'Carol' }, ['msp.example']);
    expect(again).toMatchObject({ allowed: true });
    expect(await listAdminUsers(db)).toHaveLength(1);
    // An OIDC-only admin has no password to guess.
    expect(await verifyAdminPassword(db, 'carol@msp.example', '')).toBeNull();
    expect((await findAdminByEmail(db, 'carol@msp.example'))?.hasPassword).toBe(false);
    expect(await decideOidcSignIn(db, { email: 'mallory@msp.example.evil', name: null }, ['msp.example'])).toMatchObject({ allowed: false });
  });
});
