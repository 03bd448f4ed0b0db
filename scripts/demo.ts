/**
 * `npm run demo`: Deskbell on its embedded defaults — SQLite in ./data, the built-in Manage
 * simulator with a believable MSP's data, and the production server on PORT (3000).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createAgentToken } from '../lib/auth/agent-tokens';
import { createAdminUser } from '../lib/auth/admin-users';
import { serverEnv } from '../lib/env';
import { migrateToLatest, openDatabase, resolveDatabaseLocation } from '../lib/store/database';
import { startDeskbellStack } from './lib/start-stack';

async function main(): Promise<void> {
  const env = serverEnv();
  const dataDir = path.resolve(env.DESKBELL_DATA_DIR);
  const stack = await startDeskbellStack({
    appHost: '127.0.0.1',
    appPort: env.PORT,
    simPort: env.SIM_PORT,
    dataDir: path.join(dataDir, 'demo'),
    fresh: true,
  });

  // The app has migrated the fresh database; the demo's agent token goes into the same file.
  const db = openDatabase(resolveDatabaseLocation(undefined, path.join(dataDir, 'demo')));
  await migrateToLatest(db);
  const { token: agentToken } = await createAgentToken(db, 'Demo agent');
  // A demo admin so the dashboard opens at once; a fresh random password for every demo run.
  const admin = { email: 'admin@deskbell.demo', password: randomBytes(12).toString('base64url') };
  await createAdminUser(db, { email: admin.email, name: 'Demo Admin', password: admin.password }, 'demo');
  await db.destroy();

  const { companyId, publicKey, privateKey, clientId } = stack.sim.credentials;
  const demoFile = path.join(dataDir, 'demo.json');
  const demo = {
    appUrl: stack.appUrl,
    admin: { ...admin, loginUrl: `${stack.appUrl}/login` },
    agentToken,
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

  console.log(`
Deskbell demo is running.
  App:             ${stack.appUrl}
  Health:          ${stack.appUrl}/api/health
  Manage (sim):    ${stack.sim.baseUrl}
  Demo details:    ${demoFile}  (admin sign-in, agent token, simulator keys and clientId)

Sign in to the admin pages (setup wizard, presses dashboard, audit log):
  ${stack.appUrl}/login   email ${admin.email}   password ${admin.password}
  (the demo created this admin, so the setup code printed above is not needed)

Press the button from a terminal (a known contact on a known computer):
  npm run press -- --message "My printer is jammed again" --email dana.whitfield@acme-mfg.example --hostname ACME-PC-01 --screenshot <file.png>
or from a browser:
  ${stack.appUrl}/press#token=${agentToken}

See the press inside a (simulated) Manage ticket, as the Deskbell pod shows it to technicians:
  ${stack.appUrl}/demo/manage/ticket/<ticket number the press printed>

Press Ctrl+C to stop.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[deskbell] stopping ...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(`[deskbell] demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
