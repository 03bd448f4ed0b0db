import type { Metadata } from 'next';
import { NotificationSettingsForm } from '@/components/notifications/notification-settings-form';
import { RecentNotifications } from '@/components/notifications/recent-notifications';
import type { NotificationsPageData } from '@/components/notifications/types';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { listRecentNotifications, NOTIFICATION_LOG_SIZE } from '@/lib/notifications/notification-log';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  EVENT_LABELS,
  loadNotificationSettings,
  TEMPLATE_KEYWORDS,
  TICKET_EVENT_KINDS,
  type NotificationSettings,
} from '@/lib/notifications/templates';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsPage() {
  await requireAdminPage('/notifications');
  const db = await getDatabase();
  let settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS;
  let loadProblem: string | null = null;
  try {
    settings = await loadNotificationSettings(db);
  } catch (err) {
    // A hand-edited row that no longer fits: the page still opens, on the defaults, and says so.
    loadProblem = err instanceof Error ? `${err.message}.` : 'The stored value is not valid.';
  }
  const data: NotificationsPageData = {
    settings,
    defaults: DEFAULT_NOTIFICATION_SETTINGS,
    kinds: TICKET_EVENT_KINDS,
    labels: EVENT_LABELS,
    keywords: TEMPLATE_KEYWORDS,
    loadProblem,
  };
  const recent = await listRecentNotifications(db, { limit: NOTIFICATION_LOG_SIZE });

  return (
    <main className="space-y-8">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">Notifications</h1>
        <p className="mt-1 text-sm text-slate-600">
          What the end user is told when their ticket changes in Manage. Turn each kind of change on or off and word its message;
          keywords such as __ticket_number__ are filled in when it is sent.
        </p>
      </header>

      <NotificationSettingsForm data={data} />

      <section aria-labelledby="recent-notifications-heading" className="space-y-3">
        <div>
          <h2 id="recent-notifications-heading" className="text-lg font-semibold">
            Recent notifications
          </h2>
          <p className="mt-1 text-sm text-slate-600">The last {NOTIFICATION_LOG_SIZE} sent, newest first.</p>
        </div>
        <RecentNotifications entries={recent} labels={EVENT_LABELS} />
      </section>
    </main>
  );
}
