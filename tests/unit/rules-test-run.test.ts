/**
 * The Rules step's Run and its inputs: a sample press becomes the pipeline's variables, goes
 * through applyRules with an engine (a test double here, the real sandbox in
 * tests/integration/rules-engine.test.ts), and comes back as rows with the changes marked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import type { RuleEngine, RuleRun, RuleVariables } from '@/lib/rules/engine/rule-engine';
import { acceptPress } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { compareRuleVariables } from '@/lib/rules/compare-variables';
import { ruleVersionParamSchema, sampleRulePressSchema, saveRulesBodySchema, testRulesBodySchema } from '@/lib/rules/request-schemas';
import { EXAMPLE_SAMPLE, loadSamplePrefill, runRulesTest, runRulesTestWith, variablesForSample } from '@/lib/rules/rule-test';
import { SETTING_KEYS, ticketDefaultsSchema, type IntakeSettings } from '@/lib/settings/intake-settings';
import { writeSetting } from '@/lib/settings/settings-store';
import { migrateToLatest, openDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { basePress, buildMultipart } from '../support/press-fixtures';
import { DEMO_TICKET_DEFAULTS } from '@/lib/setup/demo-setup';

const settings: IntakeSettings = {
  defaults: { ...DEMO_TICKET_DEFAULTS },
  unregistered: { email: 'unregistered@helpdeskbuttons.com' },
  rulesSource: null,
  selections: [],
};

/** An engine double with the real engine's result shape; `script` plays the rules. */
function engineDouble(script: (v: RuleVariables) => Partial<Omit<RuleRun, 'before'>> & { set?: Partial<RuleVariables> }): RuleEngine & { sources: string[] } {
  const sources: string[] = [];
  return {
    sources,
    async evaluate(source, variables) {
      sources.push(source);
      const { set, ...rest } = script({ ...variables });
      const after = { ...variables, ...set };
      return { after, refusal: after.exception, error: null, output: '', warnings: [], durationMs: 2.5, ...rest };
    },
  };
}

