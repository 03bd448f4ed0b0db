// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createHostedApiClient, HostedApiTimeoutError, type HostedApiClient } from '@/components/pod/hosted-api/client';
import { startDemoManageHost, type DemoEventActivity } from '@/components/pod/hosted-api/demo-host';
import type { HostedEvent, MemberAuthentication, ScreenObject } from '@/components/pod/hosted-api/protocol';

const MANAGE = 'http://localhost:3000'; // the demo Manage frame is served by Deskbell itself
const POD = 'http://localhost:3000';
const OTHER_POD = 'https://pod.deskbell.example';

const MEMBER: MemberAuthentication = {
  site: 'localhost:4010',
  companyid: 'deskbelldemo',
  memberid: 'jsmith',
  memberHash: 'demo-hash-jsmith-7f3a9c',
  memberContext: 'dsk',
  memberEmail: 'jsmith@example.com',
};
const SCREEN: ScreenObject = { screen: 'ticket', id: 7012, hostedAs: 'pod' };

type PostSpy = MockInstance<(message: unknown, targetOrigin: string) => void>;

// Manage's page is the jsdom window; the pod is an iframe in it. postMessage is replaced on both
// windows by a router that behaves like a browser: a message whose targetOrigin is not the
// receiver's origin is dropped, and the receiver sees the sender's origin and window.
let hostWindow: Window;
let iframe: HTMLIFrameElement;
let podWindow: Window;
let toHost: PostSpy;
let toPod: PostSpy;
const cleanups: (() => void)[] = [];

function route(target: Window, receiverOrigin: string, sender: Window, senderOrigin: string): PostSpy {
  return vi.spyOn(target, 'postMessage').mockImplementation(((message: unknown, targetOrigin: string) => {
    if (targetOrigin !== '*' && targetOrigin !== receiverOrigin) return;
    setTimeout(() => {
      target.dispatchEvent(new MessageEvent('message', { data: message, origin: senderOrigin, source: sender }));
    }, 0);
  }) as never) as unknown as PostSpy;
}

function wire(options: { podOrigin?: string; hostOrigin?: string } = {}) {
  const podOrigin = options.podOrigin ?? POD;
  const hostOrigin = options.hostOrigin ?? MANAGE;
  toHost = route(hostWindow, hostOrigin, podWindow, podOrigin);
  toPod = route(podWindow, podOrigin, hostWindow, hostOrigin);
}

function podClient(timeoutMs = 2000): HostedApiClient {
  const client = createHostedApiClient({ allowedOrigins: [MANAGE], self: podWindow, parent: hostWindow, timeoutMs });
  cleanups.push(() => client.close());
  return client;
}

function host(
  options: {
    podOrigin?: string;
    onRequest?: (name: string, args: unknown) => void;
    onEventActivity?: (activity: DemoEventActivity) => void;
    ackTimeoutMs?: number;
  } = {},
) {
  const demo = startDemoManageHost({
    iframe,
    podOrigin: options.podOrigin ?? POD,
    member: MEMBER,
    screenObject: SCREEN,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.onEventActivity ? { onEventActivity: options.onEventActivity } : {}),
    ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
  });
  cleanups.push(() => demo.close());
  return demo;
}

/** What the demo host sent to the pod, decoded. */
function hostPosts(): { message: Record<string, unknown>; targetOrigin: string }[] {
  return toPod.mock.calls.map(([raw, targetOrigin]) => ({ message: JSON.parse(raw as string), targetOrigin }));
}

