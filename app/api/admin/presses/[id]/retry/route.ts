import { z } from 'zod';
import { DeskbellApiError, toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { retryDeadPress } from '@/lib/presses/retry-press';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const paramsSchema = z.object({ id: z.string().max(100) });

/**
 * A state change from another site's page is refused even if a cookie came along. Compared
 * with the Host the browser used (or the proxy's X-Forwarded-Host), not request.url, whose
 * host is the server's own idea of its name.
 */
function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  if (!URL.canParse(origin)) return false;
  const hosts = [request.headers.get('host'), request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()];
  return hosts.includes(new URL(origin).host);
}

/** Retry a dead press: its job is revived and the press is queued again (audited). */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const session = await requireAdminApi();
    if (!isSameOrigin(request)) throw new DeskbellApiError('forbidden', 'Cross-site requests cannot retry presses.');
    const { id } = paramsSchema.parse(await context.params);
    const result = await retryDeadPress(await getDatabase(), { pressId: id, actor: session.email });
    return Response.json(result, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return toErrorResponse(err);
  }
}
