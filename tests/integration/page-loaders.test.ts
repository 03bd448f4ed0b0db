/**
 * The lib functions pages call instead of reaching the store (app -> lib -> store): each
 * resolves the app database itself. Real SQLite; only the app database's location is replaced.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordAudit } from '@/lib/audit/audit-log';
import { loadAuditPage } from '@/lib/audit/audit-page';
import { isFirstRun, loadAdminNames } from '@/lib/auth/admin-pages';
import { createAdminUser } from '@/lib/auth/admin-users';
import { createFirstAdminThrottled } from '@/lib/auth/first-admin';
import { issueSetupCode } from '@/lib/auth/setup-code';
import { loadDemoManageSite, loadManageApiOrigin } from '@/lib/manage-client/demo-manage';
import { loadNotificationsPage } from '@/lib/notifications/notifications-page';
import { DEFAULT_NOTIFICATION_SETTINGS } from '@/lib/notifications/templates';
import { loadPressDashboard } from '@/lib/presses/admin-pages';
import { loadDefaultsStepPage, loadWizardPage } from '@/lib/setup/wizard-pages';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

const state = vi.hoisted(() => ({ db: null as unknown }));

vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

let db: DeskbellDatabase;
const STRONG = 'correct horse battery staple 42';

beforeEach(async () => {
  db = await openTestDatabase();
  state.db = db;
});

afterEach(async () => {
  await db.destroy();
});

describe('the first admin', () => {
  it('is created with the setup code, after which it is no longer the first run', async () => {
    const code = (await issueSetupCode(db))!;
    expect(await isFirstRun()).toBe(true);
    const created = await createFirstAdminThrottled({ setupCode: code, email: 'Ada@MSP.example', name: 'Ada', password: STRONG }, {});
    expect(created).toEqual({ ok: true, email: 'ada@msp.example' });
    expect(await isFirstRun()).toBe(false);
  });

  it('names the field at fault and keeps the code for a weak password', async () => {
    const code = (await issueSetupCode(db))!;
    const weak = await createFirstAdminThrottled({ setupCode: code, email: 'ada@msp.example', password: 'short' }, {});
    expect(weak).toMatchObject({ ok: false, field: 'password' });
    expect(await createFirstAdminThrottled({ setupCode: code, email: 'ada@msp.example', password: STRONG }, {})).toMatchObject({ ok: true });
  });

  it('locks guessing after the allowed failures, even for the right code', async () => {
    const code = (await issueSetupCode(db))!;
    for (let i = 0; i < 5; i += 1) {
      const guess = await createFirstAdminThrottled({ setupCode: 'AAAA-BBBB-CCCC', email: 'ada@msp.example', password: STRONG }, {});
      expect(guess).toMatchObject({ ok: false, field: 'setupCode', message: expect.stringContaining('not valid') });
    }
    const right = await createFirstAdminThrottled({ setupCode: code, email: 'ada@msp.example', password: STRONG }, {});
    expect(right).toMatchObject({ ok: false, field: 'setupCode', message: expect.stringContaining('Too many attempts') });
    expect(await isFirstRun()).toBe(true);
  });
});

describe('the audit log page', () => {
  it('pages newest first with a cursor, and names admins who have a name', async () => {
    await createAdminUser(db, { email: 'ada@msp.example', name: 'Ada', password: STRONG }, 'test');
    await createAdminUser(db, { email: 'bob@msp.example', name: null, password: STRONG }, 'test');
    for (let i = 0; i < 49; i += 1) await recordAudit(db, { actor: 'ada@msp.example', action: 'test.step', target: String(i) });
    // 2 admin creations + 49 steps = 51 entries: one more than a page.
    const first = await loadAuditPage(undefined);
    expect(first.entries).toHaveLength(50);
    expect(first.olderCursor).toBe(first.entries.at(-1)!.id);
    const older = await loadAuditPage(first.olderCursor);
    expect(older.entries).toHaveLength(1);
    expect(older.olderCursor).toBeUndefined();
    expect(new Set([...first.entries, ...older.entries].map((e) => e.id)).size).toBe(51);
    expect(await loadAdminNames()).toEqual(new Map([['ada@msp.example', 'Ada']]));
  });
});

describe('the notifications page', () => {
  it('shows the defaults, and says so when the stored settings no longer fit', async () => {
    const fresh = await loadNotificationsPage();
    expect(fresh.data.settings).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    expect(fresh.data.loadProblem).toBeNull();
    expect(fresh.recent).toEqual([]);
    await db.insertInto('settings').values({ key: 'notifications.settings', value: '{"enabled":"sometimes"}', updated_at: new Date().toISOString() }).execute();
    const broken = await loadNotificationsPage();
    expect(broken.data.settings).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    expect(broken.data.loadProblem).toMatch(/notifications\.settings is invalid/);
  });
});

describe('pages before Manage is connected', () => {
  it('the wizard, the defaults step, the dashboard and the demo host say what is missing', async () => {
    const { status } = await loadWizardPage();
    expect(status.steps.find((s) => s.id === 'connection')?.state).not.toBe('done');
    const defaults = await loadDefaultsStepPage();
    expect(defaults.data).toBeNull();
    expect(defaults.problem).toEqual(expect.any(String));
    expect(await loadPressDashboard({ limit: 50 })).toEqual({ empty: true });
    expect(await loadDemoManageSite()).toBeNull();
    expect(await loadManageApiOrigin()).toBeNull();
  });
});
