import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getSystemInfo } from '@/lib/connectwise';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';

// serverEnv() is read once per module instance: the environment is set before anything reads it.
const secretKey = randomBytes(32).toString('base64');
let simA: ManageSim;
let simB: ManageSim;
let db: DeskbellDatabase;

type Modules = {
  connection: typeof import('@/lib/settings/manage-connection');
  context: typeof import('@/lib/manage-client/manage-context');
  secrets: typeof import('@/lib/secrets/secret-box');
};

/** A fresh copy of the modules under test, reading `env` as the process environment. */
async function loadModules(env: Record<string, string | undefined>): Promise<Modules> {
  vi.unstubAllEnvs();
  for (const key of ['DESKBELL_SECRET_KEY', 'DESKBELL_DEMO', 'DESKBELL_DATA_DIR', 'MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID']) {
    vi.stubEnv(key, env[key]);
  }
  vi.resetModules();
  return {
    connection: await import('@/lib/settings/manage-connection'),
    context: await import('@/lib/manage-client/manage-context'),
    secrets: await import('@/lib/secrets/secret-box'),
  };
}

const keyOf = (sim: ManageSim, privateKey = sim.credentials.privateKey) =>
  `${sim.credentials.companyId}+${sim.credentials.publicKey}:${privateKey}`;
const inputFor = (sim: ManageSim, privateKey?: string) => ({
  endpoint: `${sim.url}/v4_6_release`,
  apiKey: keyOf(sim, privateKey),
  clientId: sim.credentials.clientId,
});
const envFor = (sim: ManageSim) => ({
  MANAGE_ENDPOINT: `${sim.url}/v4_6_release`,
  MANAGE_API_KEY: keyOf(sim),
  MANAGE_CLIENT_ID: sim.credentials.clientId,
});

beforeAll(async () => {
  simA = await startManageSim({ port: 0, seed: 'demo' });
  simB = await startManageSim({ port: 0, seed: 'demo' });
});
afterAll(async () => {
  await simA.close();
  await simB.close();
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  db = await openTestDatabase();
  return () => db.destroy();
});

