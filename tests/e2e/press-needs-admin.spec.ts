/**
 * A press Manage refuses for a missing security-role permission, through the production server:
 * the CLI agent says in words that it waits for an admin and where the admin can see it; the
 * report names the permission and the fix; once the permission is granted, the report's Retry
 * creates the ticket.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';
import { createAgentTokenWithCli, pressWithCli, setSimPermissions } from './app-process';
import { e2eStack } from './e2e-stack';

const dataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');

test('a missing permission stops the press with the fix in words, and Retry finishes it once granted', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  await signIn(page, '/setup');
  const token = createAgentTokenWithCli(dataDir, 'e2e needs-admin device');
  await setSimPermissions(['service-desk/service-tickets:add']);
  let pressId: string | undefined;
  try {
    const started = Date.now();
    const pressed = pressWithCli(['--server', e2eStack.appUrl, '--token', token, '--message', 'Outlook will not open', '--email', 'dana.whitfield@acme-mfg.example', '--wait', '60']);
    // At once, not after eight retries over minutes.
    expect(Date.now() - started).toBeLessThan(30_000);
    const output = `${pressed.stdout}\n${pressed.stderr}`;
    expect(pressed.status, output).toBe(4);
    expect(output).not.toMatch(/\b[A-Z]\w*Error:/);
    expect(output).toContain('waits for your Deskbell admin');
    expect(output).toContain('Service Desk > Service Tickets: Add Level = All');
    pressId = /Press ([0-9a-f-]{36}) accepted/.exec(pressed.stdout)?.[1];
    expect(pressId).toBeTruthy();
    expect(output).toContain(`For admins (sign in): ${e2eStack.appUrl}/presses/${pressId}`);
  } finally {
    await setSimPermissions([]);
  }

  await page.goto(`/presses/${pressId}`);
  const panel = page.getByTestId('press-status-panel');
  await expect(panel).toContainText('Needs an admin:');
  await expect(panel).toContainText('Service Desk / Service Tickets / Add Level - All');
  await page.screenshot({ path: testInfo.outputPath('press-needs-admin-report.png'), fullPage: true });

  await panel.getByRole('button', { name: 'Retry' }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('press-status').first()).toHaveAttribute('data-status', 'ticket_created', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
});
