import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { getAppRuleEngine } from '@/lib/dispatcher/python-engine';
import { ruleVersionsQuerySchema, saveRulesBodySchema } from '@/lib/rules/request-schemas';
import { listRuleVersions, saveRuleVersion } from '@/lib/rules/rule-versions';
import { readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** The active rules and their versions, newest first, each with its diff from the one before. */
export async function GET(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const query = ruleVersionsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await listRuleVersions(await getDatabase(), query), { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Saves a new version after Python's syntax check (422 with line and column when it fails). */
export async function POST(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const body = await readJsonBody(request, saveRulesBodySchema);
    const saved = await saveRuleVersion(await getDatabase(), getAppRuleEngine(), body, admin.email);
    return Response.json(saved, { status: saved.unchanged ? 200 : 201, headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
