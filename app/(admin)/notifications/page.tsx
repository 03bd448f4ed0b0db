import type { Metadata } from 'next';
import { NotificationSettingsForm } from '@/components/notifications/notification-settings-form';
import { RecentNotifications } from '@/components/notifications/recent-notifications';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { NOTIFICATION_LOG_SIZE } from '@/lib/notifications/notification-log';
import { loadNotificationsPage } from '@/lib/notifications/notifications-page';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsPage() {
  await requireAdminPage('/notifications');
  const { data, recent } = await loadNotificationsPage();

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
        <RecentNotifications entries={recent} labels={data.labels} />
      </section>
    </main>
  );
}
