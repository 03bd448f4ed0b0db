import { withAdmin } from '@/lib/api/with-admin';
import { getAppRuleEngine } from '@/lib/rules/engine/python-engine';
import { checkRulesBodySchema } from '@/lib/rules/request-schemas';
import { checkRuleSource } from '@/lib/rules/rule-versions';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Python's syntax verdict without saving: { ok } or { ok: false, error: { type, message, line, column } }. */
export const POST = withAdmin({ body: checkRulesBodySchema }, ({ body }) => checkRuleSource(getAppRuleEngine(), body.source));
