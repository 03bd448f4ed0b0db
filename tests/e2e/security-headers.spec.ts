/**
 * Every kind of page carries the security headers (proxy.ts, next.config.mjs) and still
 * hydrates in Chromium under its Content-Security-Policy: Next.js's own scripts carry the
 * per-request nonce, a client-side interaction works, and the console reports no CSP
 * violation. frame-ancestors stays as it was (pod-security.spec.ts checks who may frame).
 */
import path from 'node:path';
import { expect, test, type APIResponse, type Page } from '@playwright/test';
import { readE2eAdmin, signIn } from './admin-sign-in';
import { createAgentTokenWithCli, pressWithCli, ticketsWithExternalXRef } from './app-process';
import { e2eStack } from './e2e-stack';

const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
const APP = e2eStack.appUrl;
let ticketId: number;
let agentToken: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  agentToken = createAgentTokenWithCli(e2eDataDir, 'security headers e2e');
  const press = pressWithCli(['--server', APP, '--token', agentToken, '--message', 'Security headers check', '--email', 'dana.whitfield@acme-mfg.example']);
  expect(press.status, press.stderr || press.stdout).toBe(0);
  const pressId = /Press ([0-9a-f-]{36}) accepted/.exec(press.stdout)![1]!;
  const [ticket] = await ticketsWithExternalXRef(pressId);
  ticketId = ticket!.id;
});

function directives(csp: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...rest] = part.trim().split(/\s+/);
    if (name) map.set(name, rest.join(' '));
  }
  return map;
}

function expectPageHeaders(res: { headers(): Record<string, string> }, where: string): string {
  const headers = res.headers();
  expect(headers['x-content-type-options'], where).toBe('nosniff');
  expect(headers['referrer-policy'], where).toBe(where.startsWith('/pod') ? 'no-referrer' : 'strict-origin-when-cross-origin');
  const permissions = headers['permissions-policy'] ?? '';
  for (const denied of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) expect(permissions, where).toContain(denied);
  expect(permissions, where).toContain(where.startsWith('/press') ? 'display-capture=(self)' : 'display-capture=()');
  // Served over plain http here: no HSTS (it is only sent over https).
  expect(headers['strict-transport-security'], where).toBeUndefined();
  const csp = directives(headers['content-security-policy']);
  const script = csp.get('script-src') ?? '';
  expect(script, where).toMatch(/'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'/);
  expect(script, where).not.toContain('unsafe-inline');
  expect(csp.get('object-src'), where).toBe("'none'");
  expect(csp.get('base-uri'), where).toBe("'none'");
  expect(csp.has('frame-ancestors'), where).toBe(true);
  if (!where.startsWith('/pod')) expect(csp.get('frame-ancestors'), where).toBe("'self'");
  return /'nonce-([^']+)'/.exec(script)![1]!;
}

/** Collects CSP violations Chromium reports (console and securitypolicyviolation events). */
function watchViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`pageerror: ${error.message}`));
  return violations;
}

/** Next.js's client runtime booted (it sets window.next); no inline script is left without the nonce. */
async function expectHydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof (window as unknown as { next?: { version?: string } }).next?.version === 'string');
  const unstamped = await page.evaluate(() => Array.from(document.scripts).filter((s) => !s.src && !s.nonce).length);
  expect(unstamped).toBe(0);
}

/** Every <script> the server sent carries this response's nonce. */
async function expectScriptsStamped(res: APIResponse, where: string): Promise<void> {
  const nonce = expectPageHeaders(res, where);
  const tags = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length, where).toBeGreaterThan(0);
  for (const tag of tags) expect(tag, where).toContain(`nonce="${nonce}"`);
}

test('each request gets its own nonce, on every script; API responses are nosniff too', async ({ request }) => {
  await expectScriptsStamped(await request.get('/'), '/');
  await expectScriptsStamped(await request.get('/login'), '/login');
  await expectScriptsStamped(await request.get(`/pod?id=${ticketId}&screen=ticket`), '/pod');
  const first = expectPageHeaders(await request.get('/'), '/');
  const second = expectPageHeaders(await request.get('/'), '/');
  expect(first).not.toBe(second);
  const api = await request.get('/api/health');
  expect(api.headers()['x-content-type-options']).toBe('nosniff');
  const missing = await request.get('/no-such-page');
  expect(missing.status()).toBe(404);
  expectPageHeaders(missing, '/no-such-page');
});

test('the home page and a missing page hydrate under the policy', async ({ page }) => {
  const violations = watchViolations(page);
  const res = await page.goto('/');
  expectPageHeaders(res!, '/');
  await expectHydrated(page);
  await page.goto('/no-such-page');
  await expectHydrated(page);
  expect(violations).toEqual([]);
});

test('the sign-in page hydrates: its form answers on the client', async ({ page, request }) => {
  expectPageHeaders(await request.get('/login'), '/login');
  const violations = watchViolations(page);
  await page.goto('/login');
  await expectHydrated(page);
  const form = page.getByRole('form', { name: 'Sign in' }).or(page.getByRole('form', { name: 'Create the first admin' })).first();
  await expect(form).toBeVisible();
  expect(violations).toEqual([]);
});

test('the press page hydrates: it reads its token from the fragment and checks the form', async ({ page, request }) => {
  expectPageHeaders(await request.get('/press'), '/press');
  const violations = watchViolations(page);
  await page.goto(`/press#token=${agentToken}`);
  await expectHydrated(page);
  await expect(page.getByRole('heading', { name: 'Ask for help' })).toBeVisible();
  await page.getByRole('button', { name: 'Send to IT support' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Please describe the problem' })).toBeVisible();
  expect(violations).toEqual([]);
});

test('the setup pages hydrate for a signed-in admin: the connection form checks on the client', async ({ page }) => {
  const violations = watchViolations(page);
  await signIn(page, '/setup/connection');
  const res = await page.request.get('/setup/connection');
  expectPageHeaders(res, '/setup/connection');
  await expectHydrated(page);
  await page.getByLabel('Endpoint').fill('');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText('Enter the Manage endpoint').first()).toBeVisible();
  await page.goto('/setup');
  await expectHydrated(page);
  expect(violations).toEqual([]);
});

test('the demo Manage screen and the pod it frames both hydrate; the pod signs in and shows the press', async ({ page, request }) => {
  expectPageHeaders(await request.get(`/demo/manage/ticket/${ticketId}`), '/demo/manage/ticket');
  expectPageHeaders(await request.get(`/pod?id=${ticketId}&screen=ticket`), '/pod');
  const violations = watchViolations(page);
  await page.goto(`/demo/manage/ticket/${ticketId}`);
  await expectHydrated(page);
  const pod = page.frameLocator('[data-testid="demo-pod-frame"]');
  await expect(pod.getByTestId('pod-ticket')).toBeVisible({ timeout: 30_000 });
  expect(violations).toEqual([]);
});

test('a password sign-in leaves a known-device cookie: HttpOnly, only for the sign-in routes', async ({ page, context }) => {
  const admin = readE2eAdmin();
  await context.clearCookies();
  await page.goto('/login');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(admin.email);
  await form.getByLabel('Password').fill(admin.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  const device = (await context.cookies()).find((c) => c.name === 'deskbell.known-device');
  expect(device).toMatchObject({ httpOnly: true, path: '/api/auth', sameSite: 'Lax' });
  expect(device!.value).toMatch(/^v1\.[A-Za-z0-9_-]{16,43}\.\d+\.[A-Za-z0-9_-]+$/);
});
