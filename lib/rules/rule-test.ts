import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { applyRules, type RuleEngine, type RuleVariables } from '@/lib/rules/engine/rule-engine';
import type { PressFacts } from '@/lib/intake/press-facts';
import { ruleVariablesFor } from '@/lib/intake/process-press';
import { listRecentPresses } from '@/lib/presses/press-read-store';
import { loadIntakeSettings, type IntakeSettings } from '@/lib/settings/intake-settings';
import type { DeskbellDatabase } from '@/lib/store/database';
import { normaliseRuleSource } from './rule-versions';
import { compareRuleVariables } from './compare-variables';
import type { RuleStartingValues, RuleTestResult, SamplePrefill, SampleRulePress } from './types';

/**
 * The Rules step's Run: a sample press becomes the same variables a real press gets (the
 * saved defaults, the pipeline's own ruleVariablesFor, or starting values the admin typed)
 * and goes through the same engine and applyRules, in the engine's test pool, which never
 * shares an interpreter with presses. Nothing reaches Manage: company and "registered" are
 * typed in the sample.
 */

export type RulesTestInput = { source: string; sample: SampleRulePress; start?: RuleStartingValues };

export const EXAMPLE_SAMPLE: SampleRulePress = {
  message: 'My screen keeps freezing and I cannot open the invoices folder',
  selections: [],
  name: 'Dana Whitfield',
  email: 'dana.whitfield@acme-mfg.example',
  hostname: 'ACME-PC-01',
  username: 'dwhitfield',
  ip: '10.0.0.21',
  mac: '00:11:22:33:44:55',
  os: 'Windows 11 Pro',
  company: 'Acme Manufacturing',
  registered: true,
};

export function sampleFacts(sample: SampleRulePress): PressFacts {
  const text = (v: string) => (v.trim() === '' ? undefined : v);
  return {
    message: sample.message,
    name: text(sample.name),
    email: text(sample.email),
    selections: sample.selections,
    append: [],
    host: {
      hostname: text(sample.hostname),
      username: text(sample.username),
      localIp: text(sample.ip),
      mac: text(sample.mac),
      os: text(sample.os),
    },
    registration: { name: text(sample.name), email: text(sample.email) },
    custom: {},
  };
}

export function variablesForSample(sample: SampleRulePress, settings: IntakeSettings, start: RuleStartingValues = {}): RuleVariables {
  const variables = ruleVariablesFor(sampleFacts(sample), settings, {
    id: 0,
    companyId: 0,
    companyName: sample.company.trim() || null,
    registered: sample.registered,
    name: sample.name.trim() || null,
  });
  // Only what was given replaces a default; `undefined` never reaches the rules.
  const given = Object.fromEntries(Object.entries(start).filter(([, value]) => value !== undefined));
  return { ...variables, ...given };
}

export async function runRulesTestWith(engine: RuleEngine, settings: IntakeSettings, input: RulesTestInput): Promise<RuleTestResult> {
  const variables = variablesForSample(input.sample, settings, input.start);
  const started = performance.now();
  let run;
  try {
    run = await applyRules(engine, normaliseRuleSource(input.source), variables, { pool: 'test' });
  } catch (err) {
    console.error('[rules] a test run could not reach the engine:', err instanceof Error ? err.message : err);
    throw new DeskbellApiError('service_unavailable', 'The rules engine is not available right now. Try again in a moment.');
  }
  const totalMs = Math.round((performance.now() - started) * 10) / 10;
  return {
    verdict: run.refusal !== null ? 'refused' : run.error ? 'ticket_despite_error' : 'ticket',
    variables: compareRuleVariables(run.before, run.after),
    refusal: run.refusal,
    error: run.error,
    output: run.output,
    warnings: run.warnings,
    durationMs: run.durationMs,
    totalMs,
  };
}

/** Runs the rules as they stand in the editor (saved or not) against the sample press. */
export async function runRulesTest(db: DeskbellDatabase, engine: RuleEngine, input: RulesTestInput): Promise<RuleTestResult> {
  return runRulesTestWith(engine, await loadIntakeSettings(db), input);
}

// A few rows back is enough to skip a press whose stored payload no longer parses.
const PREFILL_CANDIDATES = 5;

/** The most recent real press as a sample, so the first Run tests what users actually send. */
export async function loadSamplePrefill(db: DeskbellDatabase): Promise<SamplePrefill> {
  const rows = await listRecentPresses(db, PREFILL_CANDIDATES);
  for (const row of rows) {
    const payload = row.payload;
    if (!payload) continue;
    const contact = row.outcome?.contact ?? null;
    return {
      fromPress: { id: row.id, receivedAt: row.receivedAt },
      sample: {
        message: payload.message,
        selections: payload.selections,
        name: payload.name ?? '',
        email: payload.email ?? '',
        hostname: payload.host.hostname ?? '',
        username: payload.host.username ?? '',
        ip: payload.host.localIp ?? '',
        mac: payload.host.mac ?? '',
        os: payload.host.os ?? '',
        company: contact?.companyName ?? '',
        registered: contact?.registered ?? false,
      },
    };
  }
  return { fromPress: null, sample: EXAMPLE_SAMPLE };
}
