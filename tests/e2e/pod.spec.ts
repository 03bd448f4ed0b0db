/**
 * The Manage pod in Chromium, end to end: the CLI agent presses (three screenshots, a hostname
 * that is an Acme configuration in the simulator) -> ticket -> the demo Manage ticket page
 * frames /pod and plays Manage's side of the Hosted API with the simulator's demo technician
 * -> the pod signs in (the server proves the member against the simulator) -> screenshots,
 * host details and the configuration show; the replay is driven with the keyboard. Then the
 * same ticket as a tab, the company tab, and a ticket Deskbell did not create.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { buildPng } from '../support/press-fixtures';
import { createAgentTokenWithCli, demoManage, pressWithCli, ticketsWithExternalXRef } from './app-process';
import { e2eStack } from './e2e-stack';

const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
let token: string;

test.beforeAll(() => {
  token = createAgentTokenWithCli(e2eDataDir, 'pod e2e');
});

/** The Manage API as the integration's API member (the e2e simulator's demo keys). */
async function manageGet<T>(pathAndQuery: string): Promise<T> {
  const auth = Buffer.from(`${demoManage.companyId}+${demoManage.publicKey}:${demoManage.privateKey}`).toString('base64');
  const res = await fetch(`${e2eStack.simUrl}/v4_6_release/apis/3.0${pathAndQuery}`, {
    headers: { authorization: `Basic ${auth}`, clientId: demoManage.clientId },
  });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status}`);
  return (await res.json()) as T;
}

function podFrame(page: Page): FrameLocator {
  return page.frameLocator('[data-testid="demo-pod-frame"]');
}

/** A press through the real CLI agent; returns the Manage ticket id. */
function pressThreeScreenshots(message: string): { pressId: string; files: string[] } {
  const files = [1, 2, 3].map((n) => {
    const file = test.info().outputPath(`monitor-${n}.png`);
    fs.writeFileSync(file, buildPng({ width: 1280, height: 800, shade: 40 * n }));
    return file;
  });
  const press = pressWithCli([
    '--server', e2eStack.appUrl, '--token', token,
    '--message', message,
    '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01',
    '--selection', 'Printer or scanner',
    ...files.flatMap((f) => ['--screenshot', f]),
  ]);
  expect(press.status, press.stderr || press.stdout).toBe(0);
  const pressId = /Press ([0-9a-f-]{36}) accepted/.exec(press.stdout)?.[1];
  expect(pressId, press.stdout).toBeTruthy();
  return { pressId: pressId!, files };
}

test('press -> ticket -> the pod in the demo Manage ticket shows screenshots, host and configuration', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { pressId } = pressThreeScreenshots('The label printer prints blank pages (pod e2e)');
  const [ticket] = await ticketsWithExternalXRef(pressId);
  expect(ticket).toBeTruthy();
  const ticketId = ticket!.id;

  // Nothing the pod fetches carries its token in a URL.
  const podRequests: { url: string; authorization: string | undefined }[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/pod/')) podRequests.push({ url: request.url(), authorization: request.headers().authorization });
  });

  await page.goto(`/demo/manage/ticket/${ticketId}`);
  await expect(page.getByRole('heading', { name: `Service Ticket #${ticketId}` })).toBeVisible();
  const frame = page.getByTestId('demo-pod-frame');
  await expect(frame).toHaveAttribute('data-hosted-as', 'pod');
  expect((await frame.boundingBox())?.height).toBe(360);
  const pod = podFrame(page);

  // Signed in through Manage, the press is shown.
  await expect(pod.getByTestId('pod-ticket')).toBeVisible({ timeout: 30_000 });
  await expect(pod.getByTestId('pod-app')).toHaveAttribute('data-hosted-as', 'pod');
  await expect(page.getByTestId('demo-manage-log')).toContainText('Manage answered with the demo member');
  const host = pod.getByTestId('host-details');
  await expect(host).toContainText('ACME-PC-01');
  await expect(pod.getByTestId('press-message')).toHaveText('The label printer prints blank pages (pod e2e)');
  const configuration = pod.getByTestId('pod-configuration').getByRole('link');
  await expect(configuration).toContainText('ACME-PC-01');
  await expect(configuration).toHaveAttribute('href', /routeTo=ConfigFV&recid=\d+/);
  await expect(pod.getByTestId('pod-submission-errors')).not.toHaveAttribute('open', '');

  // The replay: three thumbnails, the stage shows a thumbnail (an object URL) until asked for the full size.
  await expect(pod.getByTestId('replay-thumbnail')).toHaveCount(3);
  const stage = pod.getByTestId('replay-stage');
  await expect(stage).toHaveAttribute('src', /^blob:/);
  await expect(stage).toHaveAttribute('data-showing', 'thumbnail');
  await expect(pod.getByTestId('replay-thumbnail').nth(2).locator('img')).toHaveAttribute('src', /^blob:/);

  // Keyboard: → → → wraps, ← goes back, space plays and pauses, Enter opens the full size, Escape closes.
  const replay = pod.getByRole('region', { name: 'Instant Replay' });
  const position = pod.getByTestId('replay-position');
  await replay.focus();
  await expect(position).toHaveText(/^1 \/ 3/);
  await page.keyboard.press('ArrowRight');
  await expect(position).toHaveText(/^2 \/ 3/);
  await page.keyboard.press('ArrowRight');
  await expect(position).toHaveText(/^3 \/ 3/);
  await page.keyboard.press('ArrowRight');
  await expect(position).toHaveText(/^1 \/ 3/);
  await page.keyboard.press('ArrowLeft');
  await expect(position).toHaveText(/^3 \/ 3/);
  await page.keyboard.press('Space');
  await expect(pod.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true');
  await expect(position).toHaveText(/^1 \/ 3/, { timeout: 5_000 });
  await page.keyboard.press('Space');
  await expect(pod.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.keyboard.press('Enter');
  const fullImage = pod.getByTestId('replay-full-image');
  await expect(fullImage).toHaveAttribute('data-showing', 'full');
  const natural = await fullImage.evaluate((img: HTMLImageElement) => img.naturalWidth);
  expect(natural).toBe(1280);
  await page.screenshot({ path: testInfo.outputPath('pod-full-size.png') });
  await page.keyboard.press('Escape');
  await expect(pod.getByTestId('replay-full-size')).toHaveCount(0);
  // The thumbnail on the stage really is the small one.
  const thumbWidth = await stage.evaluate((img: HTMLImageElement) => img.naturalWidth);
  expect(thumbWidth).toBeLessThanOrEqual(480);
  await page.screenshot({ path: testInfo.outputPath('pod-ticket.png'), fullPage: true });

  expect(podRequests.length).toBeGreaterThan(3);
  expect(podRequests.filter((r) => r.url.includes('/files/')).every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
  const bearer = podRequests.find((r) => r.authorization)!.authorization!.slice('Bearer '.length);
  expect(podRequests.some((r) => r.url.includes(bearer))).toBe(false);

  // The same ticket as a tab: taller, the full-size replay beside the details.
  await page.getByTestId('demo-view-as-tab').check();
  await expect(frame).toHaveAttribute('data-hosted-as', 'tab');
  await expect(pod.getByTestId('pod-ticket')).toHaveAttribute('data-variant', 'tab', { timeout: 30_000 });
  await expect(pod.getByTestId('replay-stage')).toHaveAttribute('data-showing', 'full');
  await expect(pod.getByTestId('pod-signed-in')).toContainText('signed in through Manage as');
  await page.screenshot({ path: testInfo.outputPath('pod-ticket-tab.png'), fullPage: true });
});

test('the company tab lists recent presses and the busiest hosts; a ticket link asks Manage to open it', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const { pressId } = pressThreeScreenshots('Outlook keeps asking for my password (company tab e2e)');
  const [ticket] = await ticketsWithExternalXRef(pressId);
  const full = await manageGet<{ id: number; company: { id: number } }>(`/service/tickets/${ticket!.id}`);

  await page.goto(`/demo/manage/company/${full.company.id}`);
  const pod = podFrame(page);
  await expect(page.getByTestId('demo-pod-frame')).toHaveAttribute('data-hosted-as', 'tab');
  await expect(pod.getByTestId('pod-company')).toBeVisible({ timeout: 30_000 });
  const row = pod.getByTestId('pod-company-press').filter({ hasText: `#${ticket!.id}` });
  await expect(row).toContainText('ACME-PC-01');
  await expect(pod.getByTestId('pod-top-hosts')).toContainText('ACME-PC-01');
  await row.getByRole('button', { name: /Open ticket/ }).click();
  await expect(page.getByTestId('demo-manage-log')).toContainText(`Manage would open ticket #${ticket!.id}`);
  await page.screenshot({ path: testInfo.outputPath('pod-company-tab.png'), fullPage: true });
});

test('a ticket Deskbell did not create gets a friendly empty state', async ({ page }) => {
  const tickets = await manageGet<{ id: number; externalXRef?: string | null }[]>('/service/tickets?pageSize=50&orderBy=id%20asc');
  const foreign = tickets.find((t) => !t.externalXRef);
  expect(foreign, 'the demo seed has tickets of its own').toBeTruthy();
  await page.goto(`/demo/manage/ticket/${foreign!.id}`);
  const pod = podFrame(page);
  await expect(pod.getByTestId('pod-empty')).toBeVisible({ timeout: 30_000 });
  await expect(pod.getByTestId('pod-empty')).toContainText('did not come from the Deskbell button');
});
