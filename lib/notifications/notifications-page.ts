import 'server-only';
import { getDatabase } from '@/lib/store/database';
import { listRecentNotifications, NOTIFICATION_LOG_SIZE } from './notification-log';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  EVENT_LABELS,
  loadNotificationSettings,
  TEMPLATE_KEYWORDS,
  TICKET_EVENT_KINDS,
  type NotificationSettings,
} from './templates';
import type { NotificationLogEntry, NotificationsPageData } from './types';

/** What the Notifications page shows: the editable settings and the recent log. */
export async function loadNotificationsPage(): Promise<{ data: NotificationsPageData; recent: NotificationLogEntry[] }> {
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
  return { data, recent: await listRecentNotifications(db, { limit: NOTIFICATION_LOG_SIZE }) };
}
