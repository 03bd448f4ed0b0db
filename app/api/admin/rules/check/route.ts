import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { getAppRuleEngine } from '@/lib/dispatcher/python-engine';
import { checkRulesBodySchema } from '@/lib/rules/request-schemas';
import { checkRuleSource } from '@/lib/rules/rule-versions';
import { readJsonBody } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Python's syntax verdict without saving: { ok } or { ok: false, error: { type, message, line, column } }. */
export async function POST(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const { source } = await readJsonBody(request, checkRulesBodySchema);
    return Response.json(await checkRuleSource(getAppRuleEngine(), source), { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
