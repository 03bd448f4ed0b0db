import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { JobQueue } from '@/lib/jobs/queue';
import type { Database, NotificationChannel, TicketEventKind } from '@/lib/store/schema';
import { renderTemplate, type NotificationSettings, type TemplateValues } from './templates';

/**
 * Which notifications a ticket event leads to, and their rows. Rows are written in the same
 * transaction as the event itself: an event exists exactly when its notifications do, so a
 * repeated callback (same event, nothing inserted) cannot notify twice and a crash between
 * the two cannot lose one.
 */

export const EMAIL_JOB_KIND = 'notification.email';

export type NotificationTarget = {
  pressId: string;
  agentTokenId: string | null;
  /** The end user's address; e-mail goes out only when there is one and SMTP is configured. */
  email: string | null;
};

export type EventForNotification = {
  id: string;
  kind: TicketEventKind;
  internal: boolean;
  values: TemplateValues;
};

export type DraftNotification = {
  channel: NotificationChannel;
  title: string;
  body: string;
};

/** Pure: nothing for internal notes or disabled kinds; one per channel otherwise. */
export function draftNotifications(
  event: Pick<EventForNotification, 'kind' | 'internal' | 'values'>,
  target: NotificationTarget,
  settings: NotificationSettings,
  emailEnabled: boolean,
): DraftNotification[] {
  if (event.internal || !settings.enabled[event.kind]) return [];
  const rendered = renderTemplate(settings.templates[event.kind], event.values);
  const drafts: DraftNotification[] = [];
  if (target.agentTokenId) drafts.push({ channel: 'agent', ...rendered });
  if (emailEnabled && target.email) drafts.push({ channel: 'email', ...rendered });
  return drafts;
}

export async function insertNotifications(
  trx: Transaction<Database>,
  queue: JobQueue,
  event: Pick<EventForNotification, 'id' | 'kind'>,
  target: NotificationTarget,
  drafts: readonly DraftNotification[],
): Promise<{ agentTokenIds: string[] }> {
  const agentTokenIds: string[] = [];
  const now = new Date().toISOString();
  for (const draft of drafts) {
    const id = randomUUID();
    const inserted = await trx
      .insertInto('notifications')
      .values({
        id,
        event_id: event.id,
        press_id: target.pressId,
        channel: draft.channel,
        agent_token_id: draft.channel === 'agent' ? target.agentTokenId : null,
        recipient: draft.channel === 'email' ? target.email : null,
        kind: event.kind,
        title: draft.title,
        body: draft.body,
        status: 'pending',
        attempts: 0,
        last_error: null,
        created_at: now,
        delivered_at: null,
        acknowledged_at: null,
      })
      .onConflict((oc) => oc.columns(['event_id', 'channel']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
    if (draft.channel === 'email') {
      await queue.enqueue(EMAIL_JOB_KIND, { notificationId: id }, { transaction: trx, dedupeKey: `email:${id}`, maxAttempts: 8 });
    } else if (target.agentTokenId) {
      agentTokenIds.push(target.agentTokenId);
    }
  }
  return { agentTokenIds };
}
