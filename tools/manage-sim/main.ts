/**
 * `npm run sim [-- --deskbell-url http://127.0.0.1:3000]`: starts the simulator with demo data
 * on SIM_HOST:SIM_PORT (default http://127.0.0.1:8123) and prints what to type into Deskbell's
 * setup. With --deskbell-url, Manage's UI deep links open Deskbell's demo Manage screens.
 */
import { parseArgs } from 'node:util';
import { serverEnv } from '../../lib/env';
import { startManageSim } from './index';

async function main(): Promise<void> {
  const env = serverEnv();
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'deskbell-url': { type: 'string' } } });
  const sim = await startManageSim({ host: env.SIM_HOST, port: env.SIM_PORT, seed: 'demo', deskbellUrl: values['deskbell-url'] });
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  const lines = [
    'ConnectWise Manage simulator (demo data) is running.',
    `  API base URL : ${sim.baseUrl}`,
    `  Endpoint     : ${sim.endpoint}   (type this in Deskbell's connection step)`,
    `  API key      : ${companyId}+${publicKey}:${privateKey}`,
    `  Client ID    : ${clientId}`,
    `  Admin        : ${sim.url}/__sim/state  (requests, faults, reset)`,
    values['deskbell-url']
      ? `  UI links     : ${sim.url}/v4_6_release/ConnectWise.aspx?routeTo=ServiceFV&recid=<id> opens ${values['deskbell-url']}/demo/manage/ticket/<id>`
      : '  UI links     : pass --deskbell-url <Deskbell URL> to open Manage links in Deskbell\'s demo Manage screens',
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
