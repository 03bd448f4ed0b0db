/**
 * The wizard's Pod step in Chromium against the e2e simulator: register the Manage pod on the
 * Service Ticket screen, see it Active with the manual instructions beside it, register again
 * (nothing changes), then remove it. Ends with nothing registered.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';

test('register the Manage pod, see it Active, register again, remove it', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await signIn(page, '/setup/pod');
  await expect(page.getByRole('heading', { level: 1, name: 'Step 8: Pod' })).toBeVisible();
  await expect(page.getByRole('link', { name: '8. Pod: To do' })).toBeVisible();
  await expect(page.getByTestId('no-hosted-entries')).toHaveText('No Deskbell pod or tab is registered in Manage yet.');
  const podUrl = /^http:\/\/127\.0\.0\.1:\d+\/pod\?id=\[cw_id\]&screen=\[cw_screen\]$/;
  await expect(page.getByTestId('pod-url')).toHaveText(podUrl);

  const form = page.getByRole('form', { name: 'Register the pod' });
  await expect(form.getByLabel('Also a tab on the Service Ticket screen')).not.toBeChecked();
  await expect(form.getByLabel('Also a tab on the Company screen')).not.toBeChecked();
  await form.getByRole('button', { name: 'Register the pod' }).click();
  await expect(page.getByTestId('pod-summary')).toHaveText('Registered in Manage: the Service Ticket pod (1 created).');
  await expect(page.getByTestId('sync-entry')).toHaveAttribute('data-outcome', 'created');

  const list = page.getByRole('table', { name: 'Pods and tabs list' });
  const row = list.locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'active');
  await expect(row.getByRole('rowheader')).toHaveText('Service Ticket');
  await expect(row).toContainText('Pod');
  await expect(row).toContainText('360 px');
  await expect(row).toContainText('Active');
  await expect(page.getByRole('link', { name: '8. Pod: Done' })).toBeVisible();

  await page.getByText('Prefer to do it by hand?').click();
  await expect(page.getByLabel('URL', { exact: true })).toHaveValue(podUrl);
  await expect(page.getByLabel('Origin', { exact: true })).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(page.getByLabel('Pod height', { exact: true })).toHaveValue('360');
  for (const name of ['Copy the origin', 'Copy the URL', 'Copy the pod height']) await expect(page.getByRole('button', { name })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('pod-registered.png'), fullPage: true });

  await form.getByRole('button', { name: 'Update registration' }).click();
  await expect(page.getByTestId('pod-summary')).toHaveText('Registered in Manage: the Service Ticket pod (1 unchanged).');
  await expect(page.getByTestId('sync-entry')).toHaveAttribute('data-outcome', 'unchanged');
  await expect(row).toHaveCount(1);

  const id = (await row.getAttribute('data-testid'))!.replace('hosted-row-', '');
  await row.getByRole('button', { name: `Remove Hosted API entry ${id}` }).click();
  await row.getByRole('button', { name: `Confirm removing Hosted API entry ${id}` }).click();
  await expect(page.getByTestId('no-hosted-entries')).toHaveText('No Deskbell pod or tab is registered in Manage yet.');
  await expect(page.getByRole('status').filter({ hasText: `Hosted API entry ${id} (Pod on Service Ticket) was removed from Manage.` })).toBeVisible();
  await expect(page.getByRole('link', { name: '8. Pod: To do' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('pod-removed.png'), fullPage: true });
});
