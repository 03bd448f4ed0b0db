import 'server-only';
import type { DeskbellDatabase } from '@/lib/store/database';
import { loadSamplePrefill } from './rule-test';
import { listRuleVersions } from './rule-versions';
import type { RulesPageData } from './types';

/** What the Rules step renders: the active rules, their history, and a sample press to run. */
export async function loadRulesPage(db: DeskbellDatabase): Promise<RulesPageData> {
  const [list, prefill] = await Promise.all([listRuleVersions(db), loadSamplePrefill(db)]);
  return { list, prefill };
}
