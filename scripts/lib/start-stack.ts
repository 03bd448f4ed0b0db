/**
 * Starts what a person needs to see Deskbell work without a real Manage: the Manage
 * simulator (in this process) and the production Next.js server (a child process)
 * wired to it. Used by `npm run demo` and by the end-to-end tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { environmentForChild } from '../../lib/env';
import type { DemoSetupResult } from '../../lib/setup/demo-setup';
import { DEMO_MEMBER_SESSION, startManageSim, type ManageSim } from '../../tools/manage-sim';

export type StackOptions = {
  appHost: string;
  appPort: number;
  simPort: number;
  dataDir: string;
  /** Remove dataDir first so the app starts on fresh data matching the fresh simulator. */
  fresh: boolean;
  quiet?: boolean;
};

export type RunningStack = {
  appUrl: string;
  /** The one-time code the app printed for creating the first admin; null once an admin exists. */
  setupCode: string | null;
  sim: ManageSim;
  manageEnv: { MANAGE_ENDPOINT: string; MANAGE_API_KEY: string; MANAGE_CLIENT_ID: string };
  /** The app's environment, for tools that must see what the app sees (the demo set-up). */
  appEnvironment: NodeJS.ProcessEnv;
  stop(): Promise<void>;
};

const repoRoot = path.resolve(import.meta.dirname, '../..');
const sourceDirs = ['app', 'lib', 'components', 'public'];

/** A production build is reused unless a source file changed after it was made. */
export function ensureProductionBuild(): void {
  const buildId = path.join(repoRoot, '.next', 'BUILD_ID');
  if (fs.existsSync(buildId)) {
    const builtAt = fs.statSync(buildId).mtimeMs;
    const roots = [...sourceDirs.map((d) => path.join(repoRoot, d)), path.join(repoRoot, 'next.config.mjs')];
    if (!roots.some((root) => newestMtime(root) > builtAt)) return;
  }
  console.log('[deskbell] building the app (next build) ...');
  const result = spawnSync(path.join(repoRoot, 'node_modules/.bin/next'), ['build'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: environmentForChild({ NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }),
  });
  if (result.status !== 0) throw new Error('next build failed; see the output above.');
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export async function startDeskbellStack(options: StackOptions): Promise<RunningStack> {
  ensureProductionBuild();
  if (options.fresh) fs.rmSync(options.dataDir, { recursive: true, force: true });
  fs.mkdirSync(options.dataDir, { recursive: true });

  const appUrl = `http://${options.appHost}:${options.appPort}`;
  // Told the app's URL, the simulator sends the browser from Manage's deep links (the
  // "Ticket #N in Manage" links) to the demo Manage screens.
  const sim = await startManageSim({ port: options.simPort, seed: 'demo', deskbellUrl: appUrl });
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  const manageEnv = {
    MANAGE_ENDPOINT: `${sim.url}/v4_6_release`,
    MANAGE_API_KEY: `${companyId}+${publicKey}:${privateKey}`,
    MANAGE_CLIENT_ID: clientId,
  };

  const appEnvironment = environmentForChild({
    ...manageEnv,
    // Demo mode: the secret key that seals stored Manage secrets and signs admin sessions
    // is generated into the data directory.
    DESKBELL_DEMO: '1',
    // The demo Manage frame (/demo/manage/ticket/{id}) signs the pod in as the simulator's demo technician.
    DESKBELL_DEMO_MEMBER: `${DEMO_MEMBER_SESSION.memberIdentifier}:${DEMO_MEMBER_SESSION.memberHash}`,
    NEXTAUTH_URL: appUrl,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(options.appPort),
    DESKBELL_DATA_DIR: path.resolve(options.dataDir),
    DESKBELL_PUBLIC_URL: appUrl,
    DATABASE_URL: undefined,
  });
  const app = spawn(
    path.join(repoRoot, 'node_modules/.bin/next'),
    ['start', '--hostname', options.appHost, '--port', String(options.appPort)],
    {
      cwd: repoRoot,
      // stdout is read for the setup code line, and passed on unless quiet.
      stdio: ['ignore', 'pipe', 'inherit'],
      env: appEnvironment,
    },
  );

  const printed: { setupCode: string | null } = { setupCode: null };
  if (app.stdout) {
    readline.createInterface({ input: app.stdout }).on('line', (line) => {
      const match = SETUP_CODE_LINE.exec(line);
      if (match?.[1]) printed.setupCode = match[1];
      if (!options.quiet) console.log(line);
    });
  }

  const stop = async () => {
    await stopChild(app);
    await sim.close();
  };

  try {
    await waitForHealth(`${appUrl}/api/health`, app, 60_000);
    // The code is printed before the server answers; the pipe may deliver the line a moment later.
    const deadline = Date.now() + (options.fresh ? 5_000 : 500);
    while (printed.setupCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } catch (err) {
    await stop();
    throw err;
  }
  return { appUrl, setupCode: printed.setupCode, sim, manageEnv, appEnvironment, stop };
}

/**
 * Walks the setup wizard's steps for the demo (lib/setup/demo-setup.ts) in a child process
 * with exactly the app's environment, so the same data directory, secret key and public URL
 * apply as in the app: the wizard then reads every step done and checked.
 */
export function runDemoSetUp(stack: Pick<RunningStack, 'appEnvironment'>): Promise<DemoSetupResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/demo-setup.ts'], {
      cwd: repoRoot,
      env: stack.appEnvironment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as DemoSetupResult);
      } catch {
        reject(new Error(`the demo set-up failed (exit ${code}): ${(err || out).trim().slice(0, 2_000)}`));
      }
    });
  });
}

const SETUP_CODE_LINE = /enter the setup code ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b/;

export async function waitForHealth(url: string, app: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode} during start-up`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
