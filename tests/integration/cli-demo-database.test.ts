/**
 * `npm run agent-token` and `npm run admin`, run for real, find the running demo's database
 * (`<data dir>/demo/deskbell.sqlite`, named in `<data dir>/demo.json`) without extra variables,
 * say which database they used, and fall back to the data directory's own once the demo stopped.
 * This test process stands in for the running `npm run demo` (its pid is in the marker).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminUser } from '@/lib/auth/admin-users';
import { createAgentToken, verifyAgentToken } from '@/lib/auth/agent-tokens';
import { environmentForChild } from '@/lib/env';
import { migrateToLatest, openDatabase } from '@/lib/store/database';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir: string;
let demoDb: string;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-demo-data-'));
  demoDb = path.join(dataDir, 'demo', 'deskbell.sqlite');
  const db = openDatabase({ dialect: 'sqlite', file: demoDb });
  await migrateToLatest(db);
  await createAgentToken(db, 'Demo agent');
  await createAdminUser(db, { email: 'admin@deskbell.demo', name: 'Demo Admin', password: 'demo-password-123456' }, 'demo');
  await db.destroy();
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function writeMarker(pid: number | undefined): void {
  fs.writeFileSync(path.join(dataDir, 'demo.json'), JSON.stringify({ appUrl: 'http://127.0.0.1:3000', agentToken: 'dbt_x', database: demoDb, pid }));
}

/** The CLI as `npm run` runs it; only the data directory differs from a plain checkout (./data). */
function runCli(script: string, args: string[], extra: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['--conditions=react-server', `scripts/${script}.ts`, ...args], {
      cwd: root,
      env: environmentForChild({ DESKBELL_DATA_DIR: dataDir, DATABASE_URL: undefined, ...extra }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the CLIs during npm run demo', () => {
  it('list the demo\u2019s tokens and admins, and a token they create is accepted by the demo\u2019s database', async () => {
    writeMarker(process.pid);
    const tokens = await runCli('agent-token', ['list']);
    expect(tokens.code).toBe(0);
    expect(tokens.stdout).toContain('Demo agent');
    expect(tokens.stdout).not.toContain('No agent tokens yet');
    expect(tokens.stderr).toContain(`Database: ${demoDb}, the running demo's`);

    const admins = await runCli('admin', ['list']);
    expect(admins.code).toBe(0);
    expect(admins.stdout).toContain('admin@deskbell.demo');

    const created = await runCli('agent-token', ['create', '--name', 'Made by the CLI']);
    expect(created.code).toBe(0);
    const token = /(dbt_[A-Za-z0-9_-]+)/.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    const db = openDatabase({ dialect: 'sqlite', file: demoDb });
    try {
      expect(await verifyAgentToken(db, token)).toMatchObject({ ok: true, token: { name: 'Made by the CLI' } });
    } finally {
      await db.destroy();
    }
    // Nothing went into a stray database beside the demo's.
    expect(fs.existsSync(path.join(dataDir, 'deskbell.sqlite'))).toBe(false);
  }, 60_000);

  it('use the data directory\u2019s own database once the demo stopped, and say so', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']);
    writeMarker(gone.pid);
    const tokens = await runCli('agent-token', ['list']);
    expect(tokens.stdout).toContain('No agent tokens yet');
    expect(tokens.stderr).toContain(`Database: ${path.join(dataDir, 'deskbell.sqlite')}`);
    expect(tokens.stderr).toContain('used only while npm run demo runs');
  }, 60_000);

  it('use DATABASE_URL when it is set, demo or not', async () => {
    writeMarker(process.pid);
    const other = path.join(dataDir, 'other.sqlite');
    const tokens = await runCli('agent-token', ['list'], { DATABASE_URL: other });
    expect(tokens.stdout).toContain('No agent tokens yet');
    expect(tokens.stderr).toContain(`Database: ${other}, set by DATABASE_URL`);
  }, 60_000);
});
