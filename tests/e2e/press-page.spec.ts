import path from 'node:path';
import { expect, test } from '@playwright/test';
import { buildPng } from '../support/press-fixtures';
import { createAgentTokenWithCli, ticketsWithExternalXRef } from './app-process';

// The e2e server's own database (scripts/e2e-server.ts); the CLI writes the token into it.
const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
let token: string;

test.beforeAll(() => {
  token = createAgentTokenWithCli(e2eDataDir, 'web press page');
});

test('without the help link the press page explains what to do', async ({ page }) => {
  await page.goto('/press');
  await expect(page.getByRole('alert').filter({ hasText: 'needs the help link' })).toBeVisible();
});

test('an end user presses from the browser: pasted and uploaded screenshots, then the ticket number', async ({ page }, testInfo) => {
  await page.goto(`/press#token=${token}`);
  await expect(page.getByRole('heading', { name: 'Ask for help' })).toBeVisible();

  // The form refuses an empty message in words a person understands.
  await page.getByRole('button', { name: 'Send to IT support' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Please describe the problem' })).toBeVisible();

  await page.getByLabel('Your name').fill('Dana Whitfield');
  await page.getByLabel('Email', { exact: true }).fill('dana.whitfield@acme-mfg.example');
  await page.getByLabel('What is wrong?').fill('The label printer prints blank pages since this morning');
  await page.getByLabel('Printer or scanner').check();

  await page.getByLabel('Choose screenshots').setInputFiles({
    name: 'uploaded.png',
    mimeType: 'image/png',
    buffer: buildPng({ width: 120, height: 80, shade: 3 }),
  });
  // A screenshot pasted from the clipboard, as after Print Screen.
  const pasted = buildPng({ width: 90, height: 60, shade: 7 }).toString('base64');
  await page.locator('form').evaluate((form, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'clipboard.png', { type: 'image/png' }));
    form.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, pasted);
  await expect(page.getByRole('list', { name: 'Screenshots to send' }).getByRole('img')).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath('press-form.png'), fullPage: true });

  const accepted = page.waitForResponse((r) => r.url().endsWith('/api/v1/presses') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Send to IT support' }).click();
  const { id } = (await (await accepted).json()) as { id: string };

  const ticket = page.getByTestId('ticket-number');
  await expect(ticket).toBeVisible({ timeout: 20_000 });
  const [created] = await ticketsWithExternalXRef(id);
  await expect(ticket).toHaveText(`#${created!.id}`);
  await page.screenshot({ path: testInfo.outputPath('press-done.png'), fullPage: true });
});

test('a revoked or wrong link gets a clear message, not a stack trace', async ({ page }) => {
  await page.goto('/press#token=dbt_not-a-real-token');
  await page.getByLabel('What is wrong?').fill('Nothing works');
  await page.getByRole('button', { name: 'Send to IT support' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'This help link is not valid any more' })).toBeVisible();
});
