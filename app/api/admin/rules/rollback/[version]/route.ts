import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { getAppRuleEngine } from '@/lib/dispatcher/python-engine';
import { ruleVersionParamSchema } from '@/lib/rules/request-schemas';
import { rollbackRuleVersion } from '@/lib/rules/rule-versions';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Makes an old version active again by saving its source as a new version. */
export async function POST(_request: Request, { params }: { params: Promise<{ version: string }> }): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const version = ruleVersionParamSchema.parse((await params).version);
    const saved = await rollbackRuleVersion(await getDatabase(), getAppRuleEngine(), version, admin.email);
    return Response.json(saved, { status: saved.unchanged ? 200 : 201, headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
