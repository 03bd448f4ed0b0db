/** What the Notifications page hands its client components (plain data; the constants come from the server). */
import type { NotificationSettings, NotificationTemplate } from '@/lib/notifications/templates';
import type { TicketEventKind } from '@/lib/store/schema';

export type { NotificationSettings, NotificationTemplate } from '@/lib/notifications/templates';
export type { NotificationPreview } from '@/lib/notifications/preview';
export type { NotificationLogEntry } from '@/lib/notifications/notification-log';

export type TemplateField = keyof NotificationTemplate;
export type TemplateKeyword = { keyword: string; meaning: string };

export type NotificationsPageData = {
  settings: NotificationSettings;
  defaults: NotificationSettings;
  kinds: readonly TicketEventKind[];
  labels: Record<TicketEventKind, string>;
  keywords: readonly TemplateKeyword[];
  /** Set when the stored settings could not be read and the defaults are shown instead. */
  loadProblem: string | null;
};
