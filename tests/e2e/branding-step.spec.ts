/**
 * Press page and branding in Chromium: an admin sets the MSP's name, colour, logo and choices
 * (a bad colour is refused in words), then the press page an end user opens shows them. Ends
 * by putting the choices back and removing the branding, so later specs see the defaults.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';
import { createAgentTokenWithCli } from './app-process';

const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="#ffffff"/><circle cx="20" cy="20" r="12" fill="#f59e0b"/></svg>';

test('an admin brands the press page, and an end user sees the name, logo, colour and choices', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  const token = createAgentTokenWithCli(e2eDataDir, 'branding spec');
  await signIn(page, '/setup/branding');
  await expect(page.getByRole('heading', { level: 1, name: 'Press page and branding' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Press page and branding' });
  const choices = form.getByLabel('Choices on the press page');
  const originalChoices = (await choices.inputValue()).split('\n');
  // Until an admin saves, the environment's choices are offered (and said to be).
  expect(originalChoices).toContain('Printer or scanner');

  await form.getByLabel("Your company's name").fill('Harbor Technology Partners');
  await form.getByLabel('Brand colour', { exact: true }).fill('blue');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Enter the colour as a hex code like #1d4ed8 (or #14d).')).toBeVisible();
  await expect(form.getByRole('alert')).toContainText('Not saved');

  await form.getByLabel('Brand colour', { exact: true }).fill('#1D4ED8');
  await expect(page.getByTestId('contrast')).toContainText('White text on it: contrast 6.7:1 (meets WCAG AA');
  await form.getByLabel('Brand colour', { exact: true }).fill('#ffe066');
  await expect(page.getByTestId('contrast')).toContainText('Black text on it');
  await form.getByLabel('Brand colour', { exact: true }).fill('#1D4ED8');
  await choices.fill([...originalChoices, 'VPN is down', 'vpn is down'].join('\n'));
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('Line', { exact: false }).filter({ hasText: '"vpn is down" is listed twice.' })).toBeVisible();
  await choices.fill([...originalChoices, 'VPN is down'].join('\n'));
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(form.getByLabel('Brand colour', { exact: true })).toHaveValue('#1d4ed8');

  await page.locator('input#logo').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(LOGO_SVG) });
  await expect(page.getByRole('status').filter({ hasText: 'Logo saved' })).toBeVisible();
  const preview = page.getByTestId('brand-header');
  await expect(preview).toContainText('Harbor Technology Partners');
  await expect(preview.getByRole('img', { name: 'Harbor Technology Partners logo' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('branding-step.png'), fullPage: true });

  // A text file named .png is refused by its content.
  await page.locator('input#logo').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
  await expect(page.getByRole('alert').filter({ hasText: 'Logo not saved' })).toContainText('PNG, JPEG, WebP or SVG');

  // What an end user sees.
  const endUser = await page.context().browser()!.newPage();
  await endUser.goto(`/press#token=${token}`);
  const header = endUser.getByTestId('brand-header');
  await expect(header).toContainText('Harbor Technology Partners');
  await expect(header).toHaveCSS('background-color', 'rgb(29, 78, 216)');
  await expect(header).toHaveCSS('color', 'rgb(255, 255, 255)');
  const logo = header.getByRole('img', { name: 'Harbor Technology Partners logo' });
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await expect(endUser.getByLabel('VPN is down')).toBeVisible();
  await expect(endUser.getByLabel('Printer or scanner')).toBeVisible();
  await endUser.screenshot({ path: testInfo.outputPath('press-page-branded.png'), fullPage: true });

  // The logo's own URL: cacheable for ever, and an SVG opened alone runs nothing.
  const logoUrl = (await logo.getAttribute('src'))!;
  const served = await endUser.request.get(logoUrl);
  expect(served.headers()['content-type']).toBe('image/svg+xml');
  expect(served.headers()['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
  expect(served.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  await endUser.close();

  // Put things back for the specs that follow.
  expect((await page.request.delete('/api/admin/setup/branding/logo')).status()).toBe(200);
  const restored = await page.request.put('/api/admin/setup/branding', { data: { name: '', colour: '#d97706', selections: originalChoices } });
  expect(restored.status()).toBe(200);
  await page.goto(`/press#token=${token}`);
  await expect(page.getByRole('heading', { name: 'Ask for help' })).toBeVisible();
  await expect(page.getByTestId('brand-header')).toHaveCount(0);
});
