/**
 * Manage's callbacks (webhooks) for tickets: which registered callbacks fire for a change, the
 * payload, the `x-content-signature` signing and its key served at key_url, and delivery
 * (asynchronous, 5 s timeout, retried twice after 2 s and 4 s on 404/409/419/429).
 * See README.md ("Callbacks") for what is and is not modelled.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { RouteResult } from './context';
import type { SimMember, SimStore, SimTicket } from './store';
import { isoSeconds } from './store';

export type SimCallbackAction = 'added' | 'updated' | 'deleted';

/** One POST of a callback message (a retry or a redelivery is another record, same messageId). */
export type SimCallbackDelivery = {
  messageId: string;
  callbackId: number;
  /** The URL posted to (recordId and action appended). */
  url: string;
  action: SimCallbackAction;
  ticketId: number;
  /** 1 for the first POST of the message, 2 and 3 for retries, more for redeliveries. */
  attempt: number;
  /** The receiver's HTTP status; null when no answer (network error, timeout). */
  status: number | null;
  error: string | null;
  /** When the POST started (ISO). */
  at: string;
  /** The raw JSON body sent. */
  body: string;
  /** The x-content-signature header sent. */
  signature: string;
};

/** The payload Manage posts (key order as Manage sends it). */
export type SimCallbackPayload = {
  MessageId: string;
  FromUrl: string;
  CompanyId: string;
  MemberId: string;
  Action: SimCallbackAction;
  Type: 'ticket';
  ID: number;
  ProductInstanceId: string;
  PartnerId: string;
  Entity: string | null;
  Metadata: { key_url: string };
  CallbackObjectRecId: number;
};

/** A change to a ticket that may fire callbacks. */
export type SimTicketChange = {
  action: SimCallbackAction;
  ticketId: number;
  /** The ticket after the change; for 'deleted', the ticket as it was. */
  ticket: SimTicket | undefined;
  /** Who made the change (MemberId in the payload). */
  actor: SimMember;
  /** Made through the REST API with the integrator's API key: callbacks with isSelfSuppressedFlag skip it. */
  byApiMember: boolean;
};

export type SimCallbackStatus = {
  id: number;
  url: string;
  type: string;
  level: string;
  objectId: number;
  inactiveFlag: boolean;
  isSelfSuppressedFlag: boolean;
  /** Messages that failed (after their retries) since the last success. */
  consecutiveFailures: number;
};

export const CALLBACK_RETRY_STATUSES: ReadonlySet<number> = new Set([404, 409, 419, 429]);
export const DEFAULT_CALLBACK_RETRY_DELAYS_MS: readonly number[] = [2000, 4000];
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5000;
const DELIVERY_LOG_LIMIT = 10_000;
const CLOSE_GRACE_MS = 1000;

/** `base64(HMAC-SHA256(SHA256(utf8(signingKey)), body))`, Manage's x-content-signature. */
export function callbackSignature(signingKey: string, body: string | Uint8Array): string {
  const key = createHash('sha256').update(signingKey, 'utf8').digest();
  return createHmac('sha256', key).update(body).digest('base64');
}

