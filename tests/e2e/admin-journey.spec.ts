/**
 * The admin's whole first day, in Chromium against the simulator, on a fresh install:
 * first admin -> connect (wrong key, then right) -> permissions (one missing, with its fix)
 * -> unregistered catch-all created -> defaults -> agent token -> a press with the CLI agent
 * -> the ticket on the dashboard -> the report page. A screenshot of each step is saved.
 * Then: the private key never reaches an HTML page, an API response, a log line or the
 * database file in clear.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { buildPng } from '../support/press-fixtures';
import { demoManage, pressWithCli, setSimPermissions, startApp, stopApp, ticketsWithExternalXRef, type AppProcess } from './app-process';
import { e2eStack } from './e2e-stack';

const port = e2eStack.journeyAppPort;
const dataDir = path.resolve(import.meta.dirname, '../../test-results/journey-data');
const admin = { email: 'owner@harborview-tech.example', name: 'Olivia Owner', password: 'correct horse battery staple 42' };
let app: AppProcess;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  app = await startApp(dataDir, port, { manage: false });
});

test.afterAll(async () => {
  await setSimPermissions([]);
  if (app) await stopApp(app);
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test('an MSP admin sets Deskbell up and follows a press to its report', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const base = app.url;

  // 1. Fresh install: no default password, a one-time setup code in the server's output.
  const setupCode = /setup code ([A-Z0-9-]+)/.exec(app.output())?.[1];
  expect(setupCode, 'the server prints a setup code on first run').toBeTruthy();
  await page.goto(`${base}/login`);
  const firstAdmin = page.getByRole('form', { name: 'Create the first admin' });
  await expect(firstAdmin).toBeVisible();
  await shot(page, '01-fresh-install');

  // 2. First admin (a weak password is refused in words first).
  await firstAdmin.getByLabel('Setup code').fill(setupCode!);
  await firstAdmin.getByLabel('Email').fill(admin.email);
  await firstAdmin.getByLabel('Name (optional)').fill(admin.name);
  await firstAdmin.getByLabel('Password', { exact: true }).fill('short');
  await firstAdmin.getByLabel('Password again').fill('short');
  await firstAdmin.getByRole('button', { name: 'Create the first admin' }).click();
  await expect(page.getByText(/at least 12 characters/i).first()).toBeVisible();
  await firstAdmin.getByLabel('Password', { exact: true }).fill(admin.password);
  await firstAdmin.getByLabel('Password again').fill(admin.password);
  await firstAdmin.getByRole('button', { name: 'Create the first admin' }).click();
  await page.waitForURL(`${base}/setup**`);
  await expect(page.getByRole('navigation', { name: 'Setup steps' })).toBeVisible();
  await shot(page, '02-first-admin');

  // 3. Connect: the wrong private key first, then the right one.
  await page.goto(`${base}/setup/connection`);
  const endpoint = `127.0.0.1:${e2eStack.simPort}/v4_6_release`;
  await page.getByLabel('Endpoint').fill(endpoint);
  await page.getByLabel('API key').fill(`${demoManage.companyId}+${demoManage.publicKey}:NotTheRightKey99`);
  await page.getByLabel('clientId').fill(demoManage.clientId);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Manage rejected the API keys' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('NotTheRightKey99', { timeout: 1 });
  await shot(page, '03a-wrong-key');
  await page.getByLabel('API key').fill(`${demoManage.companyId}+${demoManage.publicKey}:${demoManage.privateKey}`);
  await page.getByRole('button', { name: 'Test and save' }).click();
  await expect(page.getByText('Saved. The next press uses this connection.')).toBeVisible();
  await shot(page, '03b-connected');

  // 4. Permissions: one role setting missing in Manage shows with its fix, decided from the
  // API member's security role; with the role unreadable, by test requests; then all pass.
  await setSimPermissions(['companies/configurations']);
  await page.goto(`${base}/setup/permissions`);
  await page.getByRole('button', { name: /Check permissions/ }).click();
  const failing = page.locator('[data-probe="configurations-inquire"]');
  await expect(failing).toHaveAttribute('data-verdict', 'fail');
  await expect(failing).toHaveAttribute('data-method', 'role');
  await expect(failing).toContainText('From the security role');
  await expect(failing).toContainText('Companies > Configurations, Inquire Level = None; Deskbell needs All.');
  await expect(failing).toContainText('Fix in Manage');
  await expect(page.locator('[data-verdict="fail"]')).toHaveCount(1);
  await expect(page.getByTestId('permission-methods')).toHaveText(/^All 11 lines were decided from the API member\u2019s security role in Manage; no test request was sent\.$/);
  await shot(page, '04a-permission-missing');
  await setSimPermissions(['system/security-roles', 'companies/configurations']);
  await page.getByRole('button', { name: /Check permissions again/ }).click();
  await expect(failing).toHaveAttribute('data-method', 'probe');
  await expect(failing).toHaveAttribute('data-verdict', 'fail');
  await expect(failing).toContainText('By a test request');
  await expect(failing).toContainText('GET /company/configurations answered 403 Forbidden: the security role refuses it.');
  await expect(page.getByTestId('permission-methods')).toHaveText(
    'All 11 lines were decided by a test request. The API member\u2019s security role could not be read: GET /system/securityRoles/63/settings answered 403 Forbidden.',
  );
  await shot(page, '04b-permission-missing-by-test-request');
  await setSimPermissions([]);
  await page.getByRole('button', { name: /Check permissions/ }).click();
  await expect(page.locator('[data-verdict="fail"]')).toHaveCount(0);
  await expect(failing).toHaveAttribute('data-verdict', 'pass');
  await expect(page.locator('[data-method="probe"]')).toHaveCount(0);
  await shot(page, '04c-permissions-pass');

  // 5. Unregistered users: this MSP's own catch-all address does not exist yet; create it.
  await page.goto(`${base}/setup/unregistered`);
  await page.getByLabel('Catch-all email').fill('unregistered+harborview@helpdeskbuttons.com');
  await page.getByRole('button', { name: 'Find in Manage' }).click();
  const create = page.getByRole('form', { name: 'Create the catch-all' });
  await expect(create).toBeVisible();
  await create.getByRole('button', { name: 'Create in Manage' }).click();
  await expect(page.getByText(/confirm/i).first()).toBeVisible();
  await create.getByLabel('I confirm: create these records in Manage').check();
  await create.getByRole('button', { name: 'Create in Manage' }).click();
  await expect(page.getByText('The catch-all is ready')).toBeVisible();
  await shot(page, '05-unregistered-created');

  // 6. Defaults, with a preview of the ticket a sample press would make.
  await page.goto(`${base}/setup/defaults`);
  const defaults = page.getByRole('form', { name: 'Ticket defaults' });
  await defaults.getByLabel('Board').selectOption({ label: 'Help Desk' });
  await expect(defaults.getByLabel('Status').locator('option', { hasText: 'Waiting on Client' })).toHaveCount(1);
  await defaults.getByLabel('Status').selectOption({ label: 'New' });
  await defaults.getByLabel('Team').selectOption({ label: 'Tier 1' });
  await defaults.getByLabel('Source').selectOption({ label: 'Helpdesk Button' });
  await defaults.getByRole('button', { name: 'Save defaults' }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();
  const preview = page.getByRole('form', { name: 'Ticket preview' });
  await preview.getByLabel('Sample message').fill('The label printer prints blank pages since this morning');
  await preview.getByLabel('Sample email').fill('dana.whitfield@acme-mfg.example');
  await preview.getByRole('button', { name: 'Preview ticket' }).click();
  await expect(page.getByTestId('preview-summary')).toHaveText('The label printer prints blank pages since this');
  await expect(page.getByTestId('preview-fields')).toContainText('Help Desk');
  await shot(page, '06-defaults');

  // 7. An agent token, shown once.
  await page.goto(`${base}/setup/agents`);
  await page.getByLabel('Token name').fill('Harborview front desk');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('New agent token').inputValue();
  expect(token).toMatch(/^dbt_/);
  await expect(page.getByLabel('Press page link')).toHaveValue(new RegExp(`/press#token=${token}$`));
  await shot(page, '07-agent-token');

  // 8. A press with the CLI agent, pointed at this server as the wizard says.
  const screenshotFile = test.info().outputPath('monitor-0.png');
  fs.writeFileSync(screenshotFile, buildPng({ width: 160, height: 100, shade: 11 }));
  const press = pressWithCli([
    '--server', base, '--token', token,
    '--message', 'The label printer prints blank pages since this morning',
    '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01', '--screenshot', screenshotFile,
  ]);
  expect(press.status, press.stderr).toBe(0);
  const ticketNumber = /Ticket #(\d+) created/.exec(press.stdout)?.[1];
  const pressId = /Press ([0-9a-f-]{36}) accepted/.exec(press.stdout)?.[1];
  expect(ticketNumber && pressId).toBeTruthy();
  expect(await ticketsWithExternalXRef(pressId!)).toHaveLength(1);

  // 9. The ticket appears on the dashboard, linked to Manage.
  await page.goto(`${base}/presses`);
  const row = page.getByTestId(`press-row-${pressId}`);
  await expect(row).toHaveAttribute('data-status', 'ticket_created');
  const ticketLink = row.getByRole('link', { name: `Ticket #${ticketNumber} in Manage` });
  await expect(ticketLink).toHaveAttribute('href', new RegExp(`routeTo=ServiceFV&recid=${ticketNumber}`));
  await shot(page, '09-dashboard');

  // 10. The report page: what the technician's link in the internal note opens.
  await row.getByRole('link', { name: /Open report/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Press report' })).toBeVisible();
  await expect(page.getByTestId('screenshot-main')).toBeVisible();
  await expect(page.getByTestId('host-details')).toContainText('ACME-PC-01');
  await expect(page.getByTestId('manage-calls-total')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Submission Errors' })).toBeVisible();
  await shot(page, '10-report');

  // The private key never leaves the server in clear: pages, admin API answers, logs, database.
  const secret = demoManage.privateKey;
  const pages = ['/setup', '/setup/connection', '/setup/permissions', '/setup/unregistered', '/setup/defaults', '/setup/agents', '/presses', `/presses/${pressId}`, '/audit'];
  for (const p of pages) {
    const html = await (await page.request.get(`${base}${p}`)).text();
    expect(html, `HTML of ${p}`).not.toContain(secret);
  }
  for (const p of ['/api/admin/presses', '/api/admin/setup/defaults/options', '/api/admin/setup/agents', '/api/health']) {
    const res = await page.request.get(`${base}${p}`);
    expect(res.status(), p).toBeLessThan(400);
    expect(await res.text(), `answer of ${p}`).not.toContain(secret);
  }
  const tested = await page.request.post(`${base}/api/admin/setup/connection/test`, {
    data: { endpoint, apiKey: `${demoManage.companyId}+${demoManage.publicKey}:${secret}x`, clientId: demoManage.clientId },
    headers: { origin: base },
  });
  expect(await tested.text()).not.toContain(secret);
  expect(app.output(), 'server log').not.toContain(secret);
  for (const file of fs.readdirSync(dataDir)) {
    const bytes = fs.readFileSync(path.join(dataDir, file));
    expect(bytes.includes(Buffer.from(secret)), `${file} holds the private key in clear`).toBe(false);
    expect(bytes.includes(Buffer.from(demoManage.clientId)), `${file} holds the clientId in clear`).toBe(false);
  }

  // The audit log reads as sentences naming the admin, newest first, with relative times; no
  // event codes or raw JSON. A viewer in another zone sees the full time in their own zone.
  await page.goto(`${base}/audit`);
  const audit = page.getByTestId('audit-table');
  await expect(audit).toContainText(`${admin.name} created the agent token 'Harborview front desk'.`);
  await expect(audit).toContainText(`${admin.name} saved the Manage connection to `);
  await expect(audit.getByTestId('audit-entry').first().locator('time')).toHaveText(/^(just now|\d+ min ago)$/);
  expect(await audit.innerText()).not.toMatch(/agent_token\.|setup\.|manage\.connection|[{}]/);
  await shot(page, '11-audit');
  const elsewhere = await browser.newContext({ storageState: await page.context().storageState(), timezoneId: 'Asia/Kolkata' });
  try {
    const far = await elsewhere.newPage();
    // The server renders UTC and the browser its own zone: that must never be a hydration mismatch.
    const consoleErrors: string[] = [];
    far.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    far.on('pageerror', (e) => consoleErrors.push(e.message));
    await far.goto(`${base}/audit`);
    await expect(far.getByTestId('audit-entry').first().locator('time')).toHaveAttribute('title', /GMT\+5:30$/);
    await far.goto(`${base}/presses/${pressId}`);
    await expect(far.getByTestId('screenshot-main')).toHaveAttribute('alt', /GMT\+5:30/);
    await far.goto(`${base}/presses`);
    await expect(far.locator('tbody time').first()).toHaveText(/^(just now|\d+ min ago)$/);
    expect(consoleErrors.filter((e) => !/favicon/i.test(e))).toEqual([]);
  } finally {
    await elsewhere.close();
  }
});
