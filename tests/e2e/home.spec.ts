import { expect, test } from '@playwright/test';
import { e2eStack } from './e2e-stack';

test('the home page shows the installation working against the Manage simulator', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('ConnectWise Manage ticket');

  const database = page.getByTestId('health-Database');
  await expect(database.locator('[data-status]')).toHaveAttribute('data-status', 'ok');

  const manage = page.getByTestId('health-ConnectWise Manage');
  await expect(manage.locator('[data-status]')).toHaveAttribute('data-status', 'ok');
  await expect(manage).toContainText(/Manage v?\d/);

  await page.screenshot({ path: testInfo.outputPath('home.png'), fullPage: true });
});

test('GET /api/health reports version, database and Manage', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toContain('no-store');
  const body = await res.json();
  expect(body.status).toBe('ok');
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(body.database.status).toBe('ok');
  expect(body.manage.status).toBe('ok');
});

test('the health check answered through the simulator with the configured credentials', async ({ request }) => {
  // The app must have authenticated against Manage: the simulator logged an authorised
  // /system/info call carrying the clientId header.
  const res = await request.get(`${e2eStack.simUrl}/__sim/requests`);
  expect(res.ok()).toBe(true);
  const log = (await res.json()) as { path: string; status: number; headers: Record<string, string> }[];
  const infoCalls = log.filter((r) => r.path === '/system/info');
  expect(infoCalls.length).toBeGreaterThan(0);
  // The simulator is shared by every e2e app (the journey tries a wrong key on purpose), so
  // look for an authorised call rather than requiring all of them to be.
  expect(infoCalls.some((r) => r.status === 200 && typeof r.headers.clientid === 'string')).toBe(true);
});
