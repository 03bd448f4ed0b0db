import 'server-only';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AgentToken } from '@/lib/auth/agent-tokens';
import { findPressStatusForToken, sleepUntilPressChanges, type PressStatusRow } from '@/lib/presses/press-store';
import type { DeskbellDatabase } from '@/lib/store/database';

/**
 * What an agent may know about its press. Only the token that sent a press can read it;
 * any other token gets the same 404 as an unknown id, so ids are never confirmed.
 */

type Times = { receivedAt: string; updatedAt: string };

export type PressStatusView =
  | ({ id: string; status: 'queued' } & Times)
  | ({ id: string; status: 'processing' } & Times)
  | ({ id: string; status: 'ticket_created'; ticketId: number | null; ticketNumber: string | null } & Times)
  | ({ id: string; status: 'refused'; message: string } & Times)
  | ({ id: string; status: 'retrying'; attempt: number; nextAt: string | null; lastError: string | null } & Times)
  | ({ id: string; status: 'dead'; reason: string } & Times);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** States an agent has no reason to wait on: a long-poll returns them at once. */
const SETTLED = new Set(['ticket_created', 'refused', 'dead']);
export const MAX_WAIT_SECONDS = 30;
const DEFAULT_POLL_MS = 150;

export function toPressStatusView(row: PressStatusRow): PressStatusView {
  const times = { receivedAt: row.received_at, updatedAt: row.updated_at };
  switch (row.status) {
    case 'queued':
    case 'processing':
      return { id: row.id, status: row.status, ...times };
    case 'ticket_created':
      return { id: row.id, status: row.status, ticketId: row.ticket_id, ticketNumber: row.ticket_number, ...times };
    case 'refused':
      return { id: row.id, status: row.status, message: row.refused_message ?? '', ...times };
    case 'retrying':
      return {
        id: row.id,
        status: row.status,
        attempt: row.attempt,
        nextAt: row.next_attempt_at,
        lastError: row.last_error,
        ...times,
      };
    case 'dead':
      return { id: row.id, status: row.status, reason: row.dead_reason ?? '', ...times };
  }
}

/** Undefined both for an unknown id and for a press another token sent. */
export async function readPressStatus(
  db: DeskbellDatabase,
  agentTokenId: string,
  pressId: string,
): Promise<PressStatusView | undefined> {
  if (!UUID.test(pressId)) return undefined;
  const row = await findPressStatusForToken(db, agentTokenId, pressId);
  return row ? toPressStatusView(row) : undefined;
}

function fingerprint(view: PressStatusView): string {
  // A retry that fails again is news too, though the status stays "retrying".
  return view.status === 'retrying' ? `${view.status}:${view.attempt}` : view.status;
}

export type WaitOptions = { waitMs: number; signal?: AbortSignal; pollMs?: number };

/**
 * Answers as soon as the status differs from the one seen at the start, or when waitMs
 * passes, or when the client goes away (signal). Settled states answer at once.
 */
export async function waitForPressStatus(
  db: DeskbellDatabase,
  agentTokenId: string,
  pressId: string,
  options: WaitOptions,
): Promise<PressStatusView | undefined> {
  const first = await readPressStatus(db, agentTokenId, pressId);
  if (!first || SETTLED.has(first.status) || options.waitMs <= 0) return first;
  const start = fingerprint(first);
  const deadline = Date.now() + options.waitMs;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let current: PressStatusView | undefined = first;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || options.signal?.aborted) return current;
    await sleepUntilPressChanges(db, pressId, Math.min(pollMs, remaining), options.signal);
    current = await readPressStatus(db, agentTokenId, pressId);
    if (!current || fingerprint(current) !== start) return current;
  }
}

const WAIT = /^\d{1,6}(\.\d{1,3})?$/;

/** `?wait=N`: absent means answer now; N seconds (decimals allowed) are capped at 30. */
export const waitQuerySchema = z.object({
  wait: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(WAIT, { error: `must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}` })
      .transform((v) => Math.min(Number(v), MAX_WAIT_SECONDS))
      .optional(),
  ),
});

export function readWaitSeconds(url: string): number {
  return waitQuerySchema.parse(Object.fromEntries(new URL(url).searchParams)).wait ?? 0;
}

export type ReadPressStatusDeps = { db: DeskbellDatabase; pollMs?: number };

/** The route's spec: the press id (bounded text; an unknown one is a 404, like another token's press) and ?wait. */
export const pressStatusInput = {
  params: z.object({ id: z.string().max(200) }),
  query: waitQuerySchema,
};

type PressStatusCall = { request: Request; db: DeskbellDatabase; token: AgentToken; params: { id: string }; query: { wait?: number } };

/** GET /api/v1/presses/{id} after withAgent checked the token: the (possibly long-polled) read. */
export async function answerPressStatus(call: PressStatusCall, pollMs?: number): Promise<PressStatusView> {
  const view = await waitForPressStatus(call.db, call.token.id, call.params.id, {
    waitMs: (call.query.wait ?? 0) * 1000,
    signal: call.request.signal,
    pollMs,
  });
  if (!view) throw new DeskbellApiError('not_found', 'No press with this id was sent with this agent token.', null);
  return view;
}
