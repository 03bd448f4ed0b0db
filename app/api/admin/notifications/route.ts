import { toErrorResponse } from '@/lib/api/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import { requireAdminApi } from '@/lib/auth/admin-session';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  EVENT_LABELS,
  loadNotificationSettings,
  notificationSettingsSchema,
  saveNotificationSettings,
  TEMPLATE_KEYWORDS,
  TICKET_EVENT_KINDS,
} from '@/lib/notifications/templates';
import { readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** The saved settings (or the defaults), with what the page needs to edit them. */
export async function GET(): Promise<Response> {
  try {
    await requireAdminApi();
    const settings = await loadNotificationSettings(await getDatabase());
    return Response.json(
      { settings, defaults: DEFAULT_NOTIFICATION_SETTINGS, kinds: TICKET_EVENT_KINDS, labels: EVENT_LABELS, keywords: TEMPLATE_KEYWORDS },
      { headers: noStore },
    );
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Saves every switch and template at once; audited with the kinds that changed. */
export async function PUT(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const settings = await readJsonBody(request, notificationSettingsSchema);
    const db = await getDatabase();
    // The previous value only names what changed in the audit entry; an unreadable one changed everything.
    const previous = await loadNotificationSettings(db).catch(() => null);
    await saveNotificationSettings(db, settings);
    const changed = TICKET_EVENT_KINDS.filter(
      (kind) =>
        !previous ||
        previous.enabled[kind] !== settings.enabled[kind] ||
        previous.templates[kind].title !== settings.templates[kind].title ||
        previous.templates[kind].body !== settings.templates[kind].body,
    );
    await recordAudit(db, {
      actor: admin.email,
      action: 'notifications.settings_saved',
      details: { changed, disabled: TICKET_EVENT_KINDS.filter((kind) => !settings.enabled[kind]) },
    });
    return Response.json({ settings }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
