/**
 * A second Deskbell server for tests that must kill and restart the app: the real production
 * build (`next start`) on its own port and data directory, wired to the e2e simulator.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { environmentForChild } from '../../lib/env';
import { DEMO_MEMBER_SESSION } from '../../tools/manage-sim/demo-data';
import { e2eStack } from './e2e-stack';

const repoRoot = path.resolve(import.meta.dirname, '../..');

export const demoManage = {
  companyId: 'deskbell_demo',
  publicKey: 'DemoPubKey000001',
  privateKey: 'DemoPrivKey00001',
  clientId: '5c0f3c2e-7d4b-4b8e-9a51-3f6d2c1b8e47',
};

export type AppOptions = {
  /** Pre-seed the Manage connection from env (true), or start unconnected like a fresh install. */
  manage?: boolean;
};

function appEnv(dataDir: string, port: number, options: AppOptions = {}): NodeJS.ProcessEnv {
  const manage = options.manage ?? true;
  return environmentForChild({
    NODE_ENV: 'production',
    // Demo mode generates the secret key into the data directory, as `npm run demo` does.
    DESKBELL_DEMO: '1',
    DESKBELL_DEMO_MEMBER: `${DEMO_MEMBER_SESSION.memberIdentifier}:${DEMO_MEMBER_SESSION.memberHash}`,
    DESKBELL_SECRET_KEY: undefined,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    DESKBELL_DATA_DIR: dataDir,
    DATABASE_URL: undefined,
    DESKBELL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MANAGE_ENDPOINT: manage ? `${e2eStack.simUrl}/v4_6_release` : undefined,
    MANAGE_API_KEY: manage ? `${demoManage.companyId}+${demoManage.publicKey}:${demoManage.privateKey}` : undefined,
    MANAGE_CLIENT_ID: manage ? demoManage.clientId : undefined,
    DESKBELL_DEFAULT_BOARD: manage ? 'Help Desk' : undefined,
    MANAGE_HEADERS_TIMEOUT_MS: '10000',
  });
}

/** Creates an agent token with the real CLI, as an admin would. */
export function createAgentTokenWithCli(dataDir: string, name: string): string {
  const result = spawnSync(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    ['--conditions=react-server', 'scripts/agent-token.ts', 'create', '--name', name],
    { cwd: repoRoot, env: appEnv(dataDir, e2eStack.appPort), encoding: 'utf8' },
  );
  const token = /(dbt_[A-Za-z0-9_-]+)/.exec(result.stdout)?.[1];
  if (result.status !== 0 || !token) throw new Error(`agent-token create failed: ${result.stderr || result.stdout}`);
  return token;
}

export type AppProcess = { url: string; child: ChildProcess; output: () => string };

export async function startApp(dataDir: string, port: number, options: AppOptions = {}): Promise<AppProcess> {
  fs.mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    path.join(repoRoot, 'node_modules/.bin/next'),
    ['start', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: repoRoot, env: appEnv(dataDir, port, options), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) })).ok) return { url, child, output: () => output };
    } catch {
      // still starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  killHard(child);
  throw new Error(`app did not start:\n${output}`);
}

/** SIGKILL to the whole process group: no shutdown hook runs, as in a crash or an OOM kill. */
export function killHard(child: ChildProcess): void {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
}

export async function stopApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    app.child.once('exit', () => resolve());
    killHard(app.child);
  });
}

/** Tickets in the simulator that carry this press id, read through the Manage API itself. */
export async function ticketsWithExternalXRef(pressId: string): Promise<{ id: number }[]> {
  const auth = Buffer.from(`${demoManage.companyId}+${demoManage.publicKey}:${demoManage.privateKey}`).toString('base64');
  const res = await fetch(
    `${e2eStack.simUrl}/v4_6_release/apis/3.0/service/tickets?conditions=${encodeURIComponent(`externalXRef="${pressId}"`)}`,
    { headers: { authorization: `Basic ${auth}`, clientId: demoManage.clientId } },
  );
  if (!res.ok) throw new Error(`ticket lookup failed: ${res.status}`);
  return (await res.json()) as { id: number }[];
}

/** Runs the reference CLI agent against a server, as an admin following the wizard would. */
export function pressWithCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/press.ts', ...args], {
    cwd: repoRoot,
    env: environmentForChild({ DESKBELL_DATA_DIR: path.join(repoRoot, 'test-results', 'no-demo') }),
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export async function setSimPermissions(denied: string[]): Promise<void> {
  const res = await fetch(`${e2eStack.simUrl}/__sim/permissions`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ denied }),
  });
  if (!res.ok) throw new Error(`setting permissions failed: ${res.status} ${await res.text()}`);
}

export async function setSimFaults(rules: unknown[]): Promise<void> {
  const res = await fetch(`${e2eStack.simUrl}/__sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rules),
  });
  if (!res.ok) throw new Error(`setting faults failed: ${res.status} ${await res.text()}`);
}