/** The registered URL with the record id and the action appended, as Manage does. */
export function callbackTargetUrl(registered: string, ticketId: number, action: SimCallbackAction): string {
  const withId = /recordId=$/i.test(registered)
    ? `${registered}${ticketId}`
    : `${registered}${registered.includes('?') ? '&' : '?'}recordId=${ticketId}`;
  return `${withId}&action=${action}`;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (error as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Which (2xx) REST API results are ticket changes, and their action. */
const API_TICKET_WRITES: Record<string, { action: SimCallbackAction; param: 'id' | 'parentId' | null }> = {
  'POST /service/tickets': { action: 'added', param: null },
  'PATCH /service/tickets/{id}': { action: 'updated', param: 'id' },
  // Not routed (outside the official subset); kept so adding the routes is enough.
  'PUT /service/tickets/{id}': { action: 'updated', param: 'id' },
  'DELETE /service/tickets/{id}': { action: 'deleted', param: 'id' },
  'POST /service/tickets/{parentId}/notes': { action: 'updated', param: 'parentId' },
};

/** True when the write asked Manage not to fire callbacks (`skipCallback: true`). */
function skipsCallback(body: unknown): boolean {
  if (Array.isArray(body)) {
    return body.some(
      (op) =>
        op !== null &&
        typeof op === 'object' &&
        typeof (op as { path?: unknown }).path === 'string' &&
        (op as { path: string }).path.replace(/^\//, '').toLowerCase() === 'skipcallback' &&
        (op as { value?: unknown }).value === true,
    );
  }
  return body !== null && typeof body === 'object' && (body as { skipCallback?: unknown }).skipCallback === true;
}

type Message = {
  messageId: string;
  callbackId: number;
  url: string;
  action: SimCallbackAction;
  ticketId: number;
  body: string;
  signature: string;
  attempts: number;
};

export type CallbackEmitterOptions = {
  store: SimStore;
  /** The simulator's origin (FromUrl; key_url is built on it). */
  origin: string;
  /** Path prefix of key_url, e.g. '/v4_6_release/callbackkeys/'. */
  keyPath: string;
  companyId: string;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  enabled: boolean;
};

export class CallbackEmitter {
  /** Fixed per simulator, like a Manage instance's id. */
  readonly productInstanceId = randomUUID();
  private readonly keys = new Map<string, string>();
  private currentKeyId = '';
  private readonly messages = new Map<string, Message>();
  private deliveries: SimCallbackDelivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly failures = new Map<number, number>();
  private enabled: boolean;
  private closed = false;
  /** Aborted by reset() and close(): in-flight POSTs and retry waits stop, unrecorded. */
  private generation = new AbortController();
  private readonly agent: Agent;

  constructor(private readonly options: CallbackEmitterOptions) {
    this.enabled = options.enabled;
    this.agent = new Agent({ connect: { timeout: options.timeoutMs } });
    this.rotateKey();
  }

  // --- signing key ---------------------------------------------------------------------

  /** Makes a new signing key and key id; earlier key ids keep being served. */
  rotateKey(): { keyId: string; keyUrl: string } {
    const keyId = randomUUID();
    this.keys.set(keyId, randomBytes(32).toString('base64url'));
    this.currentKeyId = keyId;
    return { keyId, keyUrl: this.keyUrl() };
  }

  signingKey(): string {
    return this.keys.get(this.currentKeyId)!;
  }

  keyUrl(): string {
    return `${this.options.origin}${this.options.keyPath}${this.currentKeyId}`;
  }

  /** The key a key id names (current or rotated out), or undefined. */
  keyById(keyId: string): string | undefined {
    return this.keys.get(keyId);
  }

  // --- emission --------------------------------------------------------------------------

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  isEnabled(): boolean {
    return this.enabled;
  }

  /**
   * Called after a REST API route answered: emits when it was a successful ticket write.
   * `before` is the ticket as it was before the call (for a delete).
   */
  afterApiCall(
    method: string,
    routePath: string,
    params: Record<string, string>,
    body: unknown,
    result: RouteResult,
    member: SimMember,
    before: SimTicket | undefined,
  ): void {
    const write = API_TICKET_WRITES[`${method} ${routePath}`];
    if (!write || result.status < 200 || result.status > 299) return;
    if (skipsCallback(body)) return;
    const ticketId =
      write.param === null
        ? Number(('body' in result ? (result.body as { id?: unknown } | undefined) : undefined)?.id)
        : Number(params[write.param]);
    if (!Number.isInteger(ticketId) || ticketId <= 0) return;
    const ticket = write.action === 'deleted' ? before : this.options.store.tickets.get(ticketId);
    this.emit({
      action: write.action,
      ticketId,
      ticket,
      actor: member,
      byApiMember: member.id === this.options.store.settings.apiMemberId,
    });
  }

  /** Starts a delivery to every callback the change fires; returns their message ids. */
  emit(change: SimTicketChange): string[] {
    if (!this.enabled || this.closed) return [];
    const boardId = (change.ticket?.board as { id?: unknown } | undefined)?.id;
    // The record exactly as GET /service/tickets/{id} renders it, frozen at the change.
    const entity = change.action === 'deleted' || change.ticket === undefined ? null : JSON.stringify(change.ticket);
    const started: string[] = [];
    for (const callback of this.options.store.callbacks.list()) {
      if (callback.inactiveFlag === true) continue;
      if (String(callback.type).toLowerCase() !== 'ticket') continue;
      const level = String(callback.level).toLowerCase();
      // Only the owner (everything) and board levels are modelled; other levels never fire.
      if (level === 'board') {
        if (boardId !== callback.objectId) continue;
      } else if (level !== 'owner') {
        continue;
      }
      if (callback.isSelfSuppressedFlag === true && change.byApiMember) continue;
      const payload: SimCallbackPayload = {
        MessageId: randomUUID(),
        FromUrl: this.options.origin,
        CompanyId: this.options.companyId,
        MemberId: change.actor.identifier,
        Action: change.action,
        Type: 'ticket',
        ID: change.ticketId,
        ProductInstanceId: this.productInstanceId,
        PartnerId: this.options.companyId,
        Entity: entity,
        Metadata: { key_url: this.keyUrl() },
        CallbackObjectRecId: callback.id,
      };
      const body = JSON.stringify(payload);
      const message: Message = {
        messageId: payload.MessageId,
        callbackId: callback.id,
        url: callbackTargetUrl(callback.url, change.ticketId, change.action),
        action: change.action,
        ticketId: change.ticketId,
        body,
        signature: callbackSignature(this.signingKey(), body),
        attempts: 0,
      };
      this.remember(message);
      this.track(this.deliver(message, this.generation.signal));
      started.push(message.messageId);
    }
    return started;
  }

  /** POSTs a message's same body and signature once more (a duplicate, as Manage may send). */
  async redeliver(messageId: string): Promise<SimCallbackDelivery> {
    const message = this.messages.get(messageId);
    if (!message) throw new UnknownCallbackMessage(messageId);
    if (this.closed) throw new Error('the simulator is closed');
    const attempt = this.attempt(message, this.generation.signal).then((record) => {
      if (!record) throw new Error('the redelivery was aborted (simulator reset or closed)');
      this.countOutcome(message.callbackId, record.status !== null && record.status >= 200 && record.status <= 299);
      return record;
    });
    this.track(attempt);
    return attempt;
  }

  /** Resolves when every delivery started so far (retries included) is settled. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  deliveryLog(): SimCallbackDelivery[] {
    return this.deliveries.map((d) => ({ ...d }));
  }

  clearDeliveries(): void {
    this.deliveries = [];
  }

  pendingCount(): number {
    return this.pending.size;
  }

  /** Sets a callback's inactiveFlag, as Manage does after 3 days of failures. */
  disable(callbackId: number): boolean {
    const callback = this.options.store.callbacks.get(callbackId);
    if (!callback) return false;
    callback.inactiveFlag = true;
    const info = (callback._info ?? {}) as Record<string, string>;
    callback._info = { ...info, lastUpdated: isoSeconds() };
    return true;
  }

  status(): SimCallbackStatus[] {
    return this.options.store.callbacks.list().map((c) => ({
      id: c.id,
      url: c.url,
      type: c.type,
      level: c.level,
      objectId: c.objectId,
      inactiveFlag: c.inactiveFlag === true,
      isSelfSuppressedFlag: c.isSelfSuppressedFlag === true,
      consecutiveFailures: this.failures.get(c.id) ?? 0,
    }));
  }

  /** Drops deliveries, messages and failure counts and stops in-flight work; keeps the keys. */
  reset(): void {
    this.generation.abort();
    this.generation = new AbortController();
    this.deliveries = [];
    this.messages.clear();
    this.failures.clear();
  }

  /** Aborts in-flight deliveries; never waits on a receiver. */
  async close(): Promise<void> {
    this.closed = true;
    this.generation.abort();
    const grace = (ms: number) => sleep(ms, undefined, { ref: false });
    await Promise.race([Promise.allSettled([...this.pending]), grace(CLOSE_GRACE_MS)]);
    await Promise.race([this.agent.destroy().catch(() => undefined), grace(CLOSE_GRACE_MS)]);
  }

  // --- delivery --------------------------------------------------------------------------

  private remember(message: Message): void {
    this.messages.set(message.messageId, message);
    if (this.messages.size > DELIVERY_LOG_LIMIT) {
      const oldest = this.messages.keys().next().value;
      if (oldest !== undefined) this.messages.delete(oldest);
    }
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    const done = () => this.pending.delete(promise);
    promise.then(done, done);
  }

  private countOutcome(callbackId: number, success: boolean): void {
    this.failures.set(callbackId, success ? 0 : (this.failures.get(callbackId) ?? 0) + 1);
  }

  private async deliver(message: Message, signal: AbortSignal): Promise<void> {
    const delays = this.options.retryDelaysMs;
    for (let retry = 0; ; retry++) {
      const record = await this.attempt(message, signal);
      if (!record) return;
      if (record.status !== null && record.status >= 200 && record.status <= 299) {
        this.countOutcome(message.callbackId, true);
        return;
      }
      if (record.status === null || !CALLBACK_RETRY_STATUSES.has(record.status) || retry >= delays.length) {
        this.countOutcome(message.callbackId, false);
        return;
      }
      try {
        await sleep(delays[retry], undefined, { signal });
      } catch {
        return; // reset or closed
      }
    }
  }

  /** One POST; returns its record, or null when aborted by reset()/close() (not recorded). */
  private async attempt(message: Message, signal: AbortSignal): Promise<SimCallbackDelivery | null> {
    if (signal.aborted) return null;
    const attempt = ++message.attempts;
    const at = new Date().toISOString();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await request(message.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'x-content-signature': message.signature },
        body: message.body,
        signal: AbortSignal.any([signal, timeout]),
      });
      status = res.statusCode;
      await res.body.dump().catch(() => undefined);
    } catch (cause) {
      if (signal.aborted) return null;
      error = timeout.aborted ? `timed out after ${this.options.timeoutMs} ms` : describeError(cause);
    }
    if (signal.aborted) return null;
    const record: SimCallbackDelivery = {
      messageId: message.messageId,
      callbackId: message.callbackId,
      url: message.url,
      action: message.action,
      ticketId: message.ticketId,
      attempt,
      status,
      error,
      at,
      body: message.body,
      signature: message.signature,
    };
    this.deliveries.push(record);
    if (this.deliveries.length > DELIVERY_LOG_LIMIT) this.deliveries.splice(0, this.deliveries.length - DELIVERY_LOG_LIMIT);
    return record;
  }
}

export class UnknownCallbackMessage extends Error {
  constructor(readonly messageId: string) {
    super(`No callback message ${messageId}`);
    this.name = 'UnknownCallbackMessage';
  }
}
