import { withPublic } from '@/lib/api/with-public';
import { checkHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** Anyone may ask; 503 when something the app needs is broken. */
export const GET = withPublic({}, async () => {
  const report = await checkHealth();
  return Response.json(report, { status: report.status === 'error' ? 503 : 200 });
});
