import { withAdmin } from '@/lib/api/with-admin';
import { getAppRuleEngine } from '@/lib/rules/engine/python-engine';
import { ruleVersionsQuerySchema, saveRulesBodySchema } from '@/lib/rules/request-schemas';
import { listRuleVersions, saveRuleVersion } from '@/lib/rules/rule-versions';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The active rules and their versions, newest first, each with its diff from the one before. */
export const GET = withAdmin({ query: ruleVersionsQuerySchema }, ({ db, query }) => listRuleVersions(db, query));

/** Saves a new version after Python's syntax check (422 with line and column when it fails). */
export const POST = withAdmin({ body: saveRulesBodySchema }, async ({ db, admin, body }) => {
  const saved = await saveRuleVersion(db, getAppRuleEngine(), body, admin.email);
  return Response.json(saved, { status: saved.unchanged ? 200 : 201 });
});
