import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { getAppRuleEngine } from '@/lib/dispatcher/python-engine';
import { testRulesBodySchema } from '@/lib/rules/request-schemas';
import { runRulesTest } from '@/lib/rules/rule-test';
import { readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Runs the given (unsaved) rules on a sample press with the engine presses use. Creates nothing. */
export async function POST(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const input = await readJsonBody(request, testRulesBodySchema);
    return Response.json(await runRulesTest(await getDatabase(), getAppRuleEngine(), input), { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
