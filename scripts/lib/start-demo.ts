/**
 * What `npm run demo` starts, as a function the end-to-end test can run too: the stack on fresh
 * data in `<data dir>/demo/`, a demo agent token and admin, every setup wizard step done against
 * the simulator, and `<data dir>/demo.json` (the details for people, the press CLI, and the
 * marker the admin and agent-token CLIs use to find the running demo's database).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createAdminUser } from '../../lib/auth/admin-users';
import { createAgentToken } from '../../lib/auth/agent-tokens';
import type { DemoSetupResult } from '../../lib/setup/demo-setup';
import { migrateToLatest, openDatabase, resolveDatabaseLocation } from '../../lib/store/database';
import { demoMarkerPath } from './cli-database';
import { runDemoSetUp, startDeskbellStack, type RunningStack } from './start-stack';

export type DemoOptions = { dataDir: string; appHost?: string; appPort: number; simPort: number; quiet?: boolean };

export type RunningDemo = {
  stack: RunningStack;
  demoFile: string;
  database: string;
  agentToken: string;
  admin: { email: string; password: string };
  setup: DemoSetupResult;
  stop(): Promise<void>;
};

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const dataDir = path.resolve(options.dataDir);
  const demoDir = path.join(dataDir, 'demo');
  const stack = await startDeskbellStack({
    appHost: options.appHost ?? '127.0.0.1',
    appPort: options.appPort,
    simPort: options.simPort,
    dataDir: demoDir,
    fresh: true,
    quiet: options.quiet,
  });

  const demoFile = demoMarkerPath(dataDir);
  try {
    // The app has migrated the fresh database; the demo's agent token goes into the same file.
    const location = resolveDatabaseLocation(undefined, demoDir) as { dialect: 'sqlite'; file: string };
    const db = openDatabase(location);
    await migrateToLatest(db);
    const { token: agentToken } = await createAgentToken(db, 'Demo agent');
    // A demo admin so the dashboard opens at once; a fresh random password for every demo run.
    const admin = { email: 'admin@deskbell.demo', password: randomBytes(12).toString('base64url') };
    await createAdminUser(db, { email: admin.email, name: 'Demo Admin', password: admin.password }, 'demo');
    await db.destroy();

    const setup = await runDemoSetUp(stack);

    const { companyId, publicKey, privateKey, clientId } = stack.sim.credentials;
    const demo = {
      appUrl: stack.appUrl,
      admin: { ...admin, loginUrl: `${stack.appUrl}/login` },
      agentToken,
      // Read by `npm run agent-token` and `npm run admin` while this process runs.
      database: location.file,
      pid: process.pid,
      manage: {
        site: stack.sim.url,
        endpoint: stack.manageEnv.MANAGE_ENDPOINT,
        apiBaseUrl: stack.sim.baseUrl,
        apiKey: stack.manageEnv.MANAGE_API_KEY,
        companyId,
        publicKey,
        privateKey,
        clientId,
      },
    };
    fs.writeFileSync(demoFile, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });

    const stop = async () => {
      // The marker stays for the details in it, but no longer claims a running demo.
      try {
        const { pid: _pid, ...rest } = JSON.parse(fs.readFileSync(demoFile, 'utf8')) as Record<string, unknown>;
        fs.writeFileSync(demoFile, `${JSON.stringify(rest, null, 2)}\n`, { mode: 0o600 });
      } catch {
        // removed or rewritten by hand: nothing to withdraw
      }
      await stack.stop();
    };
    return { stack, demoFile, database: location.file, agentToken, admin, setup, stop };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
