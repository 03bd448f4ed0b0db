/**
 * Run by `npm run demo` (scripts/lib/start-stack.ts runDemoSetUp) in the app's environment:
 * walks the setup wizard's steps against the simulator and prints the result as one JSON line.
 * Demo mode only (lib/setup/demo-setup.ts refuses otherwise).
 */
import { setUpDemo } from '../lib/setup/demo-setup';
import { getDatabase } from '../lib/store/database';

const db = await getDatabase();
try {
  const result = await setUpDemo(db, 'demo');
  console.log(JSON.stringify(result));
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`The demo set-up stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
} finally {
  await db.destroy();
}
