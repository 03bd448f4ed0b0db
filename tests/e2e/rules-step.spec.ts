/**
 * The wizard's Rules step in Chromium: a rule with a syntax error is refused with its line,
 * a good one is saved as a version, and Run shows what the rule changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const adminFile = path.resolve(import.meta.dirname, '../../test-results/e2e-data/admin.json');

test('write, check, save and run dispatcher rules', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const admin = JSON.parse(fs.readFileSync(adminFile, 'utf8')) as { email: string; password: string };
  await page.goto('/login?next=/setup/rules');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(admin.email);
  await form.getByLabel('Password').fill(admin.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/setup\/rules/);

  const editor = page.getByRole('textbox', { name: 'Rules', exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  // insertText bypasses the editor's auto-closing brackets, like a paste.
  await page.keyboard.insertText("if 'emergency' in selections\n    priority = 0\n");
  await page.getByRole('button', { name: 'Save' }).click();
  const problem = page.getByTestId('rules-problem');
  await expect(problem).toContainText('Line 1');
  await expect(problem).toContainText('SyntaxError');

  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(
    "if 'emergency' in selections:\n    priority = 0\nif priority is 0:\n    subject = '**EMERGENCY** ' + subject\nprint('routed', priority)\n",
  );
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('rules-active-version')).toContainText('Active: v1');

  const sample = page.getByRole('form', { name: 'Test the rules' });
  await sample.getByLabel('Message').fill('The server room is flooding');
  await sample.getByLabel('Selections').fill('This is an emergency');
  await sample.getByRole('button', { name: 'Run' }).click();
  const result = page.getByTestId('rule-test-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('rule-var-priority')).toHaveAttribute('data-changed', 'true');
  await expect(page.getByTestId('rule-var-subject')).toContainText('**EMERGENCY** The server room is flooding');
  await expect(page.getByTestId('rule-test-output')).toContainText('routed 0');
  await expect(page.getByTestId('rule-test-time')).toContainText('ms');
  await page.screenshot({ path: testInfo.outputPath('rules-step.png'), fullPage: true });
});
