/**
 * `npm run sim`: starts the simulator with demo data on SIM_HOST:SIM_PORT
 * (default http://127.0.0.1:8123) and prints what to type into Deskbell's setup.
 */
import { serverEnv } from '../../lib/env';
import { startManageSim } from './index';

async function main(): Promise<void> {
  const env = serverEnv();
  const sim = await startManageSim({ host: env.SIM_HOST, port: env.SIM_PORT, seed: 'demo' });
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  const lines = [
    'ConnectWise Manage simulator (demo data) is running.',
    `  API base URL : ${sim.baseUrl}`,
    `  Endpoint     : ${sim.endpoint}   (type this in Deskbell's connection step)`,
    `  API key      : ${companyId}+${publicKey}:${privateKey}`,
    `  Client ID    : ${clientId}`,
    `  Admin        : ${sim.url}/__sim/state  (requests, faults, reset)`,
    'Demo values only: plain HTTP, loopback. Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping the simulator...`);
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
