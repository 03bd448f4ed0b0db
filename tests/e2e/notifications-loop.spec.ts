/**
 * The whole notification loop through the production server: the wizard registers the
 * callback in the simulator, the CLI agent presses, a technician moves the ticket in the
 * simulator, the simulator calls the real route with a signed callback, the worker turns it
 * into a notification, and `npm run press -- --listen` shows it. The report's timeline shows
 * the ticket event and that the device got it.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';
import { createAgentTokenWithCli, pressWithCli } from './app-process';
import { e2eStack } from './e2e-stack';

const dataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');

test('a status change in Manage reaches the device that pressed, and the report shows it', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  await signIn(page, '/setup/callbacks');
  const form = page.getByRole('form', { name: 'Register callbacks' });
  await form.getByLabel('All tickets (owner level)').check();
  await form.getByRole('button', { name: /Register callbacks|Update registration/ }).click();
  const row = page.getByRole('table', { name: 'Callbacks list' }).locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'active');

  const token = createAgentTokenWithCli(dataDir, 'e2e notifications device');
  const pressed = pressWithCli([
    '--server', e2eStack.appUrl, '--token', token,
    '--message', 'VPN drops every hour since the update',
    '--name', 'Dana Whitfield', '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01',
  ]);
  expect(pressed.status, pressed.stderr).toBe(0);
  const ticketNumber = /Ticket #(\d+) created/.exec(pressed.stdout)?.[1];
  const pressId = /Press ([0-9a-f-]{36}) accepted/.exec(pressed.stdout)?.[1];
  expect(ticketNumber && pressId).toBeTruthy();

  const moved = await fetch(`${e2eStack.simUrl}/__sim/tickets/${ticketNumber}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'In Progress', member: 'akhan' }),
  });
  expect(moved.status).toBe(200);

  // The CLI's inbox listener: both notifications, rendered, then acknowledged.
  const listened = pressWithCli(['--listen', '--listen-seconds', '6', '--server', e2eStack.appUrl, '--token', token]);
  expect(listened.status, listened.stderr).toBe(0);
  expect(listened.stdout).toContain(`Ticket #${ticketNumber} opened`);
  expect(listened.stdout).toContain('Hi Dana, we have your request');
  expect(listened.stdout).toContain(`Ticket #${ticketNumber} is now In Progress`);
  expect(listened.stdout).toContain('Aisha Khan moved your ticket "VPN drops every hour since the update" to In Progress.');
  // Acknowledged: the inbox is empty for this device now.
  const inbox = await fetch(`${e2eStack.appUrl}/api/v1/agent/notifications`, { headers: { authorization: `Bearer ${token}` } });
  expect(await inbox.json()).toEqual({ notifications: [] });

  await page.goto(`/presses/${pressId}`);
  const timeline = page.getByTestId('press-timeline');
  await expect(timeline.locator('li[data-kind="status_changed"]')).toContainText('In Progress by Aisha Khan');
  await expect(timeline.locator('li[data-kind="status_changed"]')).toContainText('The user saw it (the desktop agent).');
  await expect(timeline.locator('li[data-kind="ticket_created"]')).toContainText('The user saw it (the desktop agent).');
  await page.screenshot({ path: testInfo.outputPath('notification-timeline.png'), fullPage: true });

  // Leave no callback behind for later specs.
  await page.goto('/setup/callbacks');
  const id = (await row.getAttribute('data-testid'))!.replace('callback-row-', '');
  await row.getByRole('button', { name: `Remove callback ${id}` }).click();
  await row.getByRole('button', { name: `Confirm removing callback ${id}` }).click();
  await expect(page.getByTestId('no-callbacks')).toBeVisible();
});
