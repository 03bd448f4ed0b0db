/**
 * Manage's side of the Hosted API, played by a page that frames the pod: the demo Manage
 * frame (a newcomer sees the pod without a Manage instance) and e2e tests (the real protocol
 * in a real browser). It is no kinder than Manage, so the demo shows what Manage would do:
 * - JSON strings, a new MessageFrameID per `ready`, responses named by the lower-cased request;
 * - onLoad on every screen load (every `ready`), whether or not the pod ever authenticates;
 * - each event waits for its acknowledgement, matched by `_id` AND the frame's id; an ack
 *   without the right `frameID` is not an answer, and an event nobody answers times out
 *   (beforeSave: the save would not go through; beforeBack: the technician stays put).
 * Like Manage it trusts only the framed pod, at the pod's origin.
 */
import { parseIncoming, serialize, type HostedMessage, type MemberAuthentication, type ScreenObject } from './protocol';

export type DemoHostEventName = 'onLoad' | 'beforeSave' | 'beforeBack';

/** An event's life in the host, reported as it happens (the demo page writes it in its log). */
export type DemoEventActivity =
  | { kind: 'sent'; event: DemoHostEventName; id: number }
  | { kind: 'acknowledged'; event: DemoHostEventName; id: number; result: 'success' | 'failure'; errors?: unknown }
  /** An ack for a waiting event that Manage cannot take: no frameID, or another frame's. */
  | { kind: 'ignored-ack'; event: string; id: unknown; reason: 'no-frame-id' | 'wrong-frame-id' | 'not-waiting' }
  | { kind: 'timed-out'; event: DemoHostEventName; id: number; waitedMs: number };

export type DemoEventOutcome =
  | { event: DemoHostEventName; id: number; status: 'success' | 'failure'; errors?: unknown }
  | { event: DemoHostEventName; id: number; status: 'timed-out' | 'closed' };

export type DemoManageHostOptions = {
  iframe: HTMLIFrameElement;
  podOrigin: string;
  member: MemberAuthentication;
  screenObject: ScreenObject;
  /** Called for every request that passes the checks (openScreen, refreshScreen, setDirty, ...). */
  onRequest?: (name: string, args: Record<string, unknown> | undefined) => void;
  onEventActivity?: (activity: DemoEventActivity) => void;
  /** How long an event waits for its acknowledgement before the host gives up on it. */
  ackTimeoutMs?: number;
};

export type DemoManageHost = {
  /** Sends an event to the pod as Manage would (Save, Back) and waits for its matching ack. */
  sendEvent(event: 'beforeSave' | 'beforeBack'): Promise<DemoEventOutcome>;
  close(): void;
};

export const DEMO_ACK_TIMEOUT_MS = 5_000;

type Waiting = {
  event: DemoHostEventName;
  id: number;
  timer: ReturnType<typeof setTimeout>;
  settle: (outcome: DemoEventOutcome) => void;
};

function newFrameId(): string {
  // getRandomValues, not randomUUID: the demo may be served over plain http on a LAN address,
  // where randomUUID (secure contexts only) is missing.
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function startDemoManageHost(options: DemoManageHostOptions): DemoManageHost {
  const { iframe, podOrigin, member, screenObject, onRequest, onEventActivity } = options;
  const ackTimeoutMs = options.ackTimeoutMs ?? DEMO_ACK_TIMEOUT_MS;
  const host = iframe.ownerDocument.defaultView;
  if (!host) throw new Error('The demo Manage host needs an iframe that is in a document with a window.');

  let closed = false;
  let frameId: string | null = null;
  let nextEventId = 1;
  const waiting = new Map<number, Waiting>();

  function post(message: HostedMessage): void {
    // contentWindow is read at send time: it is null until the iframe is attached.
    iframe.contentWindow?.postMessage(serialize(message), podOrigin);
  }

  function sendEvent(event: DemoHostEventName, data: unknown): Promise<DemoEventOutcome> {
    const id = nextEventId++;
    const outcome = new Promise<DemoEventOutcome>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        onEventActivity?.({ kind: 'timed-out', event, id, waitedMs: ackTimeoutMs });
        resolve({ event, id, status: 'timed-out' });
      }, ackTimeoutMs);
      waiting.set(id, { event, id, timer, settle: resolve });
    });
    post({ kind: 'event', event, _id: id, data });
    onEventActivity?.({ kind: 'sent', event, id });
    return outcome;
  }

  function handleAck(message: Extract<HostedMessage, { kind: 'ack' }>): void {
    const entry = typeof message._id === 'number' ? waiting.get(message._id) : undefined;
    if (!entry || entry.event !== message.event) {
      onEventActivity?.({ kind: 'ignored-ack', event: message.event, id: message._id, reason: 'not-waiting' });
      return;
    }
    if (message.frameId === undefined || message.frameId !== frameId) {
      // Only an ack naming the pod's current frame answers; otherwise Manage cannot tell
      // which pod answered, and the event keeps waiting.
      const reason = message.frameId === undefined ? 'no-frame-id' : 'wrong-frame-id';
      onEventActivity?.({ kind: 'ignored-ack', event: message.event, id: message._id, reason });
      return;
    }
    waiting.delete(entry.id);
    clearTimeout(entry.timer);
    const errors = message.result === 'failure' && message.errors !== undefined ? { errors: message.errors } : {};
    onEventActivity?.({ kind: 'acknowledged', event: entry.event, id: entry.id, result: message.result, ...errors });
    entry.settle({ event: entry.event, id: entry.id, status: message.result, ...errors });
  }

  function handleMessage(event: MessageEvent): void {
    if (event.origin !== podOrigin) return;
    if (!iframe.contentWindow || event.source !== iframe.contentWindow) return;
    const message = parseIncoming(event.data);
    if (!message) return;
    switch (message.kind) {
      case 'ready':
        // A ready means a fresh pod (first load or reload): a new frame, and the screen's onLoad,
        // which Manage sends on every load whether or not the pod goes on to authenticate.
        frameId = newFrameId();
        post({ kind: 'frameId', frameId });
        void sendEvent('onLoad', { screenObject });
        return;
      case 'request': {
        if (frameId === null || message.frameId !== frameId) return;
        onRequest?.(message.name, message.args);
        if (message.name === 'getMemberAuthentication') {
          post({ kind: 'response', name: 'getmemberauthentication', data: member });
        } else if (message.name === 'getScreenObject') {
          post({ kind: 'response', name: 'getscreenobject', data: screenObject });
        }
        return;
      }
      case 'ack':
        handleAck(message);
        return;
      default:
        // The other kinds are Manage's own and never come from a pod.
        return;
    }
  }

  host.addEventListener('message', handleMessage);
  return {
    sendEvent(event) {
      if (closed) return Promise.resolve({ event, id: 0, status: 'closed' });
      return sendEvent(event, {});
    },
    close() {
      if (closed) return;
      closed = true;
      host.removeEventListener('message', handleMessage);
      for (const entry of waiting.values()) {
        clearTimeout(entry.timer);
        entry.settle({ event: entry.event, id: entry.id, status: 'closed' });
      }
      waiting.clear();
    },
  };
}
