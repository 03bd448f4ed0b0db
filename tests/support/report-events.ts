import { listTicketTimeline } from '@/lib/notifications/ticket-events';
import type { PressReportOptions } from '@/lib/presses/press-report';
import type { DeskbellDatabase } from '@/lib/store/database';

/** The report's ticket events as the app feeds them (the admin page and the pod): notifications' timeline. */
export function withTicketEvents(db: DeskbellDatabase): PressReportOptions {
  return { ticketEvents: (pressId) => listTicketTimeline(db, pressId) };
}
