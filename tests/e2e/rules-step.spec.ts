/**
 * The wizard's Rules step in Chromium: a rule with a syntax error is refused with its line,
 * a good one is saved as a version, and Run shows what the rule changed.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './admin-sign-in';

test('write, check, save and run dispatcher rules', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  // Creates the first admin when this spec runs alone on a fresh stack.
  await signIn(page, '/setup/rules');

  const editor = page.getByRole('textbox', { name: 'Rules', exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  // insertText bypasses the editor's auto-closing brackets, like a paste.
  await page.keyboard.insertText("if 'emergency' in selections\n    priority = 0\n");
  await page.getByRole('button', { name: 'Save' }).click();
  const problem = page.getByTestId('rules-problem');
  // The server may still be starting its rule sandboxes (Pyodide, several seconds).
  await expect(problem).toContainText('Line 1', { timeout: 60_000 });
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

  // A starting value in place of the saved default: priority 3, then `priority - 1`.
  await expect(page.getByTestId('rules-network-containment')).toContainText(/network namespace/);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('priority = priority - 1\n');
  await sample.locator('summary', { hasText: 'Starting values' }).click();
  await page.getByTestId('start-priority').fill('3');
  await sample.getByRole('button', { name: 'Run' }).click();
  // Each test run gets a fresh interpreter; the next may wait for one to start.
  const priority = page.getByTestId('rule-var-priority');
  await expect(priority.locator('td').first()).toHaveText('3', { timeout: 60_000 });
  await expect(priority.locator('td').nth(1)).toHaveText('2');
  await expect(priority).toHaveAttribute('data-changed', 'true');
  await page.screenshot({ path: testInfo.outputPath('rules-step.png'), fullPage: true });
});
