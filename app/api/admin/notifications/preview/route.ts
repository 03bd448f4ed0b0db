import { withAdmin } from '@/lib/api/with-admin';
import { getAppManageContext } from '@/lib/manage-client/manage-context';
import { notificationPreviewBodySchema, previewNotification } from '@/lib/notifications/preview';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** An (unsaved) template rendered with the most recent ticket's values, or sample values. Sends nothing. */
export const POST = withAdmin({ body: notificationPreviewBodySchema }, ({ db, body }) =>
  previewNotification(db, () => getAppManageContext(db), body.kind, body.template),
);
