import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { createAdminUser, hasAnyAdmin } from '@/lib/auth/admin-users';
import { consumeSetupCode, createFirstAdmin, issueSetupCode, SETUP_CODE_SETTING } from '@/lib/auth/setup-code';
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

const storedRows = () => db.selectFrom('settings').selectAll().where('key', '=', SETUP_CODE_SETTING).execute();

describe('setup code', () => {
  it('stores only a hash, and works once', async () => {
    const code = (await issueSetupCode(db))!;
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const [row] = await storedRows();
    expect(row?.value).not.toContain(code);
    expect(row?.value).not.toContain(code.replace(/-/g, ''));
    expect(await consumeSetupCode(db, code.toLowerCase().replace(/-/g, ' '))).toBe(true);
    expect(await consumeSetupCode(db, code)).toBe(false);
  });

  it('is replaced at every start: the previous code stops working', async () => {
    const old = (await issueSetupCode(db))!;
    const fresh = (await issueSetupCode(db))!;
    expect(await consumeSetupCode(db, old)).toBe(false);
    expect(await consumeSetupCode(db, fresh)).toBe(true);
  });

  it('is not issued (and any old one is forgotten) once an admin exists', async () => {
    await issueSetupCode(db);
    await createAdminUser(db, { email: 'ann@msp.example', password: PASSWORD }, 'cli');
    expect(await issueSetupCode(db)).toBeNull();
    expect(await storedRows()).toEqual([]);
  });

  it('refuses a wrong code and a code of the wrong shape', async () => {
    await issueSetupCode(db);
    expect(await consumeSetupCode(db, 'AAAA-BBBB-CCCC')).toBe(false);
    expect(await consumeSetupCode(db, '')).toBe(false);
    expect(await storedRows()).toHaveLength(1);
  });
});

describe('createFirstAdmin', () => {
  it('creates the first admin with the code, audited as the setup code', async () => {
    const code = (await issueSetupCode(db))!;
    const user = await createFirstAdmin(db, { setupCode: code, email: 'Ann@MSP.example', name: 'Ann', password: PASSWORD });
    expect(user).toMatchObject({ email: 'ann@msp.example', name: 'Ann' });
    expect(await storedRows()).toEqual([]);
    const [entry] = await listAuditEntries(db);
    expect(entry).toMatchObject({ actor: 'setup-code', action: 'admin.user.created' });
    expect(JSON.stringify(entry)).not.toContain(code);
  });

  it('does not burn the code on a weak password or a bad email', async () => {
    const code = (await issueSetupCode(db))!;
    await expect(createFirstAdmin(db, { setupCode: code, email: 'ann@msp.example', password: 'password1234' })).rejects.toThrow(/attacker/);
    await expect(createFirstAdmin(db, { setupCode: code, email: 'ann', password: PASSWORD })).rejects.toThrow(/valid email/);
    expect(await hasAnyAdmin(db)).toBe(false);
    await expect(createFirstAdmin(db, { setupCode: code, email: 'ann@msp.example', password: PASSWORD })).resolves.toBeTruthy();
  });

  it('refuses a wrong code, and any second "first" admin', async () => {
    const code = (await issueSetupCode(db))!;
    await expect(createFirstAdmin(db, { setupCode: 'AAAA-BBBB-CCCC', email: 'ann@msp.example', password: PASSWORD })).rejects.toThrow(/not valid/);
    await createFirstAdmin(db, { setupCode: code, email: 'ann@msp.example', password: PASSWORD });
    await expect(createFirstAdmin(db, { setupCode: code, email: 'eve@msp.example', password: PASSWORD })).rejects.toThrow(/already exists/);
  });

  it('lets only one of two racing requests with the same code through', async () => {
    const code = (await issueSetupCode(db))!;
    const results = await Promise.allSettled([
      createFirstAdmin(db, { setupCode: code, email: 'ann@msp.example', password: PASSWORD }),
      createFirstAdmin(db, { setupCode: code, email: 'eve@msp.example', password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await db.selectFrom('admin_users').select('email').execute()).toHaveLength(1);
  });
});
