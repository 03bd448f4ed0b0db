import 'server-only';
import { randomUUID } from 'node:crypto';
import { DeskbellApiError } from '@/lib/http/errors';
import { readBodyCapped } from '@/lib/http/request-body';
import {
  createCallbackVerifier,
  parseCallbackPayload,
  type ManageCallbackEvent,
  readKeyUrl,
  SIGNATURE_HEADER,
  type CallbackVerifier,
} from '@/lib/connectwise/callback-signature';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import type { JobQueue } from '@/lib/jobs/queue';
import type { DeskbellDatabase } from '@/lib/store/database';
import { isCallbackPathToken } from './callback-path-token';

/**
 * POST /api/connectwise/callback/{token}. Manage gives up after 5 s and disables a callback
 * that keeps failing, so this only proves the request is Manage's, stores it once and
 * answers 204; the work happens in a job (CALLBACK_JOB_KIND).
 *
 * Order matters: path token, size, signature header, body, key_url pin, signature. Nothing
 * is stored and nothing is fetched for a request that fails an earlier check, and every
 * refusal looks the same from outside.
 */

export const CALLBACK_JOB_KIND = 'callback.process';

export type ReceiveCallbackDeps = {
  db: DeskbellDatabase;
  queue: JobQueue;
  verifier: CallbackVerifier;
  /** Where the configured Manage lives; its origin is the only one key_url may point to. */
  loadConnection: (db: DeskbellDatabase) => Promise<ManageConnectionState>;
  maxBodyBytes: number;
  /** Called after a new callback was stored, so the worker picks it up at once. */
  onStored?: () => void;
};

export type CallbackReceipt = { stored: boolean; duplicate: boolean; reason?: string };

const refused = () => new DeskbellApiError('unauthorized', 'Unauthorized', null);

/** A callback proved to be Manage's: its parsed event and the exact bytes that were signed. */
export type VerifiedCallback = { event: ManageCallbackEvent; body: Uint8Array };

/** Every check, in the order above; throws the same refusal for each failed one. Stores nothing. */
export async function verifyManageCallback(request: Request, pathToken: string, deps: ReceiveCallbackDeps): Promise<VerifiedCallback> {
  if (!(await isCallbackPathToken(deps.db, pathToken))) throw refused();
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > deps.maxBodyBytes) {
    throw new DeskbellApiError('payload_too_large', `A callback body is at most ${deps.maxBodyBytes} bytes.`, null);
  }
  const signature = request.headers.get(SIGNATURE_HEADER);
  if (!signature) throw refused();
  const body = await readBodyCapped(request, deps.maxBodyBytes);

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new DeskbellApiError('bad_request', 'The callback body is not JSON.', [{ path: 'body', message: 'must be a JSON object' }]);
  }
  const keyUrl = readKeyUrl(payload);
  if (!keyUrl) throw refused();

  const connection = await deps.loadConnection(deps.db);
  // Without a configured Manage there is no site to pin key_url to, so nothing can be verified.
  if (!connection.configured) throw refused();
  const verdict = await deps.verifier.verify({
    body,
    signature,
    keyUrl,
    manageOrigin: new URL(connection.options.baseUrl).origin,
  });
  if (!verdict.ok) {
    if (verdict.reason === 'key_unavailable') {
      // Manage's side failed, not the caller: 503, and Manage's next callback tries again.
      console.warn(`[callbacks] signing key unavailable: ${verdict.detail}`);
      throw new DeskbellApiError('service_unavailable', 'The signing key could not be fetched from Manage.', null);
    }
    throw refused();
  }

  const parsed = parseCallbackPayload(payload);
  if (!parsed.ok) {
    throw new DeskbellApiError('bad_request', 'The callback is signed but is not a callback Deskbell understands.', parsed.issues);
  }
  return { event: parsed.event, body };
}

/** Stores a verified callback once (by Manage's MessageId) with its job, then wakes the worker. */
export async function storeManageCallback(deps: ReceiveCallbackDeps, { event, body }: VerifiedCallback): Promise<CallbackReceipt> {
  const stored = await deps.db.transaction().execute(async (trx) => {
    const id = randomUUID();
    const inserted = await trx
      .insertInto('callback_events')
      .values({
        id,
        message_id: event.messageId,
        received_at: new Date().toISOString(),
        action: event.action,
        record_type: event.recordType,
        record_id: event.recordId,
        callback_id: event.callbackId,
        body: Buffer.from(body).toString('utf8'),
        status: 'pending',
        outcome: null,
        processed_at: null,
      })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await deps.queue.enqueue(CALLBACK_JOB_KIND, { callbackEventId: id }, { transaction: trx, dedupeKey: `callback:${event.messageId}`, maxAttempts: 8 });
    return true;
  });
  if (stored) deps.onStored?.();
  return { stored, duplicate: !stored };
}

let appVerifier: CallbackVerifier | undefined;

/** One verifier (one key cache) per process. */
export function getAppCallbackVerifier(): CallbackVerifier {
  appVerifier ??= createCallbackVerifier();
  return appVerifier;
}
