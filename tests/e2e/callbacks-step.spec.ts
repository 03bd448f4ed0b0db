/**
 * The wizard's Callbacks step in Chromium against the e2e simulator: register Manage's ticket
 * callback for all tickets, see it Active, register again (nothing changes), then remove it.
 * Ends with nothing registered, so later specs' ticket changes call no one.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';

test('register the ticket callback for all tickets, register again, remove it', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await signIn(page, '/setup/callbacks');
  await expect(page.getByRole('heading', { level: 1, name: 'Step 7: Callbacks' })).toBeVisible();
  await expect(page.getByRole('link', { name: '7. Callbacks: To do' })).toBeVisible();
  await expect(page.getByRole('link', { name: '8. Pod: To do' })).toBeVisible();
  await expect(page.getByTestId('no-callbacks')).toHaveText('No Deskbell callback is registered in Manage yet.');

  const form = page.getByRole('form', { name: 'Register callbacks' });
  await form.getByLabel('All tickets (owner level)').check();
  await form.getByRole('button', { name: 'Register callbacks' }).click();
  await expect(page.getByTestId('callbacks-summary')).toHaveText('1 callback registered for all tickets (owner level) (1 created).');
  await expect(page.getByTestId('sync-entry')).toHaveAttribute('data-outcome', 'created');

  const list = page.getByRole('table', { name: 'Callbacks list' });
  const row = list.locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'active');
  await expect(row).toContainText('All tickets (owner level)');
  await expect(row).toContainText('Active');
  // The list masks the path token; the manual box shows the whole URL.
  await expect(row).toContainText(/\/api\/connectwise\/callback\/[A-Za-z0-9_-]{4}\u2026\?recordId=/);
  await expect(page.getByRole('link', { name: '7. Callbacks: Done' })).toBeVisible();
  await page.getByText('Prefer to do it by hand?').click();
  await expect(page.getByLabel('Callback URL')).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/api\/connectwise\/callback\/[A-Za-z0-9_-]{43}\?recordId=$/);
  await page.screenshot({ path: testInfo.outputPath('callbacks-registered.png'), fullPage: true });

  await form.getByRole('button', { name: 'Update registration' }).click();
  await expect(page.getByTestId('callbacks-summary')).toHaveText('1 callback registered for all tickets (owner level) (1 unchanged).');
  await expect(page.getByTestId('sync-entry')).toHaveAttribute('data-outcome', 'unchanged');
  await expect(row).toHaveCount(1);

  const id = (await row.getAttribute('data-testid'))!.replace('callback-row-', '');
  await row.getByRole('button', { name: `Remove callback ${id}` }).click();
  await row.getByRole('button', { name: `Confirm removing callback ${id}` }).click();
  await expect(page.getByTestId('no-callbacks')).toHaveText('No Deskbell callback is registered in Manage yet.');
  await expect(page.getByRole('status').filter({ hasText: `Callback ${id} (All tickets (owner level)) was removed from Manage.` })).toBeVisible();
  await expect(page.getByRole('link', { name: '7. Callbacks: To do' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('callbacks-removed.png'), fullPage: true });
});
