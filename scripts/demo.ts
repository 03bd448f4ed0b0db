/**
 * `npm run demo`: Deskbell on its embedded defaults — SQLite in ./data/demo, the built-in Manage
 * simulator with a believable MSP's data, the production server on PORT (3000), and every
 * setup wizard step already done against the simulator.
 *
 * `npm run demo -- --instances 3`: the same on a throw-away PostgreSQL with three instances
 * behind a round-robin front on PORT (the instances on the ports after it).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serverEnv } from '../lib/env';
import { startCluster } from './lib/start-cluster';
import { startDemo } from './lib/start-demo';

async function main(): Promise<void> {
  const env = serverEnv();
  const { values } = parseArgs({ options: { instances: { type: 'string' } }, strict: true });
  if (values.instances !== undefined) {
    const instances = Number(values.instances);
    if (!Number.isInteger(instances) || instances < 1 || instances > 16) throw new Error('--instances is a whole number from 1 to 16');
    return runCluster(instances);
  }
  const demo = await startDemo({ dataDir: env.DESKBELL_DATA_DIR, appPort: env.PORT, simPort: env.SIM_PORT });
  const { stack, admin, agentToken, demoFile, setup } = demo;

  const notDone = setup.steps.filter((s) => s.state !== 'done' && s.state !== 'optional');
  const wizard = notDone.length === 0
    ? `Set up: every wizard step is done and checked against the simulator (${setup.steps.filter((s) => s.state === 'done').length} done${setup.steps.some((s) => s.state === 'optional') ? ', dispatcher rules optional' : ''}); callbacks and the pod are registered.`
    : `Set up, except: ${notDone.map((s) => `${s.number}. ${s.title} (${s.detail})`).join('; ')}. Open ${stack.appUrl}/setup to finish.`;

  console.log(`
Deskbell demo is running.
  App:             ${stack.appUrl}
  Health:          ${stack.appUrl}/api/health
  Manage (sim):    ${stack.sim.baseUrl}
  Demo details:    ${demoFile}  (admin sign-in, agent token, simulator keys and clientId)
  ${wizard}

Sign in to the admin pages (setup wizard, presses dashboard, audit log):
  ${stack.appUrl}/login   email ${admin.email}   password ${admin.password}
  (the demo created this admin, so the setup code printed above is not needed)

Press the button from a terminal (a known contact on a known computer):
  npm run press -- --message "My printer is jammed again" --email dana.whitfield@acme-mfg.example --hostname ACME-PC-01 --screenshot <file.png>
or from a browser:
  ${stack.appUrl}/press#token=${agentToken}

See the press inside a (simulated) Manage ticket, as the Deskbell pod shows it to technicians:
  ${stack.appUrl}/demo/manage/ticket/<ticket number the press printed>
("Ticket #N in Manage" links go there too.)

While this runs, npm run agent-token and npm run admin work on this demo's database.
Press Ctrl+C to stop.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[deskbell] stopping ...');
    await demo.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function runCluster(instances: number): Promise<void> {
  const env = serverEnv();
  console.log(`[deskbell] starting PostgreSQL, the simulator and ${instances} instances ...`);
  const cluster = await startCluster({
    instances,
    frontPort: env.PORT,
    firstInstancePort: env.PORT + 1,
    simPort: env.SIM_PORT,
    dataDir: path.join(env.DESKBELL_DATA_DIR, 'demo-cluster'),
  });
  const { frontUrl, setup, admin, agentToken } = cluster;
  const notDone = setup ? setup.steps.filter((s) => s.state !== 'done' && s.state !== 'optional') : [];
  console.log(`
Deskbell cluster demo is running: ${instances} instances on one PostgreSQL behind a round-robin front.
  Front (use this): ${frontUrl}
  Health:           ${frontUrl}/api/health  (each answer comes from the next instance)
${cluster.instances.map((i) => `  Instance ${i.name}:     ${i.url}  (process ${i.pid()})`).join('\n')}
  PostgreSQL:       ${cluster.databaseUrl}  (throw-away: removed when the demo stops)
  Manage (sim):     ${cluster.sim.baseUrl}
  ${notDone.length === 0 ? 'Set up: every wizard step is done against the simulator, once for the whole cluster.' : `Set up, except: ${notDone.map((s) => `${s.number}. ${s.title}`).join('; ')}. Open ${frontUrl}/setup.`}

Sign in to the admin pages:  ${frontUrl}/login   email ${admin.email}   password ${admin.password}
Press the button:            npm run press -- --server ${frontUrl} --token ${agentToken} --message "Printer jammed" --email dana.whitfield@acme-mfg.example --hostname ACME-PC-01
                             or ${frontUrl}/press#token=${agentToken}
Try it: kill -9 one instance's process; the front skips it and another instance takes over its jobs.
Press Ctrl+C to stop (the database goes with it).`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[deskbell] stopping the cluster ...');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(`[deskbell] demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
