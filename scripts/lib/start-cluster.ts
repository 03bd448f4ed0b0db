/**
 * What `npm run demo -- --instances N` starts, as a function the multi-instance test runs too:
 * a throw-away PostgreSQL, the Manage simulator, N production servers (`next start`) on one
 * database with one secret key and one public URL (the front's), and a round-robin front.
 * Each instance can be killed and started again, so a test can take one down mid-run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createAdminUser } from '../../lib/auth/admin-users';
import { createAgentToken } from '../../lib/auth/agent-tokens';
import { environmentForChild } from '../../lib/env';
import type { DemoSetupResult } from '../../lib/setup/demo-setup';
import { migrateToLatest, openDatabase, resolveDatabaseLocation } from '../../lib/store/database';
import { DEMO_MEMBER_SESSION, startManageSim, type ManageSim } from '../../tools/manage-sim';
import { databaseUrl, startPostgresCluster, withServerAdmin, type PostgresCluster } from './postgres-cluster';
import { startRoundRobinFront, type RoundRobinFront } from './round-robin-front';
import { ensureProductionBuild, runDemoSetUp, stopChild, waitForHealth } from './start-stack';

export type ClusterOptions = {
  instances: number;
  host?: string;
  /** The front (load balancer): the one URL people, agents and Manage use. */
  frontPort: number;
  /** Instance i listens on firstInstancePort + i. */
  firstInstancePort: number;
  simPort: number;
  /** Scratch space for the instances (nothing is stored there: the data is in PostgreSQL). */
  dataDir: string;
  /** Not printing the instances' logs (tests). */
  quiet?: boolean;
  /** Extra environment for every instance (e.g. WORKER_CONCURRENCY). */
  instanceEnv?: Record<string, string>;
  /** Walk the setup wizard for the demo (default true). */
  setUp?: boolean;
};

export type ClusterInstance = {
  name: string;
  url: string;
  pid(): number | undefined;
  running(): boolean;
  /** Ends the process with a signal (SIGKILL: as a host going away) and waits for it to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again (after kill) and waits until it answers /api/health. */
  start(): Promise<void>;
};

export type RunningCluster = {
  frontUrl: string;
  front: RoundRobinFront;
  instances: ClusterInstance[];
  sim: ManageSim;
  /** The database every instance uses. */
  databaseUrl: string;
  /** The instances' shared environment (without PORT), for tools that must see what they see. */
  appEnvironment: NodeJS.ProcessEnv;
  agentToken: string;
  admin: { email: string; password: string };
  setup: DemoSetupResult | null;
  stop(): Promise<void>;
};

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  if (!Number.isInteger(options.instances) || options.instances < 1) throw new Error('--instances is a whole number of at least 1');
  ensureProductionBuild();
  const host = options.host ?? '127.0.0.1';
  const frontUrl = `http://${host}:${options.frontPort}`;
  const dataDir = path.resolve(options.dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`[cluster] stopping: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };

  try {
    const postgres: PostgresCluster = await startPostgresCluster();
    cleanups.push(() => postgres.stop());
    await withServerAdmin(postgres.url, (client) => client.query('create database deskbell'));
    const url = databaseUrl(postgres.url, 'deskbell');

    const sim = await startManageSim({ port: options.simPort, seed: 'demo', deskbellUrl: frontUrl });
    cleanups.push(() => sim.close());
    const { companyId, publicKey, privateKey, clientId } = sim.credentials;

    const appEnvironment = environmentForChild({
      MANAGE_ENDPOINT: `${sim.url}/v4_6_release`,
      MANAGE_API_KEY: `${companyId}+${publicKey}:${privateKey}`,
      MANAGE_CLIENT_ID: clientId,
      DESKBELL_DEMO: '1',
      DESKBELL_DEMO_MEMBER: `${DEMO_MEMBER_SESSION.memberIdentifier}:${DEMO_MEMBER_SESSION.memberHash}`,
      // What every instance of a real cluster shares: the database, the key that seals stored
      // secrets and signs sessions, and the one URL everybody reaches them by (the balancer's).
      DATABASE_URL: url,
      DESKBELL_SECRET_KEY: randomBytes(32).toString('base64'),
      DESKBELL_PUBLIC_URL: frontUrl,
      NEXTAUTH_URL: frontUrl,
      // The front appends the caller's address to X-Forwarded-For.
      TRUST_PROXY: '1',
      DESKBELL_DATA_DIR: dataDir,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: undefined,
      ...options.instanceEnv,
    });

    const instances = Array.from({ length: options.instances }, (_, i) =>
      createInstance(`i${i + 1}`, host, options.firstInstancePort + i, appEnvironment, options.quiet ?? false),
    );
    cleanups.push(async () => {
      await Promise.all(instances.map((instance) => instance.kill('SIGTERM')));
    });
    // All at once, as a cluster restarts: the migrations run on one of them, under a lock.
    await Promise.all(instances.map((instance) => instance.start()));

    const front = await startRoundRobinFront({ host, port: options.frontPort, upstreams: instances.map((_, i) => ({ host, port: options.firstInstancePort + i })), log: options.quiet ? undefined : console.log });
    cleanups.push(() => front.close());

    const db = openDatabase(resolveDatabaseLocation(url, dataDir, { poolMax: 2 }));
    let agentToken: string;
    const admin = { email: 'admin@deskbell.demo', password: randomBytes(12).toString('base64url') };
    try {
      await migrateToLatest(db);
      agentToken = (await createAgentToken(db, 'Demo agent')).token;
      await createAdminUser(db, { email: admin.email, name: 'Demo Admin', password: admin.password }, 'demo');
    } finally {
      await db.destroy();
    }
    // Once for the whole cluster: the settings it writes are in the shared database.
    const setup = options.setUp === false ? null : await runDemoSetUp({ appEnvironment });

    return { frontUrl: front.url, front, instances, sim, databaseUrl: url, appEnvironment, agentToken, admin, setup, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

function createInstance(name: string, host: string, port: number, environment: NodeJS.ProcessEnv, quiet: boolean): ClusterInstance {
  let child: ChildProcess | undefined;
  const url = `http://${host}:${port}`;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    name,
    url,
    pid: () => child?.pid,
    running,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (!child || !running()) return;
      if (signal === 'SIGTERM') return stopChild(child);
      const gone = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      // The whole process group, as when a host goes away: the rule sandboxes go with the server.
      process.kill(-child.pid!, signal);
      await gone;
    },
    async start() {
      if (running()) return;
      child = spawn(path.join(repoRoot, 'node_modules/.bin/next'), ['start', '--hostname', host, '--port', String(port)], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...environment, PORT: String(port) },
        // A process group of its own, so kill() can end the server with its rule sandboxes.
        detached: true,
      });
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream) continue;
        const lines = readline.createInterface({ input: stream });
        if (!quiet) lines.on('line', (line) => console.log(`[${name}] ${line}`));
        else lines.on('line', () => undefined);
      }
      await waitForHealth(`${url}/api/health`, child, 90_000);
    },
  };
}
