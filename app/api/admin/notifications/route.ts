import { withAdmin } from '@/lib/api/with-admin';
import { recordAudit } from '@/lib/audit/audit-log';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  EVENT_LABELS,
  loadNotificationSettings,
  notificationSettingsSchema,
  saveNotificationSettings,
  TEMPLATE_KEYWORDS,
  TICKET_EVENT_KINDS,
} from '@/lib/notifications/templates';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The saved settings (or the defaults), with what the page needs to edit them. */
export const GET = withAdmin({}, async ({ db }) => ({
  settings: await loadNotificationSettings(db),
  defaults: DEFAULT_NOTIFICATION_SETTINGS,
  kinds: TICKET_EVENT_KINDS,
  labels: EVENT_LABELS,
  keywords: TEMPLATE_KEYWORDS,
}));

/** Saves every switch and template at once; audited with the kinds that changed. */
export const PUT = withAdmin({ body: notificationSettingsSchema }, async ({ db, admin, body: settings }) => {
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
  return { settings };
});
