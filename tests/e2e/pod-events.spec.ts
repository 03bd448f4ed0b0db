/**
 * Manage's screen events in Chromium: the demo Manage ticket screen (as strict as Manage) frames
 * the real pod, sends onLoad when the screen loads, and its Save and Back buttons send
 * beforeSave and beforeBack, which wait for an acknowledgement with the same _id and the pod's
 * frameID. Every postMessage both ways is captured in the page, so the bytes the pod posted are
 * checked against what ConnectWise's own client posts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { buildPng } from '../support/press-fixtures';
import { createAgentTokenWithCli, pressWithCli, ticketsWithExternalXRef } from './app-process';
import { e2eStack } from './e2e-stack';

const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
const APP = e2eStack.appUrl;

type Heard = { origin: string; data: unknown };

/** In every frame: what that window received by postMessage, in order. */
const RECORD_MESSAGES = `
window.__heard = [];
window.addEventListener('message', (event) => { window.__heard.push({ origin: event.origin, data: event.data }); });
`;

let ticketId: number;

test.beforeAll(async () => {
  const token = createAgentTokenWithCli(e2eDataDir, 'pod events e2e');
  const file = path.join(e2eDataDir, 'pod-events-shot.png');
  fs.writeFileSync(file, buildPng({ width: 640, height: 400, shade: 120 }));
  const press = pressWithCli([
    '--server', APP, '--token', token, '--message', 'Pod events check',
    '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01', '--screenshot', file,
  ]);
  expect(press.status, press.stderr || press.stdout).toBe(0);
  const pressId = /Press ([0-9a-f-]{36}) accepted/.exec(press.stdout)![1]!;
  const [ticket] = await ticketsWithExternalXRef(pressId);
  ticketId = ticket!.id;
});

/** What Manage's page heard from the pod (pod -> Manage), as posted. */
function heardByManage(page: Page): Promise<Heard[]> {
  return page.evaluate(() => (window as unknown as { __heard: Heard[] }).__heard);
}

/** What the pod heard from Manage (Manage -> pod), as posted. */
async function heardByPod(page: Page): Promise<Heard[]> {
  const frame = page.frames().find((f) => f.url().startsWith(`${APP}/pod?`));
  if (!frame) throw new Error('The pod frame is not loaded.');
  return frame.evaluate(() => (window as unknown as { __heard: Heard[] }).__heard);
}

test('Save and Back on the demo Manage ticket: the pod acknowledges beforeSave and beforeBack with its frameID', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await page.addInitScript(RECORD_MESSAGES);
  await page.goto(`/demo/manage/ticket/${ticketId}`);
  const pod = page.frameLocator('[data-testid="demo-pod-frame"]');
  await expect(pod.getByTestId('pod-ticket')).toBeVisible({ timeout: 30_000 });
  const log = page.getByTestId('demo-manage-log');

  // onLoad came with the screen load and was acknowledged for this frame.
  await expect(log.locator('[data-kind="acknowledged"][data-event="onLoad"]')).toHaveText(
    /The pod acknowledged onLoad #1 with this frame\u2019s id: the screen is loaded$/,
  );

  await page.getByTestId('demo-save').click();
  await expect(log.locator('[data-kind="sent"][data-event="beforeSave"]')).toContainText(
    'Save pressed: Manage sent beforeSave #2 and holds the save until the pod acknowledges it',
  );
  await expect(log.locator('[data-kind="acknowledged"][data-event="beforeSave"]')).toHaveText(
    /The pod acknowledged beforeSave #2 with this frame\u2019s id: Manage would save the ticket$/,
  );
  await expect(page.getByTestId('demo-save')).toBeEnabled();

  await page.getByTestId('demo-back').click();
  await expect(log.locator('[data-kind="acknowledged"][data-event="beforeBack"]')).toHaveText(
    /The pod acknowledged beforeBack #3 with this frame\u2019s id: Manage would leave the ticket$/,
  );
  // Nothing the pod sent was an ack Manage could not match, and nothing timed out.
  await expect(log.locator('[data-kind="ignored-ack"], [data-kind="timed-out"]')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('pod-events.png'), fullPage: true });

  // The bytes, both ways. Manage gave the pod one frame id and sent the three events.
  const toPod = (await heardByPod(page)).filter((m) => m.origin === APP).map((m) => m.data);
  expect(toPod.every((data) => typeof data === 'string')).toBe(true);
  const frameIds = toPod.map((data) => JSON.parse(data as string) as { MessageFrameID?: string }).flatMap((m) => (m.MessageFrameID ? [m.MessageFrameID] : []));
  expect(frameIds).toHaveLength(1);
  const frameId = frameIds[0]!;
  expect(toPod).toEqual(
    expect.arrayContaining([
      `{"event":"onLoad","_id":1,"data":{"screenObject":{"screen":"ticket","id":${ticketId},"hostedAs":"pod"}}}`,
      '{"event":"beforeSave","_id":2,"data":{}}',
      '{"event":"beforeBack","_id":3,"data":{}}',
    ]),
  );

  // What the pod posted to Manage: exactly ConnectWise's client's bytes, strings only.
  const fromPod = (await heardByManage(page)).filter((m) => m.origin === APP).map((m) => m.data);
  expect(fromPod.every((data) => typeof data === 'string')).toBe(true);
  expect(fromPod[0]).toBe('{"message":"ready"}');
  expect(fromPod).toEqual(
    expect.arrayContaining([
      `{"hosted_request":"getMemberAuthentication","frameID":"${frameId}"}`,
      `{"event":"onLoad","_id":1,"result":"success","frameID":"${frameId}"}`,
      `{"event":"beforeSave","_id":2,"result":"success","frameID":"${frameId}"}`,
      `{"event":"beforeBack","_id":3,"result":"success","frameID":"${frameId}"}`,
    ]),
  );
  // After the handshake, every message the pod posted names its frame.
  expect(fromPod.slice(1).every((data) => (JSON.parse(data as string) as { frameID?: string }).frameID === frameId)).toBe(true);
});
