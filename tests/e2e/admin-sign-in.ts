/**
 * Signing in as the e2e admin. admin-forms.spec.ts normally creates that admin first (it runs
 * first); a spec run alone on a fresh stack creates it here from the server's setup code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

const adminFile = path.resolve(import.meta.dirname, '../../test-results/e2e-data/admin.json');
export type E2eAdmin = { setupCode: string; email: string; name: string; password: string };

export function readE2eAdmin(): E2eAdmin {
  return JSON.parse(fs.readFileSync(adminFile, 'utf8')) as E2eAdmin;
}

export async function signIn(page: Page, next: string): Promise<void> {
  const admin = readE2eAdmin();
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  const first = page.getByRole('form', { name: 'Create the first admin' });
  const signInForm = page.getByRole('form', { name: 'Sign in' });
  await expect(first.or(signInForm).first()).toBeVisible();
  if (await first.isVisible()) {
    await first.getByLabel('Setup code').fill(admin.setupCode);
    await first.getByLabel('Email').fill(admin.email);
    await first.getByLabel('Name (optional)').fill(admin.name);
    await first.getByLabel('Password', { exact: true }).fill(admin.password);
    await first.getByLabel('Password again').fill(admin.password);
    await first.getByRole('button', { name: 'Create the first admin' }).click();
    await page.waitForURL(/\/setup/);
    await page.goto(next);
  } else {
    await signInForm.getByLabel('Email').fill(admin.email);
    await signInForm.getByLabel('Password').fill(admin.password);
    await signInForm.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.waitForURL((url) => url.pathname === next);
}
