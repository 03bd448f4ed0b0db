/**
 * The pod's half of Manage's Hosted API. Runs in the browser, inside Manage's iframe.
 *
 * Security rests on two checks made on every message: the sender's origin is exactly one of
 * the configured Manage origins (a `startsWith` check is a known hole in a public pod:
 * `https://na.myconnectwise.net.evil.com` passes it) and the sender is our parent window.
 * Everything we post names its target origin explicitly, never "*", because the member's
 * hash travels over this channel.
 */
import {
  isKnownEventName,
  parseIncoming,
  parseMemberAuthentication,
  parseScreenObject,
  serialize,
  type HostedEvent,
  type HostedMessage,
  type HostedRequestName,
  type HostedScreen,
  type MemberAuthentication,
  type ScreenObject,
} from './protocol';

/** Manage did not answer in time: not framed by Manage, wrong origin configured, or Manage is busy. */
export class HostedApiTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostedApiTimeoutError';
  }
}

/** Manage answered, but with something the pod cannot use. */
export class HostedApiResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostedApiResponseError';
  }
}

/** The client was closed (the pod unmounted) while a request was waiting. */
export class HostedApiClosedError extends Error {
  constructor(message = 'The Hosted API client was closed.') {
    super(message);
    this.name = 'HostedApiClosedError';
  }
}

export type HostedApiClient = {
  /** Handshake; resolves with the frame id and the Manage origin it locked onto. */
  ready(): Promise<{ frameId: string; origin: string }>;
  getMemberAuthentication(): Promise<MemberAuthentication>;
  openScreen(args: { screen: HostedScreen; id: number; newTab?: boolean }): void;
  refreshScreen(): void;
  /** Every event is acknowledged with success automatically, listener or not. */
  onEvent(listener: (e: HostedEvent) => void): () => void;
  /** From the last onLoad. */
  screenObject(): ScreenObject | null;
  close(): void;
};

