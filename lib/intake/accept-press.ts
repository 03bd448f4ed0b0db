import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import { publish } from '@/lib/cluster/cluster-signal';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AgentToken } from '@/lib/auth/agent-tokens';
import { serverEnv } from '@/lib/env';
import type { JobQueue } from '@/lib/jobs/queue';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { findPressByIdempotencyKey, insertPress, isDuplicatePressKey, pressJobDedupeKey, type PressStatusRow } from '@/lib/presses/press-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { pressLimitsFromEnv, type PressLimits } from './limits';
import { toPressStatusView, type PressStatusView } from './press-status';
import { readIdempotencyKey, readPressRequest, type PressSubmission } from './read-press-request';

/**
 * Durable accept: the press, its files (bytes included) and its job are committed in ONE
 * transaction, and only then does the agent hear 202. If the process dies after the 202,
 * the job is in the database and the worker picks it up when the app starts again.
 */

export const PRESS_JOB_KIND = 'press.process';

export type PressJobPayload = { pressId: string };

export type PressAcceptedListener = (pressId: string) => void;

export type AcceptPressDeps = {
  db: DeskbellDatabase;
  /** Defaults to the SQL queue over the same database (it must share the transaction). */
  queue?: JobQueue;
  now?: () => Date;
  /** Called after the commit, beside the 'jobs' cluster signal that wakes the workers. */
  onAccepted?: PressAcceptedListener;
};

export type AcceptPressInput = {
  agentTokenId: string;
  idempotencyKey?: string;
  submission: PressSubmission;
};

export type AcceptPressResult =
  | { kind: 'accepted'; press: PressStatusView }
  /** Same token, same Idempotency-Key, same content: the original press, as it is now. */
  | { kind: 'replayed'; press: PressStatusView };

/** JSON with sorted keys and no undefined values, so equal content always hashes equal. */
export function toCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toCanonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toCanonicalJson(v)}`).join(',')}}`;
}

/**
 * Over the validated press (so whitespace, key order and ignored keys do not matter, and a
 * multipart and a JSON body with the same content agree) plus each file's metadata and
 * sha256 in order.
 */
export function computeRequestHash(submission: PressSubmission): string {
  const files = submission.files.map((f) => ({
    kind: f.kind,
    filename: f.filename,
    sha256: f.sha256,
    capturedAt: f.capturedAt,
    monitor: f.monitor,
  }));
  return createHash('sha256').update(toCanonicalJson({ press: submission.press, files })).digest('hex');
}

function replayOrConflict(
  existing: NonNullable<Awaited<ReturnType<typeof findPressByIdempotencyKey>>>,
  requestHash: string,
): AcceptPressResult {
  if (existing.request_hash !== requestHash) {
    throw new DeskbellApiError(
      'conflict',
      'This Idempotency-Key was already used for a different press. Send a new key for a new press.',
      [{ path: 'header.Idempotency-Key', message: 'already used with different content' }],
    );
  }
  return { kind: 'replayed', press: toPressStatusView(existing) };
}

export async function acceptPress(deps: AcceptPressDeps, input: AcceptPressInput): Promise<AcceptPressResult> {
  const { db } = deps;
  const { agentTokenId, idempotencyKey, submission } = input;
  const requestHash = computeRequestHash(submission);

  if (idempotencyKey !== undefined) {
    const existing = await findPressByIdempotencyKey(db, agentTokenId, idempotencyKey);
    if (existing) return replayOrConflict(existing, requestHash);
  }

  const queue = deps.queue ?? createSqlJobQueue(db);
  const id = randomUUID();
  const now = (deps.now ?? (() => new Date()))().toISOString();
  let accepted: PressStatusRow;
  try {
    accepted = await db.transaction().execute(async (trx) => {
      const row = await insertPress(
        trx,
        { id, agentTokenId, idempotencyKey: idempotencyKey ?? null, requestHash, payload: submission.press, receivedAt: now },
        submission.files,
      );
      const payload: PressJobPayload = { pressId: id };
      await queue.enqueue(PRESS_JOB_KIND, payload, { transaction: trx, dedupeKey: pressJobDedupeKey(id) });
      return row;
    });
  } catch (err) {
    // A concurrent request with the same key committed first: answer as its retry would.
    if (idempotencyKey !== undefined && isDuplicatePressKey(err)) {
      const existing = await findPressByIdempotencyKey(db, agentTokenId, idempotencyKey);
      if (existing) return replayOrConflict(existing, requestHash);
    }
    throw err;
  }

  // The workers (this instance's at once, the others' through NOTIFY) pick the job up now rather
  // than at their next poll. Through the cluster signal, not a module variable: the route and the
  // worker may be different copies of this module in the built server.
  void publish(db, 'jobs', id);
  try {
    deps.onAccepted?.(id);
  } catch (err) {
    // The press is committed and its job will be polled anyway; a failed wake-up must not turn the 202 into a 500.
    console.error('[intake] press accepted listener failed', err instanceof Error ? err.message : err);
  }
  return { kind: 'accepted', press: toPressStatusView(accepted) };
}

/** Absolute when DESKBELL_PUBLIC_URL is set (kept its path prefix), else relative to this host. */
export function buildStatusUrl(pressId: string, publicUrl: string | undefined): string {
  const path = `api/v1/presses/${pressId}`;
  if (!publicUrl) return `/${path}`;
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  return new URL(path, base).toString();
}

export type CreatePressDeps = AcceptPressDeps & {
  limits?: PressLimits;
  /** undefined: read DESKBELL_PUBLIC_URL; null: always answer with a relative statusUrl. */
  publicUrl?: string | null;
};

/** The route's spec: the multipart or JSON press is read here (readPressRequest), not by the wrapper. */
export const createPressInput = { rawBody: true } as const;

/** POST /api/v1/presses after withAgent checked the token (before the body is read): Idempotency-Key, body, accept. */
export async function answerCreatePress(request: Request, token: AgentToken, deps: CreatePressDeps): Promise<Response> {
  const idempotencyKey = readIdempotencyKey(request);
  const submission = await readPressRequest(request, deps.limits ?? pressLimitsFromEnv());
  const result = await acceptPress(deps, { agentTokenId: token.id, idempotencyKey, submission });
  const publicUrl = deps.publicUrl === undefined ? serverEnv().DESKBELL_PUBLIC_URL : (deps.publicUrl ?? undefined);
  const statusUrl = buildStatusUrl(result.press.id, publicUrl);
  const headers: Record<string, string> = { location: statusUrl };
  if (result.kind === 'accepted') {
    return Response.json({ id: result.press.id, status: 'queued', statusUrl }, { status: 202, headers });
  }
  headers['idempotent-replayed'] = 'true';
  return Response.json({ ...result.press, statusUrl }, { status: 200, headers });
}
