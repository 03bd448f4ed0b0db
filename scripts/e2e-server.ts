/** The stack Playwright starts (webServer): simulator + production app on fresh data. */
import path from 'node:path';
import { e2eStack } from '../tests/e2e/e2e-stack';
import { startDeskbellStack } from './lib/start-stack';

const stack = await startDeskbellStack({
  appHost: e2eStack.appHost,
  appPort: e2eStack.appPort,
  simPort: e2eStack.simPort,
  dataDir: path.resolve(import.meta.dirname, '../test-results/e2e-data'),
  fresh: true,
  quiet: true,
});
console.log(`[e2e] app ${stack.appUrl}, simulator ${stack.sim.url}`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
