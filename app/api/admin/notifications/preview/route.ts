import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { getAppManageContext } from '@/lib/intake/manage-context';
import { notificationPreviewBodySchema, previewNotification } from '@/lib/notifications/preview';
import { readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** An (unsaved) template rendered with the most recent ticket's values, or sample values. Sends nothing. */
export async function POST(request: Request): Promise<Response> {
  try {
    await requireAdminApi();
    const { kind, template } = await readJsonBody(request, notificationPreviewBodySchema);
    const db = await getDatabase();
    const preview = await previewNotification(db, () => getAppManageContext(db), kind, template);
    return Response.json(preview, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
