import { describe, expect, it } from 'vitest';
import { computeWizardSteps, WIZARD_STEPS } from '@/lib/setup/wizard-status';

const base = { connection: null, checks: {}, unregisteredIdsStored: false, defaultsSaved: false, activeTokens: 0 };
const rulesStep = (rules: Parameters<typeof computeWizardSteps>[0]['rules']) => computeWizardSteps({ ...base, rules }).find((s) => s.id === 'rules')!;

describe('the Rules step in the step indicator', () => {
  it('is a real step 5, before Agents, Callbacks and the Pod step', () => {
    expect(WIZARD_STEPS.map((s) => `${s.number}. ${s.title}`)).toEqual([
      '1. Connection',
      '2. Permissions',
      '3. Unregistered users',
      '4. Defaults',
      '5. Rules',
      '6. Agents',
      '7. Callbacks',
      '8. Pod',
    ]);
    expect(WIZARD_STEPS.find((s) => s.id === 'rules')!.href).toBe('/setup/rules');
    expect(computeWizardSteps(base).find((s) => s.id === 'pod')).toMatchObject({ number: 8, href: '/setup/pod', state: 'todo' });
  });

  it('is optional without rules (or with empty ones), and done with active rules', () => {
    expect(rulesStep(undefined)).toMatchObject({ state: 'optional', detail: 'No rules: every press uses the defaults. Add rules to route presses.' });
    expect(rulesStep({ version: 4, createdBy: 'a@msp.example', empty: true })).toMatchObject({ state: 'optional', detail: 'Rules v4 are empty: every press uses the defaults.' });
    expect(rulesStep({ version: 3, createdBy: 'a@msp.example', empty: false })).toMatchObject({ state: 'done', detail: 'Rules v3 are active (saved by a@msp.example).' });
  });
});
