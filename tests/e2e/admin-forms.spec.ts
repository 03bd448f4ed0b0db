/**
 * Every admin form refuses bad input with a message a person understands, shown in the page
 * (not a stack trace, not a bare status code). Runs against the e2e server, whose first
 * admin this spec creates from the setup code the server printed.
 */
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eStack } from './e2e-stack';

const adminFile = path.resolve(import.meta.dirname, '../../test-results/e2e-data/admin.json');
type E2eAdmin = { setupCode: string; email: string; name: string; password: string };

test.describe.configure({ mode: 'serial' });

function readAdmin(): E2eAdmin {
  return JSON.parse(fs.readFileSync(adminFile, 'utf8')) as E2eAdmin;
}

async function signIn(page: Page, admin: E2eAdmin): Promise<void> {
  await page.goto('/login');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(admin.email);
  await form.getByLabel('Password').fill(admin.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

test('the first-admin and sign-in forms', async ({ page }) => {
  const admin = readAdmin();
  await page.goto('/login');
  const first = page.getByRole('form', { name: 'Create the first admin' });
  await first.getByLabel('Setup code').fill('AAAA-BBBB-CCCC');
  await first.getByLabel('Email').fill(admin.email);
  await first.getByLabel('Password', { exact: true }).fill(admin.password);
  await first.getByLabel('Password again').fill(admin.password);
  await first.getByRole('button', { name: 'Create the first admin' }).click();
  await expect(page.getByText('That setup code is not valid').first()).toBeVisible();

  await first.getByLabel('Setup code').fill(admin.setupCode);
  await first.getByLabel('Email').fill('not an email');
  await first.getByRole('button', { name: 'Create the first admin' }).click();
  await expect(page.getByText('Enter a valid email address, like you@example.com.').first()).toBeVisible();

  await first.getByLabel('Email').fill(admin.email);
  await first.getByLabel('Password again').fill(`${admin.password}-different`);
  await first.getByRole('button', { name: 'Create the first admin' }).click();
  await expect(page.getByText('The two passwords are not the same.').first()).toBeVisible();

  await first.getByLabel('Name (optional)').fill(admin.name);
  await first.getByLabel('Password again').fill(admin.password);
  await first.getByRole('button', { name: 'Create the first admin' }).click();
  await page.waitForURL(/\/setup/);

  // Signed out, a wrong password reads the same as an unknown email.
  await page.context().clearCookies();
  await page.goto('/login');
  const signInForm = page.getByRole('form', { name: 'Sign in' });
  await signInForm.getByLabel('Email').fill(admin.email);
  await signInForm.getByLabel('Password').fill('definitely-not-it-123');
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-error')).toHaveText('That email and password do not match an admin.');
});

test('the connection form names what is wrong with the key, the endpoint and the network', async ({ page }) => {
  await signIn(page, readAdmin());
  await page.goto('/setup/connection');
  await page.getByLabel('Endpoint').fill(`127.0.0.1:${e2eStack.simPort}/v4_6_release`);
  await page.getByLabel('API key').fill('deskbell_demo-DemoPubKey000001:DemoPrivKey00001');
  await page.getByLabel('clientId').fill('5c0f3c2e-7d4b-4b8e-9a51-3f6d2c1b8e47');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/\+/).filter({ hasText: /company id/i }).first()).toBeVisible();
  await expect(page.locator('body')).not.toContainText('DemoPrivKey00001');

  await page.getByLabel('API key').fill('deskbell_demo+DemoPubKey000001:DemoPrivKey00001');
  await page.getByLabel('Endpoint').fill('127.0.0.1:1/v4_6_release');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'refused the connection' })).toBeVisible();

  await page.getByLabel('Endpoint').fill('http://manage.example.com/v4_6_release');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/https/i).filter({ hasText: /http:\/\//i }).first()).toBeVisible();

  // Another endpoint with the key and clientId left empty: the page says they must be typed
  // again, before and after pressing Test (the stored ones only go to the stored endpoint).
  await page.getByLabel('Endpoint').fill('127.0.0.1:1/v4_6_release');
  await page.getByLabel('API key').fill('');
  await page.getByLabel('clientId').fill('');
  await expect(page.getByText('You changed the endpoint.')).toBeVisible();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/type the API key again/).first()).toBeVisible();
  await expect(page.getByText(/type the clientId again/).first()).toBeVisible();
  await page.getByLabel('Endpoint').fill(`127.0.0.1:${e2eStack.simPort}/v4_6_release`);
  await expect(page.getByText('You changed the endpoint.')).toBeHidden();
});

test('the stored Manage key and clientId never reach a host an admin (or a forged request) names', async ({ page }) => {
  await signIn(page, readAdmin());
  // An attacker's "Manage" on another loopback port: it records every request it gets.
  const seen: { url: string; headers: Record<string, unknown> }[] = [];
  const trap = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(req.url?.includes('companyinfo') ? 404 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  try {
    const endpoint = `127.0.0.1:${(trap.address() as AddressInfo).port}/v4_6_release`;
    const headers = { origin: e2eStack.appUrl, 'content-type': 'application/json' };
    for (const [method, url] of [['post', '/api/admin/setup/connection/test'], ['put', '/api/admin/setup/connection']] as const) {
      const res = await page.request[method](url, { headers, data: { endpoint, apiKey: '', clientId: '', saveAnyway: true } });
      expect(res.status(), url).toBe(422);
      const body = (await res.json()) as { error: { message: string; details: { path: string }[] } };
      expect(body.error.message).toContain('type the API key and clientId again');
      expect(body.error.details.map((d) => d.path).sort()).toEqual(['apiKey', 'clientId']);
    }
    expect(seen).toEqual([]);
  } finally {
    await new Promise<void>((resolve) => trap.close(() => resolve()));
  }
});

test('the unregistered, defaults preview and agent token forms', async ({ page }) => {
  await signIn(page, readAdmin());
  await page.goto('/setup/unregistered');
  await page.getByLabel('Catch-all email').fill('not-an-email');
  await page.getByRole('button', { name: 'Find in Manage' }).click();
  await expect(page.getByText('Enter an email address like unregistered@helpdeskbuttons.com.').first()).toBeVisible();

  await page.goto('/setup/defaults');
  const preview = page.getByRole('form', { name: 'Ticket preview' });
  await preview.getByLabel('Sample message').fill('   ');
  await preview.getByRole('button', { name: 'Preview ticket' }).click();
  await expect(page.getByText('Type a sample message, as an end user would.').first()).toBeVisible();

  await page.goto('/setup/agents');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByText('Give the token a name, for example the customer or computer it is for.').first()).toBeVisible();
});

test('the dashboard filters say which filter was not understood', async ({ page }) => {
  await signIn(page, readAdmin());
  await page.goto('/presses?from=2026-12-01&to=2026-11-01');
  await expect(page.getByText(/were not understood/).filter({ hasText: '"from" must not be after "to"' })).toBeVisible();
});
