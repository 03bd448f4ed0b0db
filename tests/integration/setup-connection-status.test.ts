/**
 * The wizard's connection step shows the SAVED connection's health: an unsaved "Test connection"
 * (or a refused save) answers the caller and leaves the step as it was; a save or a re-check of
 * the saved connection changes it. Real simulator over HTTP, real SQLite.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import { checkManageConnection, saveTestedManageConnection } from '@/lib/setup/connection-test';
import { readSetupCheck } from '@/lib/setup/setup-checks';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';

const ADMIN = 'admin@msp.example';
let sim: ManageSim;
let db: DeskbellDatabase;

const key = (overrides: Partial<ManageSim['credentials']> = {}) => {
  const c = { ...sim.credentials, ...overrides };
  return `${c.companyId}+${c.publicKey}:${c.privateKey}`;
};
const goodForm = () => ({ endpoint: sim.endpoint, apiKey: key(), clientId: sim.credentials.clientId });
const wrongKeyForm = () => ({ ...goodForm(), apiKey: key({ privateKey: 'WrongPrivate9999' }) });
const connectionStep = async () => (await loadWizardStatus(db)).steps.find((s) => s.id === 'connection');

beforeAll(async () => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID', 'DESKBELL_PUBLIC_URL']) vi.stubEnv(name, undefined);
  sim = await startManageSim({ port: 0 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  db = await openTestDatabase();
});

afterEach(async () => {
  await db.destroy();
});

describe('connection step status', () => {
  it('with nothing saved, neither a failing nor a passing unsaved test changes the step', async () => {
    const failed = await checkManageConnection(db, wrongKeyForm());
    expect(failed.ok).toBe(false);
    expect(await readSetupCheck(db, 'connection')).toBeUndefined();
    expect(await connectionStep()).toMatchObject({ state: 'todo' });

    const passed = await checkManageConnection(db, goodForm());
    expect(passed.ok).toBe(true);
    expect(await readSetupCheck(db, 'connection')).toBeUndefined();
    expect(await connectionStep()).toMatchObject({ state: 'todo' });
  });

  it('a refused save (wrong key, not saved) leaves the step as it was', async () => {
    const refused = await saveTestedManageConnection(db, wrongKeyForm(), ADMIN);
    expect(refused.saved).toBe(false);
    expect(await connectionStep()).toMatchObject({ state: 'todo' });
  });

  it('after a good save, testing a wrong key does not mark the saved connection failing', async () => {
    expect((await saveTestedManageConnection(db, goodForm(), ADMIN)).saved).toBe(true);
    const before = await readSetupCheck(db, 'connection');
    expect(before?.ok).toBe(true);
    expect(await connectionStep()).toMatchObject({ state: 'done' });

    const tested = await checkManageConnection(db, wrongKeyForm());
    expect(tested.ok).toBe(false);
    expect(await readSetupCheck(db, 'connection')).toEqual(before);
    expect(await connectionStep()).toMatchObject({ state: 'done' });

    const refused = await saveTestedManageConnection(db, wrongKeyForm(), ADMIN);
    expect(refused.saved).toBe(false);
    expect(await readSetupCheck(db, 'connection')).toEqual(before);
    expect(await connectionStep()).toMatchObject({ state: 'done' });
  });

  it('a re-check of the saved connection (typed in full, or with empty fields) does change it', async () => {
    expect((await saveTestedManageConnection(db, goodForm(), ADMIN)).saved).toBe(true);
    const realPrivate = sim.credentials.privateKey;
    // The key is revoked in Manage: the saved connection really fails now.
    sim.credentials.privateKey = 'RevokedInManage01';
    try {
      const recheck = await checkManageConnection(db, { endpoint: sim.endpoint, apiKey: '', clientId: '' });
      expect(recheck.ok).toBe(false);
      expect(await connectionStep()).toMatchObject({ state: 'failing' });
    } finally {
      sim.credentials.privateKey = realPrivate;
    }
    // Typed in full, with the endpoint spelled with a trailing slash: still the saved connection.
    const again = await checkManageConnection(db, { ...goodForm(), endpoint: `${sim.endpoint}/` });
    expect(again.ok).toBe(true);
    expect(await connectionStep()).toMatchObject({ state: 'done' });
  });

  it('a saved-anyway connection that fails is shown failing', async () => {
    const anyway = await saveTestedManageConnection(db, { ...wrongKeyForm(), saveAnyway: true }, ADMIN);
    expect(anyway.saved).toBe(true);
    expect(await connectionStep()).toMatchObject({ state: 'failing' });
  });
});