export type HostedApiClientOptions = {
  allowedOrigins: readonly string[];
  self?: Window;
  parent?: Window;
  timeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 8000;

export function formatTimeout(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${ms} ms`;
}

/** A value we can compare with `event.origin` byte for byte: `scheme://host[:port]`, nothing else. */
function assertExactOrigin(origin: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = null;
  }
  if (!parsed || parsed.origin === 'null' || parsed.origin !== origin) {
    throw new Error(
      'Hosted API origins must be exact origins such as https://na.myconnectwise.net ' +
        `(no path, no trailing slash); got ${JSON.stringify(origin)}.`,
    );
  }
}

type Pending = {
  promise: Promise<unknown>;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

export function createHostedApiClient(options: HostedApiClientOptions): HostedApiClient {
  if (!options.self && typeof window === 'undefined') {
    throw new Error('The Hosted API client runs in the browser only.');
  }
  const self = options.self ?? window;
  const parent = options.parent ?? self.parent;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const allowedOrigins = [...options.allowedOrigins];
  if (allowedOrigins.length === 0) throw new Error('Hosted API: no Manage origin is configured.');
  allowedOrigins.forEach(assertExactOrigin);

  let closed = false;
  // Set by the handshake; from then on only this origin is heard and posted to.
  let session: { frameId: string; origin: string } | null = null;
  let handshake: {
    promise: Promise<{ frameId: string; origin: string }>;
    resolve: (value: { frameId: string; origin: string }) => void;
    reject: (error: Error) => void;
    timer: ReturnType<typeof setTimeout>;
  } | null = null;
  // Keyed by the lower-cased request name: that is all a response carries.
  const pending = new Map<string, Pending>();
  const listeners = new Set<(e: HostedEvent) => void>();
  let lastScreenObject: ScreenObject | null = null;

  function post(message: HostedMessage, targetOrigin: string): void {
    parent.postMessage(serialize(message), targetOrigin);
  }

  function isTrusted(event: MessageEvent): boolean {
    if (event.source !== parent) return false;
    if (session) return event.origin === session.origin;
    return allowedOrigins.includes(event.origin);
  }

  function deliver(event: HostedEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener must not stop the others; the ack has already gone.
        reportListenerError(error);
      }
    }
  }

  function handleMessage(event: MessageEvent): void {
    if (closed || !isTrusted(event)) return;
    const message = parseIncoming(event.data);
    if (!message) return;
    switch (message.kind) {
      case 'frameId': {
        // A repeated MessageFrameID (Manage re-answering a ready) replaces the old id.
        session = { frameId: message.frameId, origin: event.origin };
        if (handshake) {
          clearTimeout(handshake.timer);
          handshake.resolve(session);
        }
        return;
      }
      case 'response': {
        const key = message.name.toLowerCase();
        const waiting = pending.get(key);
        if (!waiting) return;
        pending.delete(key);
        clearTimeout(waiting.timer);
        waiting.resolve(message.data);
        return;
      }
      case 'event': {
        // Acknowledge first, always: Manage may hold a save or a back navigation until it hears
        // back. Like ConnectWise's own client, the ack names our frame once we have one:
        // Manage may match acknowledgements by frame, and one without it may leave a save waiting.
        post(
          {
            kind: 'ack',
            event: message.event,
            _id: message._id,
            result: 'success',
            ...(session ? { frameId: session.frameId } : {}),
          },
          event.origin,
        );
        if (!isKnownEventName(message.event)) return;
        if (message.event === 'onLoad') {
          const screen = parseScreenObject(message.data);
          if (screen) lastScreenObject = screen;
        }
        deliver({ event: message.event, _id: message._id, data: message.data });
        return;
      }
      default:
        // ready, requests and acks are the pod's own kinds of message; the parent has no business sending them.
        return;
    }
  }

  self.addEventListener('message', handleMessage);

  function ready(): Promise<{ frameId: string; origin: string }> {
    if (closed) return Promise.reject(new HostedApiClosedError());
    if (session) return Promise.resolve(session);
    if (handshake) return handshake.promise;
    let resolve!: (value: { frameId: string; origin: string }) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<{ frameId: string; origin: string }>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(() => {
      handshake = null; // a later ready() starts over
      reject(
        new HostedApiTimeoutError(
          `Manage did not answer the Hosted API handshake within ${formatTimeout(timeoutMs)}. ` +
            'Is this page open inside Manage, and is Manage\u2019s address configured in Deskbell?',
        ),
      );
    }, timeoutMs);
    handshake = {
      promise,
      resolve: (value) => {
        handshake = null;
        resolve(value);
      },
      reject: (error) => {
        handshake = null;
        reject(error);
      },
      timer,
    };
    // The Manage origin is not known yet, and postMessage drops a message whose targetOrigin
    // is not the parent's: say ready to each allowed origin; only the real parent hears it.
    for (const origin of allowedOrigins) post({ kind: 'ready' }, origin);
    return promise;
  }

  function request(name: HostedRequestName, frame: { frameId: string; origin: string }): Promise<unknown> {
    const key = name.toLowerCase();
    const existing = pending.get(key);
    if (existing) return existing.promise;
    let resolve!: (data: unknown) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(() => {
      pending.delete(key);
      reject(new HostedApiTimeoutError(`Manage did not answer ${name} within ${formatTimeout(timeoutMs)}.`));
    }, timeoutMs);
    pending.set(key, { promise, resolve, reject, timer });
    // No `args` key: ConnectWise's client sends none for a request without arguments.
    post({ kind: 'request', name, frameId: frame.frameId }, frame.origin);
    return promise;
  }

  async function getMemberAuthentication(): Promise<MemberAuthentication> {
    // Post synchronously when the handshake is done, so callers and tests see the request at once.
    const frame = session ?? (await ready());
    if (closed) throw new HostedApiClosedError();
    const data = await request('getMemberAuthentication', frame);
    const member = parseMemberAuthentication(data);
    if (!member) {
      throw new HostedApiResponseError('Manage answered getMemberAuthentication without the member\u2019s details.');
    }
    return member;
  }

  function requireSession(name: HostedRequestName): { frameId: string; origin: string } {
    if (closed) throw new HostedApiClosedError(`${name}: the Hosted API client was closed.`);
    if (!session) throw new Error(`${name}: the Hosted API handshake has not finished; await ready() first.`);
    return session;
  }

  function openScreen(args: { screen: HostedScreen; id: number; newTab?: boolean }): void {
    const frame = requireSession('openScreen');
    if (args.screen !== 'ticket' && args.screen !== 'company') {
      throw new Error(`openScreen: unknown screen ${JSON.stringify(args.screen)}.`);
    }
    if (!Number.isSafeInteger(args.id) || args.id <= 0) {
      throw new Error(`openScreen: ${String(args.id)} is not a record id.`);
    }
    // The reference's args are {newTab, screen, id}; newTab is always sent so we never rely on Manage's default.
    const openArgs = { newTab: args.newTab ?? false, screen: args.screen, id: args.id };
    post({ kind: 'request', name: 'openScreen', args: openArgs, frameId: frame.frameId }, frame.origin);
  }

  function refreshScreen(): void {
    const frame = requireSession('refreshScreen');
    post({ kind: 'request', name: 'refreshScreen', frameId: frame.frameId }, frame.origin);
  }

  function onEvent(listener: (e: HostedEvent) => void): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  function close(): void {
    if (closed) return;
    closed = true;
    self.removeEventListener('message', handleMessage);
    listeners.clear();
    if (handshake) {
      clearTimeout(handshake.timer);
      handshake.reject(new HostedApiClosedError());
    }
    for (const waiting of pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new HostedApiClosedError());
    }
    pending.clear();
  }

  return {
    ready,
    getMemberAuthentication,
    openScreen,
    refreshScreen,
    onEvent,
    screenObject: () => lastScreenObject,
    close,
  };
}

function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else console.error(error);
}
