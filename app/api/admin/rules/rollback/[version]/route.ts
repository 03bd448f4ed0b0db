import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { getAppRuleEngine } from '@/lib/rules/engine/python-engine';
import { ruleVersionParamSchema } from '@/lib/rules/request-schemas';
import { rollbackRuleVersion } from '@/lib/rules/rule-versions';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ version: ruleVersionParamSchema });

/** Makes an old version active again by saving its source as a new version. */
export const POST = withAdmin({ params }, async ({ db, admin, params: { version } }) => {
  const saved = await rollbackRuleVersion(db, getAppRuleEngine(), version, admin.email);
  return Response.json(saved, { status: saved.unchanged ? 200 : 201 });
});
