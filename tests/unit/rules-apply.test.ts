import { describe, expect, it } from 'vitest';
import { applyRules, type RuleVariables } from '@/lib/rules/engine/rule-engine';
import { scriptedRuleEngine } from '../support/scripted-rule-engine';

const variables = { board: 'Help Desk', priority: '__default__', subject: 'Printer', exception: null } as unknown as RuleVariables;

describe('applyRules', () => {
  it('passes every value through unchanged when no rules are configured', async () => {
    for (const [engine, source] of [[null, 'priority = 0'], [scriptedRuleEngine(() => ({ priority: 0 })), null], [scriptedRuleEngine(() => ({ priority: 0 })), '  \n']] as const) {
      const run = await applyRules(engine, source, variables);
      expect(run).toEqual({ before: variables, after: variables, refusal: null, error: null, output: '', warnings: [], durationMs: 0 });
    }
  });

  it('returns the changed values and a refusal set by a rule', async () => {
    const run = await applyRules(scriptedRuleEngine(() => ({ board: 'Alerts', exception: 'Use the phone for outages' })), 'rules', variables);
    expect(run.after.board).toBe('Alerts');
    expect(run.refusal).toBe('Use the phone for outages');
  });

  it('keeps the values from before the rules when the rules crash, and never refuses then', async () => {
    const run = await applyRules(scriptedRuleEngine(() => ({ crash: { type: 'ZeroDivisionError', message: 'division by zero', line: 3 } })), 'rules', variables);
    expect(run.after).toEqual(variables);
    expect(run.refusal).toBeNull();
    expect(run.error).toEqual({ type: 'ZeroDivisionError', message: 'division by zero', line: 3 });
  });
});