describe('a test run', () => {
  it('shows every variable, marks the changed ones, and passes output, warnings and time through', async () => {
    const engine = engineDouble((v) => ({
      set: { board: 'Alerts', priority: 0, subject: `**EMERGENCY** ${v.subject}` },
      output: 'routed\n',
      warnings: ['name is read-only; the assignment was ignored'],
    }));
    const result = await runRulesTestWith(engine, settings, { source: "board = 'Alerts'\r\n", sample: { ...EXAMPLE_SAMPLE, selections: ['This is an emergency'] } });
    expect(engine.sources).toEqual(["board = 'Alerts'\n"]);
    expect(result.verdict).toBe('ticket');
    expect(result.variables.filter((v) => v.changed).map((v) => v.name)).toEqual(['board', 'priority', 'subject']);
    expect(result.variables.find((v) => v.name === 'board')).toEqual({ name: 'board', readOnly: false, before: 'Help Desk', after: 'Alerts', changed: true });
    expect(result.variables.find((v) => v.name === 'selections')).toMatchObject({ readOnly: true, after: 'This is an emergency', changed: false });
    expect(result.variables.find((v) => v.name === 'subject')!.after).toBe('**EMERGENCY** My screen keeps freezing and I cannot open the');
    expect(result.variables).toHaveLength(26);
    expect(result).toMatchObject({ output: 'routed\n', warnings: ['name is read-only; the assignment was ignored'], durationMs: 2.5, error: null, refusal: null });
    expect(result.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('a crash keeps the values from before the rules, like the pipeline, with the error and its line', async () => {
    const engine = engineDouble(() => ({ set: { board: 'Alerts' }, error: { type: 'ZeroDivisionError', message: 'division by zero', line: 3 } }));
    const result = await runRulesTestWith(engine, settings, { source: 'x = 1/0', sample: EXAMPLE_SAMPLE });
    expect(result.verdict).toBe('ticket_despite_error');
    expect(result.error).toEqual({ type: 'ZeroDivisionError', message: 'division by zero', line: 3 });
    expect(result.variables.some((v) => v.changed)).toBe(false);
  });

  it('a refusal is the verdict, with its text', async () => {
    const result = await runRulesTestWith(engineDouble(() => ({ set: { exception: 'Call 555-0100' } })), settings, { source: "exception = 'x'", sample: EXAMPLE_SAMPLE });
    expect(result).toMatchObject({ verdict: 'refused', refusal: 'Call 555-0100' });
    expect(result.variables.find((v) => v.name === 'exception')).toMatchObject({ before: null, after: 'Call 555-0100', changed: true });
  });

  it('empty rules change nothing and never reach the engine', async () => {
    const engine = engineDouble(() => ({ set: { board: 'Alerts' } }));
    const result = await runRulesTestWith(engine, settings, { source: '  \n', sample: EXAMPLE_SAMPLE });
    expect(engine.sources).toEqual([]);
    expect(result.verdict).toBe('ticket');
    expect(result.variables.every((v) => !v.changed)).toBe(true);
  });

  it('an engine that throws is a 503, not a crash of the page', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const engine: RuleEngine = { evaluate: () => Promise.reject(new Error('pool closed')) };
    const error = await runRulesTestWith(engine, settings, { source: 'x = 1', sample: EXAMPLE_SAMPLE }).catch((e: unknown) => e);
    spy.mockRestore();
    expect(error).toBeInstanceOf(DeskbellApiError);
    expect((error as DeskbellApiError).code).toBe('service_unavailable');
  });

  it('builds the variables a real press with these details would get', () => {
    const v = variablesForSample({ ...EXAMPLE_SAMPLE, selections: ['A', 'B'], registered: false, company: '  ', ip: '' }, settings);
    expect(v).toMatchObject({ board: 'Help Desk', state: 'New', urgency: '__default__', selections: 'A\nB', registered: false, company: '', ip: '', exception: null, hostname: 'ACME-PC-01' });
  });

  it('rows from stored maps keep the order and take unknown names last', () => {
    const rows = compareRuleVariables({ zz: 1, board: 'A', name: 'n' }, { zz: 2, board: 'B', name: 'n' });
    expect(rows.map((r) => [r.name, r.changed, r.readOnly])).toEqual([
      ['board', true, false],
      ['name', false, true],
      ['zz', true, false],
    ]);
  });
});

describe('request bodies', () => {
  it('accepts selections as a list or as lines, and trims empty ones', () => {
    expect(sampleRulePressSchema.parse({ message: 'hi', selections: 'A\r\n\nB ' }).selections).toEqual(['A', 'B']);
    expect(sampleRulePressSchema.parse({ message: 'hi', selections: [' A', ''] })).toMatchObject({ selections: ['A'], name: '', registered: false });
  });

  it('refuses what a person can fix, with the field named', () => {
    const empty = testRulesBodySchema.safeParse({ source: 'x = 1', sample: { message: '   ' } });
    expect(empty.success).toBe(false);
    expect(empty.error!.issues[0]).toMatchObject({ path: ['sample', 'message'], message: 'Type a sample message, as an end user would.' });
    expect(saveRulesBodySchema.safeParse({ source: 'x'.repeat(200_001) }).success).toBe(false);
    expect(saveRulesBodySchema.safeParse({ source: 5 }).success).toBe(false);
    expect(saveRulesBodySchema.parse({ source: 'x = 1', baseVersion: null })).toEqual({ source: 'x = 1', baseVersion: null });
    const many = sampleRulePressSchema.safeParse({ message: 'hi', selections: Array.from({ length: 101 }, (_, i) => `s${i}`) });
    expect(many.error!.issues[0]!.message).toBe('A press has at most 100 selections.');
    expect(sampleRulePressSchema.safeParse({ message: 'hi', hostname: 'h'.repeat(256) }).error!.issues[0]).toMatchObject({ path: ['hostname'], message: 'The computer name is at most 255 characters.' });
    expect(ruleVersionParamSchema.safeParse('0').success).toBe(false);
    expect(ruleVersionParamSchema.safeParse('abc').success).toBe(false);
    expect(ruleVersionParamSchema.parse('3')).toBe(3);
  });

  it('takes starting values for read/write variables only, and lets them replace the defaults', () => {
    const body = testRulesBodySchema.parse({ source: 'x = 1', sample: { message: 'hi' }, start: { priority: 3, exception: null, board: 'Desk' } });
    expect(body.start).toEqual({ priority: 3, exception: null, board: 'Desk' });
    expect(testRulesBodySchema.parse({ source: 'x = 1', sample: { message: 'hi' } }).start).toEqual({});
    expect(testRulesBodySchema.safeParse({ source: 'x', sample: { message: 'hi' }, start: { email: 'x@y.z' } }).success).toBe(false);
    expect(testRulesBodySchema.safeParse({ source: 'x', sample: { message: 'hi' }, start: { priority: 1.5 } }).error!.issues[0]).toMatchObject({ path: ['start', 'priority'] });
    const variables = variablesForSample(body.sample, settings, body.start);
    expect(variables).toMatchObject({ priority: 3, board: 'Desk', state: 'New', exception: null });
  });
});

describe('the sample prefill', () => {
  let db: DeskbellDatabase;
  beforeEach(async () => {
    db = openDatabase({ dialect: 'sqlite', memory: true });
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('is made up until a press arrives', async () => {
    expect(await loadSamplePrefill(db)).toEqual({ fromPress: null, sample: EXAMPLE_SAMPLE });
  });

  it('comes from the most recent press, with the company Manage resolved', async () => {
    const { agentToken } = await createAgentToken(db, 'prefill');
    const submission = await readPressRequest(
      new Request('http://x/api/v1/presses', { method: 'POST', body: buildMultipart(basePress({ message: 'Outlook will not start' })) }),
      pressLimitsFromEnv(),
    );
    const { press } = await acceptPress({ db }, { agentTokenId: agentToken.id, submission });
    // An outcome with only the contact (as an older pipeline or a hand edit leaves it) still reads.
    await db
      .updateTable('presses')
      .set({ outcome: JSON.stringify({ contact: { id: 1, companyId: 2, companyName: 'Acme Manufacturing', registered: true } }) })
      .where('id', '=', press.id)
      .execute();
    const prefill = await loadSamplePrefill(db);
    expect(prefill.fromPress?.id).toBe(press.id);
    expect(prefill.sample).toEqual({
      message: 'Outlook will not start',
      selections: ['Printing', 'This is an emergency'],
      name: 'Dana Whitfield',
      email: 'dana@example.com',
      hostname: 'PC-1.corp.local',
      username: 'CORP\\dana',
      ip: '10.0.0.23',
      mac: '00:11:22:33:44:55',
      os: 'Windows 11 Pro 23H2',
      company: 'Acme Manufacturing',
      registered: true,
    });
  });

  it('runs with the saved defaults', async () => {
    await writeSetting(db, SETTING_KEYS.ticketDefaults, ticketDefaultsSchema, { ...settings.defaults, board: 'Professional Services', status: 'Scheduled' });
    const result = await runRulesTest(db, engineDouble(() => ({})), { source: 'pass', sample: EXAMPLE_SAMPLE });
    expect(result.variables.find((v) => v.name === 'board')!.before).toBe('Professional Services');
    expect(result.variables.find((v) => v.name === 'state')!.before).toBe('Scheduled');
  });
});
