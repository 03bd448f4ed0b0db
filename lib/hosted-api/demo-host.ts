/**
 * Manage's side of the Hosted API, played by a page that frames the pod: the demo Manage
 * frame (a newcomer sees the pod without a Manage instance) and e2e tests (the real protocol
 * in a real browser). It behaves like Manage where the reference documents it: JSON strings,
 * a new MessageFrameID per `ready`, responses named by the lower-cased request, onLoad after
 * the pod has authenticated. Like Manage it trusts only the framed pod, at the pod's origin.
 */
import { parseIncoming, serialize, type HostedMessage, type MemberAuthentication, type ScreenObject } from './protocol';

export type DemoManageHostOptions = {
  iframe: HTMLIFrameElement;
  podOrigin: string;
  member: MemberAuthentication;
  screenObject: ScreenObject;
  /** Called for every request that passes the checks (openScreen, refreshScreen, setDirty, ...). */
  onRequest?: (name: string, args: unknown) => void;
};

function newFrameId(): string {
  // getRandomValues, not randomUUID: the demo may be served over plain http on a LAN address,
  // where randomUUID (secure contexts only) is missing.
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function startDemoManageHost(options: DemoManageHostOptions): { close(): void } {
  const { iframe, podOrigin, member, screenObject, onRequest } = options;
  const host = iframe.ownerDocument.defaultView;
  if (!host) throw new Error('The demo Manage host needs an iframe that is in a document with a window.');

  let frameId: string | null = null;
  let loadSent = false;
  let nextEventId = 1;

  function post(message: HostedMessage): void {
    // contentWindow is read at send time: it is null until the iframe is attached.
    iframe.contentWindow?.postMessage(serialize(message), podOrigin);
  }

  function handleMessage(event: MessageEvent): void {
    if (event.origin !== podOrigin) return;
    if (!iframe.contentWindow || event.source !== iframe.contentWindow) return;
    const message = parseIncoming(event.data);
    if (!message) return;
    switch (message.kind) {
      case 'ready':
        // A ready means a fresh pod (first load or reload): new frame, and it gets its own onLoad.
        frameId = newFrameId();
        loadSent = false;
        post({ kind: 'frameId', frameId });
        return;
      case 'request': {
        if (frameId === null || message.frameId !== frameId) return;
        onRequest?.(message.name, message.args);
        if (message.name === 'getMemberAuthentication') {
          post({ kind: 'response', name: 'getmemberauthentication', data: member });
          if (!loadSent) {
            loadSent = true;
            post({ kind: 'event', event: 'onLoad', _id: nextEventId++, data: { screenObject } });
          }
        } else if (message.name === 'getScreenObject') {
          post({ kind: 'response', name: 'getscreenobject', data: screenObject });
        }
        return;
      }
      default:
        // Acks need no answer; the other kinds are Manage's own and never come from a pod.
        return;
    }
  }

  host.addEventListener('message', handleMessage);
  return {
    close() {
      host.removeEventListener('message', handleMessage);
    },
  };
}