/** Posts a message to the host as if the pod had sent it (with a chosen origin and source). */
function fromPod(data: unknown, origin = POD, source: Window | null = podWindow): void {
  hostWindow.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeEach(() => {
  hostWindow = window;
  iframe = document.createElement('iframe');
  document.body.append(iframe);
  podWindow = iframe.contentWindow!;
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

describe('startDemoManageHost', () => {
  it('plays Manage for a real pod client: handshake, onLoad, member authentication', async () => {
    wire();
    const onRequest = vi.fn();
    const activity: DemoEventActivity[] = [];
    host({ onRequest, onEventActivity: (a) => activity.push(a) });
    const client = podClient();
    const events: HostedEvent[] = [];
    client.onEvent((event) => events.push(event));

    const session = await client.ready();
    expect(session.origin).toBe(MANAGE);
    expect(session.frameId).toMatch(/^[0-9a-f]{32}$/);

    await expect(client.getMemberAuthentication()).resolves.toEqual(MEMBER);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toEqual({ event: 'onLoad', _id: 1, data: { screenObject: SCREEN } });
    expect(client.screenObject()).toEqual(SCREEN);

    // The host spoke Manage's wire format, only to the pod's origin: onLoad with the screen load.
    expect(hostPosts()).toEqual([
      { message: { MessageFrameID: session.frameId }, targetOrigin: POD },
      { message: { event: 'onLoad', _id: 1, data: { screenObject: SCREEN } }, targetOrigin: POD },
      { message: { response: 'getmemberauthentication', data: MEMBER }, targetOrigin: POD },
    ]);
    // ...and the pod acknowledged onLoad with the same _id and its frame, which the host took.
    expect(toHost.mock.calls.map(([raw]) => raw)).toContain(`{"event":"onLoad","_id":1,"result":"success","frameID":"${session.frameId}"}`);
    expect(activity).toEqual([
      { kind: 'sent', event: 'onLoad', id: 1 },
      { kind: 'acknowledged', event: 'onLoad', id: 1, result: 'success' },
    ]);

    // A second authentication (token refresh) is answered but does not send onLoad again.
    await expect(client.getMemberAuthentication()).resolves.toEqual(MEMBER);
    await tick();
    expect(hostPosts().filter((post) => post.message.event === 'onLoad')).toHaveLength(1);
    expect(onRequest).toHaveBeenCalledWith('getMemberAuthentication', undefined);
  });

  it('sends onLoad on every screen load, even to a pod that never asks who is signed in', async () => {
    wire();
    const onRequest = vi.fn();
    host({ onRequest });
    const client = podClient();
    const events: HostedEvent[] = [];
    client.onEvent((event) => events.push(event));
    await client.ready();
    await vi.waitFor(() => expect(events).toEqual([{ event: 'onLoad', _id: 1, data: { screenObject: SCREEN } }]));
    expect(onRequest).not.toHaveBeenCalled();
  });

  it('holds beforeSave and beforeBack until the pod acknowledges them with its frame', async () => {
    wire();
    const activity: DemoEventActivity[] = [];
    const demo = host({ onEventActivity: (a) => activity.push(a) });
    const client = podClient();
    const { frameId } = await client.ready();
    await vi.waitFor(() => expect(activity).toContainEqual({ kind: 'acknowledged', event: 'onLoad', id: 1, result: 'success' }));

    await expect(demo.sendEvent('beforeSave')).resolves.toEqual({ event: 'beforeSave', id: 2, status: 'success' });
    await expect(demo.sendEvent('beforeBack')).resolves.toEqual({ event: 'beforeBack', id: 3, status: 'success' });
    expect(hostPosts().slice(-2).map((post) => post.message)).toEqual([
      { event: 'beforeSave', _id: 2, data: {} },
      { event: 'beforeBack', _id: 3, data: {} },
    ]);
    expect(toHost.mock.calls.slice(-2).map(([raw]) => raw)).toEqual([
      `{"event":"beforeSave","_id":2,"result":"success","frameID":"${frameId}"}`,
      `{"event":"beforeBack","_id":3,"result":"success","frameID":"${frameId}"}`,
    ]);
    expect(activity.slice(2)).toEqual([
      { kind: 'sent', event: 'beforeSave', id: 2 },
      { kind: 'acknowledged', event: 'beforeSave', id: 2, result: 'success' },
      { kind: 'sent', event: 'beforeBack', id: 3 },
      { kind: 'acknowledged', event: 'beforeBack', id: 3, result: 'success' },
    ]);
  });

  it('does not take an ack without the frame\u2019s id, another frame\u2019s, or for another event: the save times out', async () => {
    wire();
    const activity: DemoEventActivity[] = [];
    const demo = host({ onEventActivity: (a) => activity.push(a), ackTimeoutMs: 150 });
    // No pod client: the test answers as a pod would, byte by byte.
    fromPod('{"message":"ready"}');
    await vi.waitFor(() => expect(hostPosts()).toHaveLength(2));
    const frameId = hostPosts()[0]!.message.MessageFrameID as string;
    expect(frameId).toMatch(/^[0-9a-f]{32}$/);

    const save = demo.sendEvent('beforeSave');
    // What the pod sent before it named its frame, then a stale frame, then the wrong event.
    fromPod('{"event":"beforeSave","_id":2,"result":"success"}');
    fromPod('{"event":"beforeSave","_id":2,"result":"success","frameID":"an-older-frame"}');
    fromPod(`{"event":"beforeBack","_id":2,"result":"success","frameID":"${frameId}"}`);
    await expect(save).resolves.toEqual({ event: 'beforeSave', id: 2, status: 'timed-out' });
    expect(activity.filter((a) => a.event === 'beforeSave' || a.kind === 'ignored-ack')).toEqual([
      { kind: 'sent', event: 'beforeSave', id: 2 },
      { kind: 'ignored-ack', event: 'beforeSave', id: 2, reason: 'no-frame-id' },
      { kind: 'ignored-ack', event: 'beforeSave', id: 2, reason: 'wrong-frame-id' },
      { kind: 'ignored-ack', event: 'beforeBack', id: 2, reason: 'not-waiting' },
      { kind: 'timed-out', event: 'beforeSave', id: 2, waitedMs: 150 },
    ]);

    // A late but correct ack changes nothing; a refusal with errors is reported as such.
    activity.length = 0;
    fromPod(`{"event":"beforeSave","_id":2,"result":"success","frameID":"${frameId}"}`);
    const back = demo.sendEvent('beforeBack');
    fromPod(`{"event":"beforeBack","_id":3,"result":"failure","errors":["Fill in the reason"],"frameID":"${frameId}"}`);
    await expect(back).resolves.toEqual({ event: 'beforeBack', id: 3, status: 'failure', errors: ['Fill in the reason'] });
    expect(activity).toEqual([
      { kind: 'ignored-ack', event: 'beforeSave', id: 2, reason: 'not-waiting' },
      { kind: 'sent', event: 'beforeBack', id: 3 },
      { kind: 'acknowledged', event: 'beforeBack', id: 3, result: 'failure', errors: ['Fill in the reason'] },
    ]);
  });

  it('close() settles what is waiting, and sends nothing more', async () => {
    wire();
    const demo = host();
    const save = demo.sendEvent('beforeSave');
    demo.close();
    await expect(save).resolves.toMatchObject({ event: 'beforeSave', status: 'closed' });
    toPod.mockClear();
    await expect(demo.sendEvent('beforeBack')).resolves.toMatchObject({ status: 'closed' });
    await tick();
    expect(toPod).not.toHaveBeenCalled();
  });

  it('records openScreen, refreshScreen and setDirty', async () => {
    wire();
    const onRequest = vi.fn();
    host({ onRequest });
    const client = podClient();
    const { frameId } = await client.ready();
    onRequest.mockClear();

    client.openScreen({ screen: 'company', id: 250, newTab: true });
    client.refreshScreen();
    fromPod(JSON.stringify({ hosted_request: 'setDirty', args: { dirty: true }, frameID: frameId }));
    await vi.waitFor(() => expect(onRequest).toHaveBeenCalledTimes(3));
    expect(onRequest.mock.calls).toEqual([
      ['setDirty', { dirty: true }],
      ['openScreen', { newTab: true, screen: 'company', id: 250 }],
      ['refreshScreen', undefined],
    ]);
  });

  it('ignores requests with the wrong frame id', async () => {
    wire();
    const onRequest = vi.fn();
    host({ onRequest });
    const client = podClient();
    await client.ready();
    toPod.mockClear();
    onRequest.mockClear();

    fromPod(JSON.stringify({ hosted_request: 'getMemberAuthentication', args: {}, frameID: 'not-the-frame' }));
    fromPod(JSON.stringify({ hosted_request: 'openScreen', args: { newTab: false, screen: 'ticket', id: 1 }, frameID: '' }));
    fromPod(JSON.stringify({ hosted_request: 'refreshScreen', args: {} }));
    await tick();
    expect(onRequest).not.toHaveBeenCalled();
    expect(toPod).not.toHaveBeenCalled();
  });

  it('ignores requests before any ready, and old frame ids after a reload', async () => {
    wire();
    const onRequest = vi.fn();
    host({ onRequest });
    fromPod(JSON.stringify({ hosted_request: 'getMemberAuthentication', args: {}, frameID: 'guess' }));
    await tick();
    expect(toPod).not.toHaveBeenCalled();

    const first = podClient();
    const firstEvents: HostedEvent[] = [];
    first.onEvent((event) => firstEvents.push(event));
    const { frameId: oldFrame } = await first.ready();
    await first.getMemberAuthentication();
    await vi.waitFor(() => expect(firstEvents.map((event) => event._id)).toEqual([1]));
    first.close();

    // The pod reloads: a new ready gets a new frame, and its own onLoad.
    const second = podClient();
    const events: HostedEvent[] = [];
    second.onEvent((event) => events.push(event));
    const { frameId: newFrame } = await second.ready();
    expect(newFrame).not.toBe(oldFrame);
    await second.getMemberAuthentication();
    await vi.waitFor(() => expect(events).toEqual([{ event: 'onLoad', _id: 2, data: { screenObject: SCREEN } }]));

    onRequest.mockClear();
    toPod.mockClear();
    fromPod(JSON.stringify({ hosted_request: 'getMemberAuthentication', args: {}, frameID: oldFrame }));
    await tick();
    expect(onRequest).not.toHaveBeenCalled();
    expect(toPod).not.toHaveBeenCalled();
  });

  it.each([
    ['another origin', OTHER_POD, () => podWindow],
    ['a look-alike origin', `${POD}.evil.com`, () => podWindow],
    ['another window', POD, () => window.document.body.appendChild(document.createElement('iframe')).contentWindow],
    ['the host itself', POD, () => window],
    ['no source', POD, () => null],
  ])('ignores a ready from %s', async (_label, origin, makeSource) => {
    wire();
    host();
    fromPod(JSON.stringify({ message: 'ready' }), origin, makeSource());
    await tick();
    expect(toPod).not.toHaveBeenCalled();
  });

  it('posts only to the pod origin, so a pod elsewhere never completes the handshake', async () => {
    // The host expects the pod at OTHER_POD, but the pod is really served from POD.
    wire();
    host({ podOrigin: OTHER_POD });
    const client = podClient(200);
    await expect(client.ready()).rejects.toBeInstanceOf(HostedApiTimeoutError);
    expect(toPod).not.toHaveBeenCalled();
  });

  it('works when the pod and Manage are on different origins', async () => {
    // The router delivers only to the exact origin, as a browser does.
    wire({ podOrigin: OTHER_POD, hostOrigin: MANAGE });
    const onRequest = vi.fn();
    host({ podOrigin: OTHER_POD, onRequest });
    const client = podClient();
    await client.ready();
    await expect(client.getMemberAuthentication()).resolves.toEqual(MEMBER);
    expect(toPod.mock.calls.every(([, targetOrigin]) => targetOrigin === OTHER_POD)).toBe(true);
  });

  it('close() stops answering', async () => {
    wire();
    const demo = host();
    demo.close();
    fromPod(JSON.stringify({ message: 'ready' }));
    await tick();
    expect(toPod).not.toHaveBeenCalled();
  });
});
