/**
 * Runs the Manage simulator in its own process so the benchmark's client and the server do
 * not share one event loop. Prints one JSON line `{url, baseUrl, credentials}` when ready
 * (demo credentials only), and closes when its stdin ends or on SIGTERM.
 */
import { startManageSim } from '@/tools/manage-sim';

const sim = await startManageSim({ port: 0, host: '127.0.0.1', seed: 'demo' });
process.stdout.write(`${JSON.stringify({ url: sim.url, baseUrl: sim.baseUrl, credentials: sim.credentials })}\n`);

let closing = false;
async function shutDown(): Promise<void> {
  if (closing) return;
  closing = true;
  await sim.close();
  process.exit(0);
}
process.stdin.on('end', () => void shutDown());
process.stdin.on('close', () => void shutDown());
process.stdin.resume();
process.on('SIGTERM', () => void shutDown());
