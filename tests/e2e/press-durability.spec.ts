import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { buildPng } from '../support/press-fixtures';
import {
  createAgentTokenWithCli,
  killHard,
  setSimFaults,
  startApp,
  stopApp,
  ticketsWithExternalXRef,
  type AppProcess,
} from './app-process';
import { e2eStack } from './e2e-stack';

const dataDir = path.resolve(import.meta.dirname, '../../test-results/durability-data');
let app: AppProcess | undefined;

test.afterEach(async () => {
  await setSimFaults([]);
  if (app) await stopApp(app);
  app = undefined;
});

test('kill -9 between the 202 and the ticket: the press survives and becomes exactly one ticket', async () => {
  test.setTimeout(120_000);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const token = createAgentTokenWithCli(dataDir, 'durability test');
  app = await startApp(dataDir, e2eStack.durabilityAppPort);

  // Manage answers the contact lookup slowly, so the press is mid-pipeline when we kill.
  await setSimFaults([{ kind: 'latency', ms: 5_000, match: { path: '^/company/contacts$' } }]);
  const form = new FormData();
  form.append(
    'press',
    JSON.stringify({
      v: 1,
      email: 'dana.whitfield@acme-mfg.example',
      message: 'Durability check: my screen froze',
      host: { hostname: 'ACME-PC-01' },
      screenshots: [{ capturedAt: '2026-11-28T09:00:00Z', monitor: 0 }],
    }),
  );
  form.append('screenshot', new Blob([new Uint8Array(buildPng({ width: 32, height: 32, shade: 9 }))], { type: 'image/png' }), 'frozen.png');
  const accepted = await fetch(`${app.url}/api/v1/presses`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(accepted.status).toBe(202);
  const { id } = (await accepted.json()) as { id: string };

  await expect
    .poll(async () => ((await (await fetch(`${app!.url}/api/v1/presses/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string }).status)
    .toBe('processing');
  killHard(app.child);
  await stopApp(app);
  expect(await ticketsWithExternalXRef(id)).toHaveLength(0);

  await setSimFaults([]);
  app = await startApp(dataDir, e2eStack.durabilityAppPort);
  await expect
    .poll(
      async () => ((await (await fetch(`${app!.url}/api/v1/presses/${id}?wait=5`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string }).status,
      { timeout: 30_000, intervals: [100] },
    )
    .toBe('ticket_created');
  expect(await ticketsWithExternalXRef(id)).toHaveLength(1);
  expect(app.output()).toContain('resuming 1 job(s) interrupted by the previous shutdown');
});
