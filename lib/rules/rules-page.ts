import 'server-only';
import { getAppRuleEngine } from '@/lib/rules/engine/python-engine';
import type { WritableRuleVariables } from '@/lib/rules/engine/rule-engine';
import { findNamespaceWrapper } from '@/lib/rules/engine/sandbox-paths';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import type { DeskbellDatabase } from '@/lib/store/database';
import { loadSamplePrefill, variablesForSample } from './rule-test';
import { listRuleVersions } from './rule-versions';
import { WRITABLE_RULE_VARIABLES, type RulesPageData } from './types';

/** What the Rules step renders: the active rules, their history, and a sample press to run. */
export async function loadRulesPage(db: DeskbellDatabase): Promise<RulesPageData> {
  // Test runs have their own sandboxes, started on first use: an admin opening this step is
  // about to run one, so start them now rather than make the first Run wait for Pyodide.
  getAppRuleEngine()
    .warm('test')
    .catch((err: unknown) => console.error('[rules] the test sandbox did not start:', err instanceof Error ? err.message : err));
  const [list, prefill, settings, wrapper] = await Promise.all([listRuleVersions(db), loadSamplePrefill(db), loadIntakeSettings(db), findNamespaceWrapper()]);
  const variables = variablesForSample(prefill.sample, settings);
  const startingValues = Object.fromEntries(WRITABLE_RULE_VARIABLES.map((name) => [name, variables[name]])) as WritableRuleVariables;
  return { list, prefill, startingValues, networkContainment: wrapper.length > 0 ? 'namespace' : 'javascript' };
}
