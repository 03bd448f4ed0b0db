/**
 * The Notifications page in Chromium: edit a template, watch the live preview follow, save,
 * reload and find it kept; an emptied body is refused with a sentence next to the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const adminFile = path.resolve(import.meta.dirname, '../../test-results/e2e-data/admin.json');
type E2eAdmin = { setupCode: string; email: string; name: string; password: string };

/** Signs in; on a fresh server (this spec run alone) creates the first admin from the printed setup code. */
async function signIn(page: Page, next: string): Promise<void> {
  const admin = JSON.parse(fs.readFileSync(adminFile, 'utf8')) as E2eAdmin;
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  const first = page.getByRole('form', { name: 'Create the first admin' });
  if (await first.isVisible()) {
    await first.getByLabel('Setup code').fill(admin.setupCode);
    await first.getByLabel('Email').fill(admin.email);
    await first.getByLabel('Name (optional)').fill(admin.name);
    await first.getByLabel('Password', { exact: true }).fill(admin.password);
    await first.getByLabel('Password again').fill(admin.password);
    await first.getByRole('button', { name: 'Create the first admin' }).click();
  } else {
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Email').fill(admin.email);
    await form.getByLabel('Password').fill(admin.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  if (new URL(page.url()).pathname !== next) await page.goto(next);
}

test('edit a template with a live preview, save it, and keep it after a reload', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await signIn(page, '/notifications');
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Notifications' })).toBeVisible();

  const card = page.getByTestId('notification-card-status_changed');
  const title = card.getByLabel('Title');
  const body = card.getByLabel('Body');
  const previewTitle = page.getByTestId('notification-preview-status_changed-title');
  // The default template, rendered: no keyword is left in it.
  await expect(previewTitle).toHaveText(/^Ticket #\d+ is now \S/);
  await expect(page.getByTestId('notification-preview-status_changed-source')).toContainText(/Sample values|Values from ticket/);

  await title.fill('Status update on #__ticket_number__: __ticket_status__!');
  await expect(previewTitle).toHaveText(/^Status update on #\d+: \S.*!$/);

  // A keyword goes in at the cursor.
  await body.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(' Owner: ');
  await page.getByRole('button', { name: /^Insert __ticket_owner__/ }).click();
  await expect(body).toHaveValue(/ Owner: __ticket_owner__$/);
  await expect(page.getByTestId('notification-preview-status_changed-body')).not.toContainText('__ticket_owner__');

  await page.getByRole('button', { name: 'Save notifications' }).click();
  await expect(page.getByTestId('notifications-save-message')).toHaveText('The next notification uses these switches and templates.');
  await expect(page.getByTestId('notifications-dirty')).toHaveText('All changes saved.');

  await page.reload();
  await expect(title).toHaveValue('Status update on #__ticket_number__: __ticket_status__!');
  await expect(body).toHaveValue(/ Owner: __ticket_owner__$/);
  await expect(previewTitle).toHaveText(/^Status update on #\d+: \S.*!$/);
  await expect(page.getByRole('heading', { name: 'Recent notifications' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('notifications-page.png'), fullPage: true });

  // An empty body: a sentence next to the field, and Save refuses.
  await body.fill('');
  const bodyError = page.getByTestId('template-status_changed-body-error');
  await expect(bodyError).toHaveText('The body of \u201cStatus changed\u201d must not be empty.');
  await page.getByRole('button', { name: 'Save notifications' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not saved' })).toContainText('The body of \u201cStatus changed\u201d must not be empty.');
  await expect(bodyError).toBeVisible();
  await expect(body).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: testInfo.outputPath('notifications-page-error.png'), fullPage: true });
});
