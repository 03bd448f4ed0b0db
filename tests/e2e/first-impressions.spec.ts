/**
 * What a newcomer sees first, in Chromium: the front door on a fresh install and for a
 * signed-in admin, the branded 404 and the favicon, the dashboard before any press, the web
 * press page's drop zone, and the demo Manage ticket whose technician buttons drive the
 * simulator so the notification reaches the device that pressed. Screenshots of each are
 * saved beside the test's results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { buildPng } from '../support/press-fixtures';
import { signIn } from './admin-sign-in';
import { createAgentTokenWithCli, pressWithCli, startApp, stopApp, type AppProcess } from './app-process';
import { e2eStack } from './e2e-stack';

const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
const freshDataDir = path.resolve(import.meta.dirname, '../../test-results/first-impressions-data');

test.describe.configure({ mode: 'serial' });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test.describe('a fresh install', () => {
  let app: AppProcess;
  test.beforeAll(async () => {
    fs.rmSync(freshDataDir, { recursive: true, force: true });
    app = await startApp(freshDataDir, e2eStack.journeyAppPort, { manage: false });
  });
  test.afterAll(async () => {
    if (app) await stopApp(app);
  });

  test('/ is the front door, unknown pages get a branded 404, and there is a favicon', async ({ page }) => {
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
    });
    await page.goto(`${app.url}/`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('ConnectWise Manage ticket');
    const next = page.getByTestId('home-next-step');
    await expect(next.getByRole('link', { name: 'Create the first admin' })).toHaveAttribute('href', '/login');
    await expect(page.getByRole('heading', { name: 'How it works' })).toBeVisible();
    const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
    expect(icon).toMatch(/^\/icon\.svg/);
    const served = await page.request.get(`${app.url}${icon}`);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toContain('image/svg+xml');
    await page.waitForLoadState('networkidle');
    expect(notFound).toEqual([]);
    await shot(page, 'home-signed-out');

    const missing = await page.goto(`${app.url}/no-such-page`);
    expect(missing!.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Go to the start page' })).toHaveAttribute('href', '/');
    await shot(page, 'not-found');
  });

  test('a signed-in admin is sent to the open setup step, and the empty dashboard says what to do first', async ({ page }) => {
    const setupCode = /setup code ([A-Z0-9-]+)/.exec(app.output())?.[1];
    expect(setupCode).toBeTruthy();
    await page.goto(`${app.url}/login`);
    const first = page.getByRole('form', { name: 'Create the first admin' });
    await first.getByLabel('Setup code').fill(setupCode!);
    await first.getByLabel('Email').fill('newcomer@msp.example');
    await first.getByLabel('Password', { exact: true }).fill('a long enough passphrase 7');
    await first.getByLabel('Password again').fill('a long enough passphrase 7');
    await first.getByRole('button', { name: 'Create the first admin' }).click();
    await page.waitForURL(/\/setup/);

    await page.goto(`${app.url}/`);
    const next = page.getByTestId('home-next-step');
    await expect(next.getByRole('link', { name: 'Continue setup: Connection' })).toHaveAttribute('href', '/setup/connection');
    await expect(next).toContainText('Signed in as newcomer@msp.example');
    await shot(page, 'home-signed-in');

    await page.goto(`${app.url}/presses`);
    const start = page.getByTestId('presses-getting-started');
    await expect(start.getByRole('heading', { name: 'No presses yet' })).toBeVisible();
    await expect(start.getByTestId('first-step')).toHaveCount(3);
    await expect(start.getByRole('link', { name: 'Open the connection step' })).toHaveAttribute('href', '/setup/connection');
    await expect(page.getByText('No presses match these filters')).toHaveCount(0);
    await expect(page.getByTestId('press-chart')).toHaveCount(0);
    await shot(page, 'presses-empty');
  });
});

test.describe('the demo with a press', () => {
  let token: string;
  test.beforeAll(() => {
    token = createAgentTokenWithCli(e2eDataDir, 'first impressions device');
  });

  test('the web press page: a drop zone with thumbnails, a readable OS, and Send another', async ({ page }) => {
    test.setTimeout(60_000);
    await page.goto(`/press#token=${token}`);
    await page.getByLabel('What is wrong?').fill('Outlook asks for my password every few minutes');
    await page.getByLabel('Email', { exact: true }).fill('dana.whitfield@acme-mfg.example');
    // Dropped onto the zone, as from the desktop.
    const b64 = [buildPng({ width: 160, height: 100, shade: 11 }), buildPng({ width: 160, height: 100, shade: 90 })].map((b) => b.toString('base64'));
    await page.getByTestId('screenshot-drop-zone').evaluate((zone, files) => {
      const data = new DataTransfer();
      files.forEach((f, i) => data.items.add(new File([Uint8Array.from(atob(f), (c) => c.charCodeAt(0))], `screen-${i + 1}.png`, { type: 'image/png' })));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, b64);
    await expect(page.getByRole('list', { name: 'Screenshots to send' }).getByRole('img')).toHaveCount(2);
    await expect(page.getByTestId('screenshot-count')).toHaveText('2 screenshots ready to send.');
    await expect(page.getByText('No file chosen')).toHaveCount(0);
    await shot(page, 'press-page');

    const accepted = page.waitForResponse((r) => r.url().endsWith('/api/v1/presses') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Send to IT support' }).click();
    const { id } = (await (await accepted).json()) as { id: string };
    await expect(page.getByTestId('ticket-number')).toBeVisible({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Send another request' }).click();
    await expect(page.getByLabel('What is wrong?')).toHaveValue('');

    // Signing in lands on the wizard when it creates the first admin (a spec run alone).
    await signIn(page, '/setup');
    await page.goto(`/presses/${id}`);
    const os = page.getByTestId('host-details');
    // The browser's own name for its OS (Playwright's Desktop Chrome claims Windows), not its user-agent string.
    await expect(os).toContainText(/Operating system(Windows( 1[01])?|Linux|macOS( \d+)?)Agent version/);
    await expect(os).not.toContainText('Mozilla');
  });

  test('the demo Manage ticket shows the real fields, and its technician buttons reach the device', async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, '/setup');
    await page.goto('/setup/callbacks');
    const form = page.getByRole('form', { name: 'Register callbacks' });
    await form.getByLabel('All tickets (owner level)').check();
    await form.getByRole('button', { name: /Register callbacks|Update registration/ }).click();
    const row = page.getByRole('table', { name: 'Callbacks list' }).locator('tbody tr');
    await expect(row).toHaveCount(1);

    try {
      // Only an email, as in the README: the matched contact names the user.
      const pressed = pressWithCli([
        '--server', e2eStack.appUrl, '--token', token,
        '--message', 'The scanner on the second floor is offline',
        '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01',
      ]);
      expect(pressed.status, pressed.stderr).toBe(0);
      const ticketNumber = /Ticket #(\d+) created/.exec(pressed.stdout)![1]!;

      await page.goto(`/demo/manage/ticket/${ticketNumber}`);
      await expect(page.getByTestId('demo-field-board')).toContainText('Help Desk');
      await expect(page.getByTestId('demo-field-status')).toContainText('New');
      await expect(page.getByTestId('demo-field-company')).toContainText('Acme');
      await expect(page.getByTestId('demo-field-contact')).toContainText('Dana Whitfield');
      await expect(page.getByText('—')).toHaveCount(0);
      const pod = page.frameLocator('[data-testid="demo-pod-frame"]');
      await expect(pod.getByTestId('pod-header')).toContainText('Dana Whitfield');

      const panel = page.getByTestId('demo-technician-panel');
      await panel.getByLabel('New status', { exact: true }).selectOption('In Progress');
      await panel.getByRole('button', { name: 'Change status' }).click();
      await expect(page.getByTestId('demo-technician-result')).toContainText('Status set to In Progress.');
      await expect(page.getByTestId('demo-field-status')).toContainText('In Progress');

      await panel.getByLabel('Note text', { exact: true }).fill('A technician is on the way.');
      await panel.getByRole('button', { name: 'Add note' }).click();
      await expect(page.getByTestId('demo-technician-result')).toContainText('Note added.');

      await panel.getByLabel('New owner', { exact: true }).selectOption({ label: 'Aisha Khan' });
      await panel.getByRole('button', { name: 'Assign' }).click();
      await expect(page.getByTestId('demo-field-owner')).toContainText('Aisha Khan');
      // The screen reloads after a change, as Manage's does: the pod shows the press again.
      await expect(pod.getByTestId('pod-header')).toContainText('Dana Whitfield', { timeout: 15_000 });
      await shot(page, 'demo-manage-ticket');

      // The device that pressed hears about each change, greeted by the contact's name.
      await expect
        .poll(
          async () => {
            const res = await fetch(`${e2eStack.appUrl}/api/v1/agent/notifications`, { headers: { authorization: `Bearer ${token}` } });
            const { notifications } = (await res.json()) as { notifications: { title: string; body: string }[] };
            return notifications.map((n) => `${n.title} | ${n.body}`).join('\n');
          },
          { timeout: 20_000 },
        )
        .toMatch(new RegExp(`Hi Dana, we have your request[\\s\\S]*is now In Progress[\\s\\S]*A technician is on the way\\.[\\s\\S]*Hi Dana, Aisha Khan is now looking after`));

      // A ticket Manage does not have: said once, and no pod.
      await page.goto('/demo/manage/ticket/999999');
      await expect(page.getByTestId('demo-manage-problem')).toHaveText(/Manage has no ticket #999999/);
      await expect(page.getByText(/security role/)).toHaveCount(0);
      await expect(page.locator('[data-testid="demo-pod-frame"]')).toHaveCount(0);
    } finally {
      await page.goto('/setup/callbacks');
      const id = (await row.getAttribute('data-testid'))!.replace('callback-row-', '');
      await row.getByRole('button', { name: `Remove callback ${id}` }).click();
      await row.getByRole('button', { name: `Confirm removing callback ${id}` }).click();
      await expect(page.getByTestId('no-callbacks')).toBeVisible();
    }
  });
});
