/**
 * The stack Playwright starts (webServer): simulator + production app on fresh data.
 * No admin exists yet: admin.json holds the setup code the app printed and the details the
 * tests use to create the first admin (through /login) and to sign in afterwards.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { e2eStack } from '../tests/e2e/e2e-stack';
import { startDeskbellStack } from './lib/start-stack';

const dataDir = path.resolve(import.meta.dirname, '../test-results/e2e-data');
const stack = await startDeskbellStack({
  appHost: e2eStack.appHost,
  appPort: e2eStack.appPort,
  simPort: e2eStack.simPort,
  dataDir,
  fresh: true,
  quiet: true,
});
if (!stack.setupCode) {
  await stack.stop();
  throw new Error('the fresh e2e app printed no setup code');
}
const admin = {
  appUrl: stack.appUrl,
  setupCode: stack.setupCode,
  email: 'e2e-admin@deskbell.test',
  name: 'E2E Admin',
  password: `e2e-${randomBytes(12).toString('base64url')}`,
};
fs.writeFileSync(path.join(dataDir, 'admin.json'), `${JSON.stringify(admin, null, 2)}\n`, { mode: 0o600 });
console.log(`[e2e] app ${stack.appUrl}, simulator ${stack.sim.url}`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
