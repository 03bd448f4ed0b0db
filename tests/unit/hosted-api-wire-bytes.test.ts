// @vitest-environment jsdom
/**
 * The pod's Hosted API messages, byte for byte, against what ConnectWise's own published client
 * (ConnectWiseHostedAPI.1.0.js, public copy in GitHub pv-ajay-thota/cw-manage-hosted-api) posts
 * for the same conversation. The expected pod lines below were worked out by reading that
 * client, not by running ours:
 * - it posts `{'message':'ready'}` once, before it has a frame id, so with no frameID;
 * - it keeps MessageFrameID and adds `frameID` as the LAST key of every later message;
 * - `post({request, args?})` renames `request` to `hosted_request` by adding the new key and
 *   deleting the old one, so `hosted_request` follows `args` when there are args, and there is
 *   no `args` key when the caller gave none (getMemberAuthentication, refreshScreen);
 * - an event is acknowledged `{event, _id, result:'success'}` (+ frameID), whether a handler is
 *   registered for it or not, unknown events included;
 * - every post is `JSON.stringify(message)`: a string, never an object.
 * Manage's lines are what the reference documents Manage sending.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createHostedApiClient, type HostedApiClient } from '@/components/pod/hosted-api/client';

const MANAGE = 'https://na.myconnectwise.net';
const FRAME = 'cw-frame-5f1c02e7';

const MEMBER_JSON =
  '{"site":"na.myconnectwise.net","companyid":"deskbelldemo","memberid":"jsmith","memberHash":"demo-hash-jsmith-7f3a9c",' +
  '"memberContext":"abc","memberEmail":"jsmith@example.com"}';

type Step =
  | { manage: string }
  | { call: (client: HostedApiClient) => unknown }
  | { pod: string };

/** One whole conversation, in order: what Manage posts, what the pod is asked to do, what the pod must post. */
const CONVERSATION: Step[] = [
  { call: (client) => client.ready() },
  { pod: '{"message":"ready"}' },
  { manage: `{"MessageFrameID":"${FRAME}"}` },
  // Manage sends onLoad on every screen load, before the pod asks for anything.
  { manage: '{"event":"onLoad","_id":1,"data":{"screenObject":{"screen":"ticket","id":7012,"hostedAs":"pod"}}}' },
  { pod: `{"event":"onLoad","_id":1,"result":"success","frameID":"${FRAME}"}` },
  { call: (client) => client.getMemberAuthentication() },
  { pod: `{"hosted_request":"getMemberAuthentication","frameID":"${FRAME}"}` },
  { manage: `{"response":"getmemberauthentication","data":${MEMBER_JSON}}` },
  { manage: '{"event":"beforeSave","_id":2,"data":{}}' },
  { pod: `{"event":"beforeSave","_id":2,"result":"success","frameID":"${FRAME}"}` },
  { manage: '{"event":"beforeBack","_id":3,"data":{}}' },
  { pod: `{"event":"beforeBack","_id":3,"result":"success","frameID":"${FRAME}"}` },
  // An event neither client knows is still acknowledged, with its _id as Manage sent it.
  { manage: '{"event":"onTabChange","_id":"4","data":{"tab":"Notes"}}' },
  { pod: `{"event":"onTabChange","_id":"4","result":"success","frameID":"${FRAME}"}` },
  { call: (client) => client.openScreen({ screen: 'company', id: 250, newTab: true }) },
  { pod: `{"args":{"newTab":true,"screen":"company","id":250},"hosted_request":"openScreen","frameID":"${FRAME}"}` },
  { call: (client) => client.refreshScreen() },
  { pod: `{"hosted_request":"refreshScreen","frameID":"${FRAME}"}` },
];

let selfWindow: Window;
let parentWindow: Window;
let posts: MockInstance<(message: unknown, targetOrigin: string) => void>;
let client: HostedApiClient;

function newWindow(): Window {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  return frame.contentWindow!;
}

function fromManage(data: string): void {
  selfWindow.dispatchEvent(new MessageEvent('message', { data, origin: MANAGE, source: parentWindow }));
}

beforeEach(() => {
  selfWindow = newWindow();
  parentWindow = newWindow();
  posts = vi.spyOn(parentWindow, 'postMessage').mockImplementation(() => {}) as unknown as typeof posts;
  client = createHostedApiClient({ allowedOrigins: [MANAGE], self: selfWindow, parent: parentWindow });
});

afterEach(() => {
  client.close();
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

describe('the pod on the wire', () => {
  it('posts exactly the bytes ConnectWise\u2019s own client posts, in the same order, to Manage only', async () => {
    const expected: string[] = [];
    const pending: Promise<unknown>[] = [];
    for (const step of CONVERSATION) {
      if ('manage' in step) fromManage(step.manage);
      else if ('call' in step) {
        const result = step.call(client);
        if (result instanceof Promise) pending.push(result);
      } else {
        expected.push(step.pod);
        // getMemberAuthentication posts after the handshake promise settles: let it.
        await vi.waitFor(() => expect(posts.mock.calls.length).toBeGreaterThanOrEqual(expected.length));
        // Each line as a string, exactly; nothing extra posted in between.
        expect(posts.mock.calls.map(([raw]) => raw)).toEqual(expected);
      }
    }
    expect(posts.mock.calls.every(([raw, target]) => typeof raw === 'string' && target === MANAGE)).toBe(true);
    const [session, member] = await Promise.all(pending);
    expect(session).toEqual({ frameId: FRAME, origin: MANAGE });
    expect(member).toEqual(JSON.parse(MEMBER_JSON));
    expect(client.screenObject()).toEqual({ screen: 'ticket', id: 7012, hostedAs: 'pod' });
  });

  it('acknowledges an event that comes before the handshake without a frameID, as ConnectWise\u2019s client does', () => {
    fromManage('{"event":"onLoad","_id":0,"data":{}}');
    expect(posts.mock.calls).toEqual([['{"event":"onLoad","_id":0,"result":"success"}', MANAGE]]);
  });

  it('names the newest frame after Manage answers a second ready', async () => {
    const ready = client.ready();
    fromManage(`{"MessageFrameID":"${FRAME}"}`);
    await ready;
    fromManage('{"MessageFrameID":"second-frame"}');
    fromManage('{"event":"beforeSave","_id":9,"data":{}}');
    expect(posts.mock.calls.at(-1)).toEqual(['{"event":"beforeSave","_id":9,"result":"success","frameID":"second-frame"}', MANAGE]);
  });
});
