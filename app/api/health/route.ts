import { toErrorResponse } from '@/lib/api/errors';
import { checkHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    const report = await checkHealth();
    return Response.json(report, {
      status: report.status === 'error' ? 503 : 200,
      headers: { 'cache-control': 'no-store' },
    });
  } catch (err) {
    return toErrorResponse(err);
  }
}
