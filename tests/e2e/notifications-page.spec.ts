/**
 * The Notifications page in Chromium: edit a template, watch the live preview follow, save,
 * reload and find it kept; an emptied body is refused with a sentence next to the field.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';

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
