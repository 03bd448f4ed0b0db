import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManageClientOptions } from '@/lib/connectwise';
import { findNamespaceWrapper } from '@/lib/rules/engine/sandbox-paths';
import { checkHealth } from '@/lib/health';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';

let sim: ManageSim;
let db: DeskbellDatabase;
let options: ManageClientOptions;

beforeAll(async () => {
  sim = await startManageSim({ port: 0, seed: 'demo' });
  db = await openTestDatabase();
  options = { baseUrl: sim.baseUrl, ...sim.credentials, apiVersion: '2026.11' };
});

afterAll(async () => {
  await db.destroy();
  await sim.close();
});

const connected = () => ({ configured: true as const, options });

describe('checkHealth', () => {
  it('is ok with a working database and Manage, and names the Manage version', async () => {
    const report = await checkHealth({ database: async () => db, manageConnection: connected });
    expect(report.status).toBe('ok');
    expect(report.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report.database.status).toBe('ok');
    expect(report.manage).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^Manage /) });
  });

  it('says how the rule sandbox is kept off the network, JavaScript only where no namespace exists', async () => {
    const report = await checkHealth({ database: async () => db, manageConnection: connected });
    const wrapper = await findNamespaceWrapper();
    if (wrapper.length > 0) {
      expect(report.rulesSandbox).toMatchObject({ networkContainment: 'namespace' });
    } else {
      expect(report.rulesSandbox).toEqual({
        networkContainment: 'javascript',
        detail: 'No network namespace is available on this host: rules are kept off the network by the JavaScript layer only.',
      });
    }
  });

  it('says Manage is not set up, and stays ok, when nothing is configured', async () => {
    const report = await checkHealth({
      database: async () => db,
      manageConnection: () => ({ configured: false as const, missing: ['MANAGE_ENDPOINT', 'MANAGE_API_KEY'] }),
    });
    expect(report.status).toBe('ok');
    expect(report.manage).toEqual({
      status: 'not_configured',
      detail: expect.stringContaining('MANAGE_ENDPOINT, MANAGE_API_KEY'),
    });
  });

  it('is degraded, not down, when Manage fails: presses are still accepted', async () => {
    sim.setFaults([{ kind: 'status', status: 503, times: 1, match: { path: '^/system/info$' } }]);
    try {
      const report = await checkHealth({ database: async () => db, manageConnection: connected });
      expect(report.status).toBe('degraded');
      expect(report.manage.status).toBe('error');
    } finally {
      sim.clearFaults();
    }
  });

  it('reports a rejected key without echoing the private key', async () => {
    const wrong = { ...options, privateKey: 'definitely-not-the-key' };
    const report = await checkHealth({
      database: async () => db,
      manageConnection: () => ({ configured: true as const, options: wrong }),
    });
    expect(report.manage.status).toBe('error');
    expect(JSON.stringify(report)).not.toContain('definitely-not-the-key');
  });

  it('is an error when the database does not answer', async () => {
    const report = await checkHealth({
      database: async () => {
        throw new Error('disk gone');
      },
      manageConnection: connected,
    });
    expect(report.status).toBe('error');
    expect(report.database).toMatchObject({ status: 'error', code: 'database_unavailable' });
  });
});
