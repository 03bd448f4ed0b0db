import 'server-only';
import { z } from 'zod';
import { publish, sleepUntilSignalled } from '@/lib/cluster/cluster-signal';
import type { AgentToken } from '@/lib/auth/agent-tokens';
import { waitQuerySchema } from '@/lib/intake/press-status';
import { findPressTickets } from '@/lib/presses/press-read-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { TicketEventKind } from '@/lib/store/schema';

/**
 * The agent's inbox: GET /api/v1/agent/notifications?wait=N and POST …/ack. Each agent token
 * is one device, and a device sees only the notifications for presses it sent. A
 * notification stays in the inbox until the device acknowledges it, so a device that was
 * off, or crashed while showing it, gets it again: that is the retry for this channel.
 */

export type AgentNotification = {
  id: string;
  kind: TicketEventKind;
  title: string;
  body: string;
  pressId: string;
  ticketNumber: string | null;
  createdAt: string;
  /** When it was first handed to this device; set on the first read. */
  deliveredAt: string | null;
};

const MAX_BATCH = 50;
const DEFAULT_POLL_MS = 1000;

/** Called after notifications for these tokens were committed: wakes their long-polls on every instance. */
export function notifyAgentInboxes(db: DeskbellDatabase, agentTokenIds: Iterable<string>): void {
  for (const id of new Set(agentTokenIds)) void publish(db, 'inbox', id);
}

/** Unacknowledged notifications, oldest first; the ones never handed out are marked delivered. */
export async function readAgentInbox(db: DeskbellDatabase, agentTokenId: string): Promise<AgentNotification[]> {
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'press_id', 'created_at', 'delivered_at'])
    .where('agent_token_id', '=', agentTokenId)
    .where('channel', '=', 'agent')
    .where('status', 'in', ['pending', 'delivered'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_BATCH)
    .execute();
  const tickets = await findPressTickets(db, rows.map((r) => r.press_id));
  const fresh = rows.filter((r) => r.delivered_at === null).map((r) => r.id);
  const now = new Date().toISOString();
  if (fresh.length > 0) {
    await db
      .updateTable('notifications')
      .set((eb) => ({ status: 'delivered', delivered_at: now, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', fresh)
      .where('status', '=', 'pending')
      .execute();
  }
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    pressId: r.press_id,
    ticketNumber: tickets.get(r.press_id)?.ticketNumber ?? null,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at ?? now,
  }));
}

export type InboxWaitOptions = { waitMs: number; signal?: AbortSignal; pollMs?: number };

/** Answers at once when something is waiting; otherwise when something arrives or waitMs passes. */
export async function waitForAgentInbox(db: DeskbellDatabase, agentTokenId: string, options: InboxWaitOptions): Promise<AgentNotification[]> {
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  for (;;) {
    const items = await readAgentInbox(db, agentTokenId);
    const remaining = deadline - Date.now();
    if (items.length > 0 || remaining <= 0 || options.signal?.aborted) return items;
    await sleepUntilSignalled(db, 'inbox', agentTokenId, Math.min(pollMs, remaining), options.signal);
  }
}

export async function acknowledgeAgentNotifications(db: DeskbellDatabase, agentTokenId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('notifications')
    .set({ status: 'acknowledged', acknowledged_at: new Date().toISOString() })
    .where('agent_token_id', '=', agentTokenId)
    .where('channel', '=', 'agent')
    .where('id', 'in', [...ids])
    .where('status', '!=', 'acknowledged')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export type AgentInboxDeps = { db: DeskbellDatabase; pollMs?: number };

/** The inbox read's spec: only ?wait. */
export const readInboxInput = { query: waitQuerySchema };
/** The acknowledgement's spec: `{"ids": [...]}` as application/json, at most 64 KB. */
export const acknowledgeInboxInput = {
  body: z.object({ ids: z.array(z.uuid()).min(1).max(200) }),
  maxBodyBytes: 64 * 1024,
};

type AgentCaller = { request: Request; db: DeskbellDatabase; token: AgentToken };

export async function answerReadAgentInbox(call: AgentCaller & { query: { wait?: number } }, pollMs?: number): Promise<{ notifications: AgentNotification[] }> {
  const notifications = await waitForAgentInbox(call.db, call.token.id, {
    waitMs: (call.query.wait ?? 0) * 1000,
    signal: call.request.signal,
    pollMs,
  });
  return { notifications };
}

export async function answerAcknowledgeAgentInbox(call: AgentCaller & { body: { ids: string[] } }): Promise<{ acknowledged: number }> {
  return { acknowledged: await acknowledgeAgentNotifications(call.db, call.token.id, call.body.ids) };
}
