// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  createHostedApiClient,
  HostedApiClosedError,
  HostedApiResponseError,
  HostedApiTimeoutError,
  type HostedApiClient,
} from '@/components/pod/hosted-api/client';
import { parseIncoming, parseMemberAuthentication, serialize, type HostedEvent } from '@/components/pod/hosted-api/protocol';

const MANAGE = 'https://na.myconnectwise.net';
const MANAGE_EU = 'https://eu.myconnectwise.net';

const MEMBER = {
  site: 'na.myconnectwise.net',
  companyid: 'deskbelldemo',
  memberid: 'jsmith',
  memberHash: 'demo-hash-jsmith-7f3a9c',
  memberContext: 'abc',
  memberEmail: 'jsmith@example.com',
};

// Two real jsdom windows: the pod (`self`) and Manage (`parent`). Manage's messages are
// dispatched on the pod window by hand; the pod's posts are captured on the parent.
let selfWindow: Window;
let parentWindow: Window;
let posts: MockInstance<(message: unknown, targetOrigin: string) => void>;
const clients: HostedApiClient[] = [];

function newWindow(): Window {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  return frame.contentWindow!;
}

beforeEach(() => {
  selfWindow = newWindow();
  parentWindow = newWindow();
  posts = vi.spyOn(parentWindow, 'postMessage').mockImplementation(() => {}) as unknown as typeof posts;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  document.body.replaceChildren();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function makeClient(options: { allowedOrigins?: string[]; timeoutMs?: number } = {}): HostedApiClient {
  const client = createHostedApiClient({
    allowedOrigins: options.allowedOrigins ?? [MANAGE],
    self: selfWindow,
    parent: parentWindow,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  clients.push(client);
  return client;
}

/** Manage (or an impostor) posting to the pod. */
function receive(data: unknown, origin = MANAGE, source: unknown = parentWindow): void {
  selfWindow.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));
}

/** The pod's posts, decoded, with the target origin each was sent to. */
function sent(): { message: unknown; targetOrigin: string; raw: unknown }[] {
  return posts.mock.calls.map(([raw, targetOrigin]) => ({
    message: JSON.parse(raw as string),
    targetOrigin,
    raw,
  }));
}

async function handshake(client: HostedApiClient, frameId = 'frame-1', origin = MANAGE) {
  const ready = client.ready();
  receive(JSON.stringify({ MessageFrameID: frameId }), origin);
  return ready;
}

/** Settles the promise into a value we can assert on without an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('protocol', () => {
  it('serialises every message as a JSON string with Manage\u2019s key names', () => {
    expect(serialize({ kind: 'ready' })).toBe('{"message":"ready"}');
    expect(serialize({ kind: 'frameId', frameId: 'f' })).toBe('{"MessageFrameID":"f"}');
    expect(serialize({ kind: 'request', name: 'refreshScreen', frameId: 'f' })).toBe('{"hosted_request":"refreshScreen","frameID":"f"}');
    expect(serialize({ kind: 'request', name: 'setDirty', args: { dirty: true }, frameId: 'f' })).toBe(
      '{"args":{"dirty":true},"hosted_request":"setDirty","frameID":"f"}',
    );
    expect(serialize({ kind: 'ack', event: 'onLoad', _id: 3, result: 'success' })).toBe('{"event":"onLoad","_id":3,"result":"success"}');
    expect(serialize({ kind: 'ack', event: 'beforeSave', _id: 3, result: 'failure', errors: ['x'], frameId: 'f' })).toBe(
      '{"event":"beforeSave","_id":3,"result":"failure","errors":["x"],"frameID":"f"}',
    );
  });

  it('parses strings and already-parsed objects alike, and tells an event from its ack', () => {
    expect(parseIncoming('{"MessageFrameID":"abc"}')).toEqual({ kind: 'frameId', frameId: 'abc' });
    expect(parseIncoming({ MessageFrameID: 'abc' })).toEqual({ kind: 'frameId', frameId: 'abc' });
    expect(parseIncoming('{"event":"onLoad","_id":1,"data":{}}')).toEqual({
      kind: 'event',
      event: 'onLoad',
      _id: 1,
      data: {},
    });
    expect(parseIncoming('{"event":"onLoad","_id":1,"result":"success"}')).toEqual({
      kind: 'ack',
      event: 'onLoad',
      _id: 1,
      result: 'success',
    });
    expect(parseIncoming('{"response":"getmemberauthentication","data":{"a":1}}')).toEqual({
      kind: 'response',
      name: 'getmemberauthentication',
      data: { a: 1 },
    });
    expect(parseIncoming('{"message":"ready"}')).toEqual({ kind: 'ready' });
    // What a pod posts parses back to the same message: a request without args stays without.
    for (const wire of [
      '{"hosted_request":"getMemberAuthentication","frameID":"f"}',
      '{"args":{"newTab":false,"screen":"ticket","id":1},"hosted_request":"openScreen","frameID":"f"}',
      '{"event":"beforeBack","_id":"x","result":"success","frameID":"f"}',
    ]) {
      expect(serialize(parseIncoming(wire)!)).toBe(wire);
    }
    expect(parseIncoming('{"event":"beforeSave","_id":2,"result":"success","frameID":"f"}')).toEqual({
      kind: 'ack',
      event: 'beforeSave',
      _id: 2,
      result: 'success',
      frameId: 'f',
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"MessageFrameID":'],
    ['a number', 42],
    ['null', null],
    ['an array', ['MessageFrameID']],
    ['a JSON array', '["ready"]'],
    ['a frame id that is not a string', { MessageFrameID: 5 }],
    ['an empty frame id', { MessageFrameID: '' }],
    ['an unknown request', { hosted_request: 'deleteEverything', args: {}, frameID: 'f' }],
    ['a request without frameID', { hosted_request: 'openScreen', args: {} }],
    ['an unrelated message', { type: 'webpackOk' }],
    ['another kind of message', { message: 'hello' }],
  ])('ignores %s', (_label, data) => {
    expect(parseIncoming(data)).toBeNull();
  });

  it('keeps the member fields the server needs and drops the SSO tokens', () => {
    const parsed = parseMemberAuthentication({
      ...MEMBER,
      codeBase: 'v2025_1/',
      memberContext: null,
      ssoAccessToken: 'secret-access',
      ssoIdToken: 'secret-id',
    });
    expect(parsed).toEqual({
      site: MEMBER.site,
      companyid: MEMBER.companyid,
      memberid: MEMBER.memberid,
      memberHash: MEMBER.memberHash,
      memberEmail: MEMBER.memberEmail,
      codeBase: 'v2025_1/',
    });
    expect(parseMemberAuthentication({ ...MEMBER, memberHash: '' })).toBeNull();
    expect(parseMemberAuthentication('nope')).toBeNull();
  });
});

describe('createHostedApiClient', () => {
  it('refuses a wildcard or anything that is not an exact origin', () => {
    expect(() => makeClient({ allowedOrigins: ['*'] })).toThrow(/exact origins/);
    expect(() => makeClient({ allowedOrigins: [`${MANAGE}/`] })).toThrow(/exact origins/);
    expect(() => makeClient({ allowedOrigins: [`${MANAGE}/v4_6_release`] })).toThrow(/exact origins/);
    expect(() => makeClient({ allowedOrigins: [] })).toThrow(/no Manage origin/);
  });

  it('says ready to each allowed origin, then locks onto the origin that answered', async () => {
    const client = makeClient({ allowedOrigins: [MANAGE, MANAGE_EU] });
    const ready = client.ready();
    expect(sent()).toEqual([
      { message: { message: 'ready' }, targetOrigin: MANAGE, raw: '{"message":"ready"}' },
      { message: { message: 'ready' }, targetOrigin: MANAGE_EU, raw: '{"message":"ready"}' },
    ]);

    receive(JSON.stringify({ MessageFrameID: 'frame-eu' }), MANAGE_EU);
    await expect(ready).resolves.toEqual({ frameId: 'frame-eu', origin: MANAGE_EU });
    await expect(client.ready()).resolves.toEqual({ frameId: 'frame-eu', origin: MANAGE_EU });

    posts.mockClear();
    client.refreshScreen();
    expect(sent()).toEqual([
      {
        message: { hosted_request: 'refreshScreen', frameID: 'frame-eu' },
        targetOrigin: MANAGE_EU,
        raw: expect.any(String),
      },
    ]);

    // The other allowed origin is no longer heard: its frame id does not replace ours.
    receive(JSON.stringify({ MessageFrameID: 'frame-na' }), MANAGE);
    posts.mockClear();
    client.refreshScreen();
    expect(sent()[0]?.message).toMatchObject({ frameID: 'frame-eu' });
    expect(sent()[0]?.targetOrigin).toBe(MANAGE_EU);
  });

  it('accepts the handshake as an already-parsed object', async () => {
    const client = makeClient();
    const ready = client.ready();
    receive({ MessageFrameID: 'frame-obj' });
    await expect(ready).resolves.toEqual({ frameId: 'frame-obj', origin: MANAGE });
  });

  it.each([
    ['a look-alike host', 'https://na.myconnectwise.net.evil.com'],
    ['a prefix of the origin', 'https://na.myconnectwise.ne'],
    ['a shorter prefix', 'https://na.myconnectwise'],
    ['the origin with a path-like suffix', 'https://na.myconnectwise.net/evil'],
    ['another scheme', 'http://na.myconnectwise.net'],
    ['another port', 'https://na.myconnectwise.net:8443'],
    ['another case', 'https://NA.myconnectwise.net'],
    ['an opaque origin', 'null'],
    ['an unrelated site', 'https://evil.example'],
  ])('ignores %s (%s): the handshake and requests time out', async (_label, origin) => {
    vi.useFakeTimers();
    const client = makeClient({ timeoutMs: 1000 });
    const ready = settle(client.ready());
    receive(JSON.stringify({ MessageFrameID: 'evil-frame' }), origin);
    await vi.advanceTimersByTimeAsync(1000);
    const handshakeResult = await ready;
    expect(handshakeResult.ok).toBe(false);
    expect(!handshakeResult.ok && handshakeResult.error).toBeInstanceOf(HostedApiTimeoutError);

    // Now a real handshake, then a forged member-auth answer from the impostor.
    const ok = handshake(client);
    await expect(ok).resolves.toEqual({ frameId: 'frame-1', origin: MANAGE });
    const auth = settle(client.getMemberAuthentication());
    receive(JSON.stringify({ response: 'getmemberauthentication', data: MEMBER }), origin);
    receive(JSON.stringify({ event: 'onLoad', _id: 1, data: {} }), origin);
    await vi.advanceTimersByTimeAsync(1000);
    const result = await auth;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(HostedApiTimeoutError);
    // Nothing was acknowledged to the impostor, and nothing was ever posted to it.
    expect(sent().every((post) => post.targetOrigin === MANAGE)).toBe(true);
    expect(sent().some((post) => (post.message as { event?: string }).event === 'onLoad')).toBe(false);
  });

  it.each([
    ['another window', () => newWindow()],
    ['the pod itself', () => selfWindow],
    ['no source', () => null],
  ])('ignores a message from the right origin but %s', async (_label, makeSource) => {
    vi.useFakeTimers();
    const client = makeClient({ timeoutMs: 500 });
    const ready = settle(client.ready());
    receive(JSON.stringify({ MessageFrameID: 'frame-x' }), MANAGE, makeSource());
    await vi.advanceTimersByTimeAsync(500);
    const result = await ready;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(HostedApiTimeoutError);

    await handshake(client);
    const auth = settle(client.getMemberAuthentication());
    receive(JSON.stringify({ response: 'getmemberauthentication', data: MEMBER }), MANAGE, makeSource());
    await vi.advanceTimersByTimeAsync(500);
    expect((await auth).ok).toBe(false);
  });

  it('asks for member authentication with the frame id and resolves with the member', async () => {
    const client = makeClient();
    await handshake(client, 'frame-42');
    posts.mockClear();
    const auth = client.getMemberAuthentication();
    expect(posts).toHaveBeenCalledTimes(1);
    expect(posts.mock.calls[0]?.[0]).toBeTypeOf('string');
    expect(sent()[0]).toMatchObject({
      message: { hosted_request: 'getMemberAuthentication', frameID: 'frame-42' },
      targetOrigin: MANAGE,
    });

    receive(
      JSON.stringify({
        response: 'getmemberauthentication',
        data: { ...MEMBER, ssoAccessToken: 'sso-access', ssoIdToken: 'sso-id' },
      }),
    );
    const member = await auth;
    expect(member).toEqual(MEMBER);
    expect(JSON.stringify(member)).not.toContain('sso');
  });

  it('does the handshake first when asked for member authentication straight away', async () => {
    const client = makeClient();
    const auth = client.getMemberAuthentication();
    expect(sent().map((post) => post.message)).toEqual([{ message: 'ready' }]);
    receive(JSON.stringify({ MessageFrameID: 'frame-7' }));
    await vi.waitFor(() => expect(posts).toHaveBeenCalledTimes(2));
    expect(sent()[1]?.raw).toBe('{"hosted_request":"getMemberAuthentication","frameID":"frame-7"}');
    receive({ response: 'getmemberauthentication', data: MEMBER });
    await expect(auth).resolves.toEqual(MEMBER);
  });

  it('shares one pending request per name', async () => {
    const client = makeClient();
    await handshake(client);
    posts.mockClear();
    const first = client.getMemberAuthentication();
    const second = client.getMemberAuthentication();
    expect(posts).toHaveBeenCalledTimes(1);
    receive(JSON.stringify({ response: 'getmemberauthentication', data: MEMBER }));
    await expect(first).resolves.toEqual(MEMBER);
    await expect(second).resolves.toEqual(MEMBER);
  });

  it('rejects an answer without the member\u2019s details', async () => {
    const client = makeClient();
    await handshake(client);
    const auth = client.getMemberAuthentication();
    receive(JSON.stringify({ response: 'getmemberauthentication', data: { site: 'x' } }));
    await expect(auth).rejects.toBeInstanceOf(HostedApiResponseError);
  });

  it('times out with a readable message after 8 s by default', async () => {
    vi.useFakeTimers();
    const client = makeClient();
    await handshake(client);
    const auth = settle(client.getMemberAuthentication());
    await vi.advanceTimersByTimeAsync(7999);
    let settled = false;
    void auth.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await auth;
    expect(result.ok).toBe(false);
    const error = !result.ok ? (result.error as Error) : null;
    expect(error).toBeInstanceOf(HostedApiTimeoutError);
    expect(error?.message).toBe('Manage did not answer getMemberAuthentication within 8 s.');

    // A late answer changes nothing, and a new request can be made.
    receive(JSON.stringify({ response: 'getmemberauthentication', data: MEMBER }));
    const again = client.getMemberAuthentication();
    receive(JSON.stringify({ response: 'getmemberauthentication', data: MEMBER }));
    await expect(again).resolves.toEqual(MEMBER);
  });

  it('names the handshake in its timeout message', async () => {
    vi.useFakeTimers();
    const client = makeClient({ timeoutMs: 2500 });
    const ready = settle(client.ready());
    await vi.advanceTimersByTimeAsync(2500);
    const result = await ready;
    expect(!result.ok && (result.error as Error).message).toMatch(
      /^Manage did not answer the Hosted API handshake within 2\.5 s\./,
    );
  });

  it('acknowledges every event with the same _id, listener or not, and keeps onLoad\u2019s screen', async () => {
    const client = makeClient();
    await handshake(client);
    posts.mockClear();
    const seen: HostedEvent[] = [];
    const screenObject = { screen: 'ticket', id: 7012, hostedAs: 'pod' };

    receive(JSON.stringify({ event: 'beforeSave', _id: 'before-listener', data: {} }));
    const unsubscribe = client.onEvent((event) => seen.push(event));
    receive(JSON.stringify({ event: 'onLoad', _id: 17, data: { screenObject } }));
    receive(JSON.stringify({ event: 'beforeBack', _id: { nested: true }, data: null }));
    receive(JSON.stringify({ event: 'somethingNew', _id: 99, data: {} }));
    unsubscribe();
    receive(JSON.stringify({ event: 'beforeSave', _id: 18, data: {} }));

    expect(sent().map((post) => [post.message, post.targetOrigin])).toEqual([
      [{ event: 'beforeSave', _id: 'before-listener', result: 'success', frameID: 'frame-1' }, MANAGE],
      [{ event: 'onLoad', _id: 17, result: 'success', frameID: 'frame-1' }, MANAGE],
      [{ event: 'beforeBack', _id: { nested: true }, result: 'success', frameID: 'frame-1' }, MANAGE],
      [{ event: 'somethingNew', _id: 99, result: 'success', frameID: 'frame-1' }, MANAGE],
      [{ event: 'beforeSave', _id: 18, result: 'success', frameID: 'frame-1' }, MANAGE],
    ]);
    expect(seen).toEqual([
      { event: 'onLoad', _id: 17, data: { screenObject } },
      { event: 'beforeBack', _id: { nested: true }, data: null },
    ]);
    expect(client.screenObject()).toEqual(screenObject);

    // An onLoad without a usable screen keeps the last good one.
    receive(JSON.stringify({ event: 'onLoad', _id: 19, data: { screenObject: { screen: 'ticket' } } }));
    expect(client.screenObject()).toEqual(screenObject);
  });

  it('still acknowledges and notifies the other listeners when a listener throws', async () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    const client = makeClient();
    await handshake(client);
    posts.mockClear();
    const other = vi.fn();
    client.onEvent(() => {
      throw new Error('listener broke');
    });
    client.onEvent(other);
    receive(JSON.stringify({ event: 'beforeSave', _id: 5, data: {} }));
    expect(sent()[0]?.message).toEqual({ event: 'beforeSave', _id: 5, result: 'success', frameID: 'frame-1' });
    expect(other).toHaveBeenCalledTimes(1);
    expect(reportError).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener broke' }));
  });

  it('sends openScreen and refreshScreen exactly as Manage expects', async () => {
    const client = makeClient();
    expect(() => client.openScreen({ screen: 'ticket', id: 1 })).toThrow(/handshake has not finished/);
    await handshake(client, 'frame-9');
    posts.mockClear();

    client.openScreen({ screen: 'ticket', id: 7012 });
    client.openScreen({ screen: 'company', id: 250, newTab: true });
    client.refreshScreen();
    expect(posts.mock.calls).toEqual([
      ['{"args":{"newTab":false,"screen":"ticket","id":7012},"hosted_request":"openScreen","frameID":"frame-9"}', MANAGE],
      ['{"args":{"newTab":true,"screen":"company","id":250},"hosted_request":"openScreen","frameID":"frame-9"}', MANAGE],
      ['{"hosted_request":"refreshScreen","frameID":"frame-9"}', MANAGE],
    ]);

    expect(() => client.openScreen({ screen: 'ticket', id: 0 })).toThrow(/not a record id/);
    expect(() => client.openScreen({ screen: 'invoice' as 'ticket', id: 3 })).toThrow(/unknown screen/);
  });

  it('ignores malformed and non-JSON messages from Manage', async () => {
    const client = makeClient();
    const ready = client.ready();
    let done = false;
    void ready.then(() => {
      done = true;
    });
    for (const junk of [
      'not json',
      '{"MessageFrameID":',
      '',
      42,
      null,
      undefined,
      [],
      { MessageFrameID: 5 },
      '{"MessageFrameID":null}',
      { hosted_request: 'getMemberAuthentication', args: {}, frameID: 'x' },
      { message: 'ready' },
    ]) {
      receive(junk);
    }
    await Promise.resolve();
    expect(done).toBe(false);
    receive('{"MessageFrameID":"frame-ok"}');
    await expect(ready).resolves.toEqual({ frameId: 'frame-ok', origin: MANAGE });

    const auth = client.getMemberAuthentication();
    receive('{"response":"getmemberauthentication","data":');
    receive({ response: 42, data: MEMBER });
    receive({ response: 'getmemberauthentication', data: MEMBER });
    await expect(auth).resolves.toEqual(MEMBER);
    // None of the junk was answered: the only posts are ready and the request.
    expect(sent().map((post) => post.message)).toEqual([
      { message: 'ready' },
      { hosted_request: 'getMemberAuthentication', frameID: 'frame-ok' },
    ]);
  });

  it('never posts to "*" over a whole session', async () => {
    const client = makeClient({ allowedOrigins: [MANAGE, MANAGE_EU] });
    await handshake(client);
    const auth = client.getMemberAuthentication();
    receive({ response: 'getmemberauthentication', data: MEMBER });
    await auth;
    receive({ event: 'onLoad', _id: 1, data: { screenObject: { screen: 'ticket', id: 1, hostedAs: 'pod' } } });
    client.openScreen({ screen: 'company', id: 2 });
    client.refreshScreen();
    const targets = posts.mock.calls.map((call) => call[1]);
    expect(targets).toEqual([MANAGE, MANAGE_EU, MANAGE, MANAGE, MANAGE, MANAGE]);
    expect(targets).not.toContain('*');
  });

  it('close() stops listening and rejects what is pending', async () => {
    const removeListener = vi.spyOn(selfWindow, 'removeEventListener');
    const client = makeClient();
    const early = settle(client.ready());
    client.close();
    const earlyResult = await early;
    expect(!earlyResult.ok && earlyResult.error).toBeInstanceOf(HostedApiClosedError);
    expect(removeListener).toHaveBeenCalledWith('message', expect.any(Function));

    const second = makeClient();
    await handshake(second);
    const auth = settle(second.getMemberAuthentication());
    const listener = vi.fn();
    second.onEvent(listener);
    second.close();
    const result = await auth;
    expect(!result.ok && result.error).toBeInstanceOf(HostedApiClosedError);

    posts.mockClear();
    receive({ event: 'beforeSave', _id: 1, data: {} });
    expect(posts).not.toHaveBeenCalled();
    expect(listener).not.toHaveBeenCalled();
    await expect(second.ready()).rejects.toBeInstanceOf(HostedApiClosedError);
    expect(() => second.refreshScreen()).toThrow(/closed/);
  });
});
