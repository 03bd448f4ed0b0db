import { withAdmin } from '@/lib/api/with-admin';
import { getAppRuleEngine } from '@/lib/rules/engine/python-engine';
import { testRulesBodySchema } from '@/lib/rules/request-schemas';
import { runRulesTest } from '@/lib/rules/rule-test';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Runs the given (unsaved) rules on a sample press with the engine presses use. Creates nothing. */
export const POST = withAdmin({ body: testRulesBodySchema }, ({ db, body }) => runRulesTest(db, getAppRuleEngine(), body));
