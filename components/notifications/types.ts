/** The Notifications page's client-side types; the shared ones come from lib/notifications/types.ts. */
import type { NotificationTemplate } from '@/lib/notifications/types';

export type {
  NotificationLogEntry,
  NotificationPreview,
  NotificationSettings,
  NotificationsPageData,
  NotificationTemplate,
  TemplateKeyword,
} from '@/lib/notifications/types';

export type TemplateField = keyof NotificationTemplate;
