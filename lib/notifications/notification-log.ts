import 'server-only';
import { findPressTickets } from '@/lib/presses/press-read-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { NotificationChannel, NotificationStatus, TicketEventKind } from '@/lib/store/schema';

/** One row of the admin page's "Recent notifications": what was sent, to whom, and how it went. */
export type NotificationLogEntry = {
  id: string;
  kind: TicketEventKind;
  channel: NotificationChannel;
  pressId: string;
  ticketId: number | null;
  ticketNumber: string | null;
  /** The email address it went to (email channel). */
  recipient: string | null;
  /** The agent token's name (agent channel); null once the token is gone. */
  agentTokenName: string | null;
  title: string;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
};

export const NOTIFICATION_LOG_SIZE = 50;
const MAX_LOG_SIZE = 200;

/** Newest first. */
export async function listRecentNotifications(db: DeskbellDatabase, options: { limit?: number } = {}): Promise<NotificationLogEntry[]> {
  const requested = Math.trunc(options.limit ?? NOTIFICATION_LOG_SIZE);
  const limit = Math.min(Math.max(Number.isFinite(requested) ? requested : NOTIFICATION_LOG_SIZE, 1), MAX_LOG_SIZE);
  const rows = await db
    .selectFrom('notifications as n')
    .leftJoin('agent_tokens as t', 't.id', 'n.agent_token_id')
    .select([
      'n.id',
      'n.kind',
      'n.channel',
      'n.press_id',
      'n.recipient',
      'n.title',
      'n.status',
      'n.attempts',
      'n.last_error',
      'n.created_at',
      'n.delivered_at',
      'n.acknowledged_at',
      't.name as agent_token_name',
    ])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit)
    .execute();
  const tickets = await findPressTickets(db, rows.map((r) => r.press_id));
  return rows.map((r) => {
    const ticket = tickets.get(r.press_id);
    return {
      id: r.id,
      kind: r.kind,
      channel: r.channel,
      pressId: r.press_id,
      ticketId: ticket?.ticketId ?? null,
      ticketNumber: ticket ? (ticket.ticketNumber ?? String(ticket.ticketId)) : null,
      recipient: r.recipient,
      agentTokenName: r.agent_token_name ?? null,
      title: r.title,
      status: r.status,
      attempts: Number(r.attempts),
      lastError: r.last_error,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      acknowledgedAt: r.acknowledged_at,
    };
  });
}