describe('saveManageConnection', () => {
  it('keeps the private key and clientId out of the database in clear, and out of the audit log', async () => {
    const { connection } = await loadModules({ DESKBELL_SECRET_KEY: secretKey });
    await connection.saveManageConnection(db, inputFor(simA), 'ann@msp.example');

    const rows = await db.selectFrom('settings').selectAll().execute();
    const raw = JSON.stringify(rows);
    expect(raw).toContain(simA.credentials.publicKey);
    expect(raw).not.toContain(simA.credentials.privateKey);
    expect(raw).not.toContain(simA.credentials.clientId);
    expect(raw).not.toContain(simA.credentials.clientId.replace(/-/g, ''));
    expect(JSON.parse(rows[0]!.value)).toMatchObject({ privateKeySealed: expect.stringMatching(/^v1\./), clientIdSealed: expect.stringMatching(/^v1\./) });

    const audit = await db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'ann@msp.example', action: 'manage.connection.saved' });
    expect(JSON.parse(audit[0]!.details!)).toEqual({
      endpoint: `${simA.url}/v4_6_release`,
      companyId: simA.credentials.companyId,
      publicKey: simA.credentials.publicKey,
      privateKeyChanged: true,
      clientIdChanged: true,
    });
    expect(JSON.stringify(audit)).not.toContain(simA.credentials.privateKey);
    expect(JSON.stringify(audit)).not.toContain(simA.credentials.clientId);
  });

  it('records whether the secrets changed on a later save, still without them', async () => {
    const { connection } = await loadModules({ DESKBELL_SECRET_KEY: secretKey });
    await connection.saveManageConnection(db, inputFor(simA), 'ann@msp.example');
    await connection.saveManageConnection(db, inputFor(simA), 'ann@msp.example');
    await connection.saveManageConnection(db, inputFor(simA, 'AnotherPrivKey99'), 'ann@msp.example');
    const details = (await db.selectFrom('audit_log').select('details').orderBy('at').execute()).map((r) => JSON.parse(r.details!));
    expect(details.map((d) => [d.privateKeyChanged, d.clientIdChanged])).toEqual([[true, true], [false, false], [true, false]]);
  });

  it('refuses malformed input with the adapter\'s message, naming the field, and stores nothing', async () => {
    const { connection } = await loadModules({ DESKBELL_SECRET_KEY: secretKey });
    await expect(connection.saveManageConnection(db, { ...inputFor(simA), apiKey: 'deskbell_demo+DemoPubKey000001' }, 'ann')).rejects.toMatchObject({
      name: 'ManageConnectionInputError',
      problem: { field: 'apiKey', code: 'ApiKeyMissingColon' },
    });
    await expect(connection.saveManageConnection(db, { ...inputFor(simA), clientId: '' }, 'ann')).rejects.toMatchObject({ problem: { field: 'clientId' } });
    await expect(connection.saveManageConnection(db, { ...inputFor(simA), endpoint: 'http://manage.example.com' }, 'ann')).rejects.toMatchObject({
      problem: { code: 'EndpointInsecureHttp' },
    });
    expect(await db.selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('without DESKBELL_SECRET_KEY refuses to save, says what to set, and still reads the env pre-seed', async () => {
    const { connection } = await loadModules({ ...envFor(simA) });
    await expect(connection.saveManageConnection(db, inputFor(simB), 'ann')).rejects.toThrow(/Set DESKBELL_SECRET_KEY/);
    expect(await db.selectFrom('settings').selectAll().execute()).toEqual([]);
    expect(await connection.loadManageConnection(db)).toMatchObject({ configured: true, options: { baseUrl: simA.baseUrl } });
  });

  it('in demo mode seals with the generated key', async () => {
    const dataDir = `/tmp/deskbell-demo-key-${process.pid}-${Date.now()}`;
    const { connection } = await loadModules({ DESKBELL_DEMO: '1', DESKBELL_DATA_DIR: dataDir });
    try {
      await connection.saveManageConnection(db, inputFor(simA), 'demo');
      expect(await connection.loadManageConnection(db)).toMatchObject({ configured: true, options: { privateKey: simA.credentials.privateKey } });
    } finally {
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('loadManageConnection', () => {
  it('uses the environment until a connection is saved, then the saved one', async () => {
    const { connection } = await loadModules({ DESKBELL_SECRET_KEY: secretKey, ...envFor(simA) });
    expect(await connection.loadManageConnection(db)).toMatchObject({ configured: true, options: { baseUrl: simA.baseUrl } });
    await connection.saveManageConnection(db, inputFor(simB), 'ann');
    expect(await connection.loadManageConnection(db)).toMatchObject({
      configured: true,
      options: { baseUrl: simB.baseUrl, privateKey: simB.credentials.privateKey, clientId: simB.credentials.clientId, apiVersion: '2026.11' },
    });
  });

  it('says what is missing when neither the database nor the environment has a connection', async () => {
    const { connection } = await loadModules({ DESKBELL_SECRET_KEY: secretKey });
    expect(await connection.loadManageConnection(db)).toEqual({ configured: false, missing: ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID'] });
  });

  it('reports a changed or missing DESKBELL_SECRET_KEY instead of using garbage, never quoting the secret', async () => {
    const first = await loadModules({ DESKBELL_SECRET_KEY: secretKey });
    await first.connection.saveManageConnection(db, inputFor(simA), 'ann');

    const otherKey = await loadModules({ DESKBELL_SECRET_KEY: randomBytes(32).toString('hex'), ...envFor(simB) });
    const unreadable = await otherKey.connection.loadManageConnection(db);
    expect(unreadable).toMatchObject({ configured: false, problem: { code: 'SecretUnreadable', message: expect.stringMatching(/Enter the Manage connection again/) } });
    expect(JSON.stringify(unreadable)).not.toContain(simA.credentials.privateKey);

    const noKey = await loadModules({});
    expect(await noKey.connection.loadManageConnection(db)).toMatchObject({ configured: false, problem: { code: 'SecretKeyMissing' } });
  });
});

describe('describeManageConnection', () => {
  it('shows what admins may see: the env pre-seed, then the saved connection; never the private key or whole clientId', async () => {
    const { connection } = await loadModules({ DESKBELL_SECRET_KEY: secretKey, ...envFor(simA) });
    expect(await connection.describeManageConnection(db)).toMatchObject({ source: 'environment', endpoint: `${simA.url}/v4_6_release` });
    await connection.saveManageConnection(db, inputFor(simB), 'ann');
    const shown = await connection.describeManageConnection(db);
    expect(shown).toEqual({
      endpoint: `${simB.url}/v4_6_release`,
      origin: new URL(simB.url).origin,
      companyId: simB.credentials.companyId,
      publicKey: simB.credentials.publicKey,
      hasPrivateKey: true,
      clientIdHint: simB.credentials.clientId.slice(-4),
      apiVersion: '2026.11',
      updatedAt: expect.any(String),
      source: 'database',
    });
    expect(JSON.stringify(shown)).not.toContain(simB.credentials.privateKey);
    expect(JSON.stringify(shown)).not.toContain(simB.credentials.clientId);
  });
});

describe('getAppManageContext', () => {
  it('builds a new client when the saved connection changes: the next call after a save uses it, no restart', async () => {
    const { connection, context } = await loadModules({ DESKBELL_SECRET_KEY: secretKey });
    expect(await context.getAppManageContext(db)).toMatchObject({ ok: false, reason: expect.stringContaining('MANAGE_ENDPOINT') });

    // A wrong private key first, as an admin might type it: Manage refuses it.
    await connection.saveManageConnection(db, inputFor(simA, 'WrongPrivKey0001'), 'ann');
    const wrong = await context.getAppManageContext(db);
    if (!wrong.ok) throw new Error(wrong.reason);
    // The modules were loaded afresh, so the error class is not this file's ManageError.
    await expect(getSystemInfo(wrong.context.client)).rejects.toMatchObject({ name: 'ManageError', status: 401 });

    await connection.saveManageConnection(db, inputFor(simA), 'ann');
    const right = await context.getAppManageContext(db);
    if (!right.ok) throw new Error(right.reason);
    expect(right.context).not.toBe(wrong.context);
    await expect(getSystemInfo(right.context.client)).resolves.toMatchObject({ version: expect.any(String) });
    const same = await context.getAppManageContext(db);
    expect(same.ok && same.context).toBe(right.context);

    simB.clearRequests();
    await connection.saveManageConnection(db, inputFor(simB), 'ann');
    const moved = await context.getAppManageContext(db);
    if (!moved.ok) throw new Error(moved.reason);
    expect(moved.context).not.toBe(right.context);
    await getSystemInfo(moved.context.client);
    expect(simB.requests().some((r) => r.path.endsWith('/system/info'))).toBe(true);
    await moved.context.client.close();
  });
});
