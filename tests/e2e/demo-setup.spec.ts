/**
 * `npm run demo` as a newcomer meets it: scripts/demo.ts runs for real (its own ports in the
 * e2e block, its own data directory) and then every wizard step is done and checked, the
 * callback and the pod are registered in the simulator, a status change reaches the device
 * without visiting step 7, a "Ticket #N in Manage" link opens the demo Manage ticket screen,
 * and the agent-token CLI finds the demo's database with no extra variables.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { environmentForChild } from '../../lib/env';
import { pressWithCli } from './app-process';
import { e2eStack } from './e2e-stack';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dataDir = path.join(repoRoot, 'test-results', 'e2e-demo-data');
// Specs run one at a time: the restartable-app ports are free while this one runs.
const appPort = e2eStack.durabilityAppPort;
const simPort = e2eStack.journeyAppPort;

type DemoFile = { appUrl: string; agentToken: string; admin: { email: string; password: string }; manage: { site: string; apiBaseUrl: string; apiKey: string; clientId: string } };
let demoProcess: ChildProcess | undefined;
let demo: DemoFile;
let printed = '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fs.rmSync(path.join(dataDir, 'demo.json'), { force: true });
  demoProcess = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/demo.ts'], {
    cwd: repoRoot,
    env: environmentForChild({ DESKBELL_DATA_DIR: dataDir, DATABASE_URL: undefined, PORT: String(appPort), SIM_PORT: String(simPort), DESKBELL_PUBLIC_URL: undefined }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demoProcess.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  demoProcess.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const deadline = Date.now() + 220_000;
  while (!printed.includes('Press Ctrl+C to stop.')) {
    if (demoProcess.exitCode !== null) throw new Error(`npm run demo exited early:\n${printed}`);
    if (Date.now() > deadline) throw new Error(`npm run demo did not start:\n${printed}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
});

test.afterAll(async () => {
  if (!demoProcess || demoProcess.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => demoProcess!.once('exit', () => resolve()));
  demoProcess.kill('SIGTERM');
  await exited;
});

test('the demo arrives set up: every step done, callbacks and pod in Manage, notifications and Manage links work', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const { admin, agentToken } = demo;
  const app = demo.appUrl;
  expect(printed).toContain('every wizard step is done and checked');

  // What Manage (the simulator) now holds, read through its admin endpoint and its API.
  const simState = (await (await fetch(`${demo.manage.site}/__sim/callbacks`)).json()) as { callbacks: { url: string; level: string; inactiveFlag: boolean }[] };
  const callbacks = simState.callbacks.filter((c) => c.url.startsWith(`${app}/api/connectwise/callback/`));
  expect(callbacks).toHaveLength(1);
  expect(callbacks[0]).toMatchObject({ level: 'owner', inactiveFlag: false });
  const [companyAndKey, privateKey] = demo.manage.apiKey.split(':');
  const hostedRes = await fetch(`${demo.manage.apiBaseUrl}/system/connectwisehostedsetups?pageSize=100`, {
    headers: { authorization: `Basic ${Buffer.from(`${companyAndKey}:${privateKey}`).toString('base64')}`, clientId: demo.manage.clientId },
  });
  expect(hostedRes.status).toBe(200);
  const hosted = ((await hostedRes.json()) as { url: string }[]).filter((h) => h.url.startsWith(`${app}/pod`));
  expect(hosted).toHaveLength(3);

  // The wizard, as the admin sees it.
  await page.goto(`${app}/login?next=${encodeURIComponent('/setup')}`);
  const signInForm = page.getByRole('form', { name: 'Sign in' });
  await signInForm.getByLabel('Email').fill(admin.email);
  await signInForm.getByLabel('Password').fill(admin.password);
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${app}/setup`);
  const steps = page.getByRole('navigation', { name: 'Setup steps' });
  for (const title of ['1. Connection', '2. Permissions', '3. Unregistered users', '4. Defaults', '6. Agents', '7. Callbacks', '8. Pod']) {
    await expect(steps.getByRole('link', { name: `${title}: Done` })).toBeVisible();
  }
  await expect(steps.getByRole('link', { name: '5. Rules: Optional' })).toBeVisible();
  await expect(page.getByText('Everything is set up.')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('demo-wizard-overview.png'), fullPage: true });

  // A press becomes a ticket; the technician moves it; the device hears it (no step 7 visited).
  const pressed = pressWithCli(['--server', app, '--token', agentToken, '--message', 'My printer is jammed again', '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01']);
  expect(pressed.status, pressed.stderr).toBe(0);
  const ticketNumber = /Ticket #(\d+) created/.exec(pressed.stdout)?.[1];
  expect(ticketNumber).toBeTruthy();
  const moved = await fetch(`${demo.manage.site}/__sim/tickets/${ticketNumber}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'In Progress', member: 'akhan' }),
  });
  expect(moved.status).toBe(200);
  const listened = pressWithCli(['--listen', '--listen-seconds', '6', '--server', app, '--token', agentToken]);
  expect(listened.stdout).toContain(`Ticket #${ticketNumber} is now In Progress`);

  // "Ticket #N in Manage" on the dashboard opens the demo Manage ticket screen.
  await page.goto(`${app}/presses`);
  const link = page.getByRole('link', { name: `Ticket #${ticketNumber} in Manage` });
  const href = await link.getAttribute('href');
  expect(href).toContain('ConnectWise.aspx');
  await page.goto(href!);
  await expect(page).toHaveURL(`${app}/demo/manage/ticket/${ticketNumber}`);

  // The CLIs see the running demo's database (the marker names this process as the demo).
  const listed = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/agent-token.ts', 'list'], {
    cwd: repoRoot,
    env: environmentForChild({ DESKBELL_DATA_DIR: dataDir, DATABASE_URL: undefined }),
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(listed.stdout).toContain('Demo agent');
  expect(listed.stderr).toContain("the running demo's");
});
