/**
 * The notification types the UI shows. Types only and no 'server-only': client components import
 * them, while the store and the server modules they come from stay out of the browser (type
 * imports are erased).
 */
import type { NotificationSettings } from './templates';
import type { TicketEventKind } from '@/lib/store/schema';

export type { NotificationChannel, NotificationStatus, TicketEventKind } from '@/lib/store/schema';
export type { NotificationSettings, NotificationTemplate } from './templates';
export type { NotificationPreview } from './preview';
export type { NotificationLogEntry } from './notification-log';

export type TemplateKeyword = { keyword: string; meaning: string };

/** What the Notifications page hands its client components (plain data; the constants come from the server). */
export type NotificationsPageData = {
  settings: NotificationSettings;
  defaults: NotificationSettings;
  kinds: readonly TicketEventKind[];
  labels: Record<TicketEventKind, string>;
  keywords: readonly TemplateKeyword[];
  /** Set when the stored settings could not be read and the defaults are shown instead. */
  loadProblem: string | null;
};
