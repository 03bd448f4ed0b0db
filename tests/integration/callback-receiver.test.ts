import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import { createCallbackVerifier } from '@/lib/connectwise/callback-signature';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { getOrCreateCallbackPathToken } from '@/lib/notifications/callback-path-token';
import { handleManageCallback } from '@/lib/api/with-manage-callback';
import { CALLBACK_JOB_KIND, type ReceiveCallbackDeps } from '@/lib/notifications/receive-callback';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

/**
 * The callback receiver against real HTTP: a stand-in Manage site serves key_url, a trap
 * server stands for anywhere else, and every request that leaves the process goes through
 * a recording undici dispatcher, so "no request left" is observed, not assumed.
 */

vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));

class RecordingAgent extends Agent {
  readonly outbound: string[] = [];
  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.outbound.push(`${String(options.origin)}${options.path}`);
    return super.dispatch(options, handler);
  }
}

type Site = { server: Server; origin: string; hits: string[] };

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Site> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

// Computed here from the reference's description, not with the code under test.
const SIGNING_KEY = 'site-signing-key-' + randomBytes(8).toString('hex');
let currentSigningKey = SIGNING_KEY;
function sign(body: string, signingKey = currentSigningKey): string {
  const key = createHash('sha256').update(signingKey, 'utf8').digest();
  return createHmac('sha256', key).update(Buffer.from(body, 'utf8')).digest('base64');
}

let db: DeskbellDatabase;
let site: Site;
let trap: Site;
let recorder: RecordingAgent;
let previousDispatcher: Dispatcher;
let pathToken: string;
let siteBaseUrl: string;

function payload(overrides: Record<string, unknown> = {}, keyUrl = `${site.origin}/v4_6_release/callbackkeys/k1`): string {
  return JSON.stringify({
    MessageId: randomUUID(),
    FromUrl: site.origin,
    CompanyId: 'deskbell_demo',
    MemberId: 'jsmith',
    Action: 'updated',
    Type: 'ticket',
    ID: 48200,
    ProductInstanceId: randomUUID(),
    PartnerId: 'deskbell_demo',
    Entity: JSON.stringify({ id: 48200, summary: 'Printer jam' }),
    Metadata: { key_url: keyUrl },
    CallbackObjectRecId: 7,
    ...overrides,
  });
}

function depsFor(overrides: Partial<ReceiveCallbackDeps> = {}): ReceiveCallbackDeps {
  return {
    db,
    queue: createSqlJobQueue(db),
    verifier: createCallbackVerifier({ timeoutMs: 500 }),
    loadConnection: async () => ({ configured: true, options: { baseUrl: siteBaseUrl } }) as unknown as ManageConnectionState,
    maxBodyBytes: 8 * 1024,
    ...overrides,
  };
}

async function post(
  body: string,
  options: { token?: string; signature?: string | null; headers?: Record<string, string>; deps?: ReceiveCallbackDeps } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const signature = options.signature === undefined ? sign(body) : options.signature;
  if (signature !== null) headers['x-content-signature'] = signature;
  const request = new Request(`http://deskbell.test/api/connectwise/callback/${options.token ?? pathToken}?recordId=48200&action=updated`, {
    method: 'POST',
    headers,
    body,
  });
  return handleManageCallback(request, options.token ?? pathToken, options.deps ?? depsFor());
}

const storedCount = async () => Number((await db.selectFrom('callback_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const jobCount = async () =>
  Number(
    (await db.selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', CALLBACK_JOB_KIND).executeTakeFirstOrThrow()).n,
  );

async function expectRefusedQuietly(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  // Every refusal reads the same: nothing tells a prober which check failed.
  expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Unauthorized', details: null } });
}

beforeAll(async () => {
  previousDispatcher = getGlobalDispatcher();
  recorder = new RecordingAgent();
  setGlobalDispatcher(recorder);
  trap = await listen((_req, res) => res.end('{"signing_key":"attacker"}'));
  site = await listen((req, res) => {
    if (req.url === '/v4_6_release/callbackkeys/k1') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ signing_key: currentSigningKey }));
    } else if (req.url === '/v4_6_release/callbackkeys/redirect') {
      res.statusCode = 302;
      res.setHeader('location', `${trap.origin}/key`);
      res.end();
    } else if (req.url === '/v4_6_release/callbackkeys/huge') {
      res.end(JSON.stringify({ signing_key: 'x'.repeat(100_000) }));
    } else if (req.url === '/v4_6_release/callbackkeys/slow') {
      setTimeout(() => res.end(JSON.stringify({ signing_key: currentSigningKey })), 2_000);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  siteBaseUrl = `${site.origin}/v4_6_release/apis/3.0`;
  db = await openTestDatabase();
  pathToken = await getOrCreateCallbackPathToken(db);
});

afterAll(async () => {
  setGlobalDispatcher(previousDispatcher);
  await recorder.close();
  await db.destroy();
  await new Promise((r) => site.server.close(r));
  await new Promise((r) => trap.server.close(r));
});

beforeEach(async () => {
  currentSigningKey = SIGNING_KEY;
  recorder.outbound.length = 0;
  site.hits.length = 0;
  trap.hits.length = 0;
  await db.deleteFrom('callback_events').execute();
  await db.deleteFrom('jobs').execute();
});

describe('POST /api/connectwise/callback/{token}', () => {
  it('stores a correctly signed callback once, queues one job and answers 204 with no body', async () => {
    const body = payload();
    const response = await post(body);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const rows = await db.selectFrom('callback_events').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'updated', record_type: 'ticket', record_id: 48200, callback_id: 7, status: 'pending', body });
    expect(await jobCount()).toBe(1);
    expect(site.hits).toEqual(['/v4_6_release/callbackkeys/k1']);
  });

  it('answers a replayed MessageId with 204 but stores and queues nothing more', async () => {
    const body = payload();
    expect((await post(body)).status).toBe(204);
    expect((await post(body)).status).toBe(204);
    expect((await post(payload({ MessageId: JSON.parse(body).MessageId, ID: 1 }))).status).toBe(204);
    expect(await storedCount()).toBe(1);
    expect(await jobCount()).toBe(1);
  });

  it('refuses a forged signature: 401, nothing stored', async () => {
    const body = payload();
    await expectRefusedQuietly(await post(body, { signature: sign(body, 'not-the-key') }));
    await expectRefusedQuietly(await post(body, { signature: sign(body).slice(0, 20) }));
    await expectRefusedQuietly(await post(body, { signature: 'not base64 at all!!' }));
    // A body changed after signing.
    await expectRefusedQuietly(await post(body.replace('48200', '48201'), { signature: sign(body) }));
    expect(await storedCount()).toBe(0);
    expect(await jobCount()).toBe(0);
  });

  it('refuses a missing signature header before fetching any key', async () => {
    await expectRefusedQuietly(await post(payload(), { signature: null }));
    expect(await storedCount()).toBe(0);
    expect(recorder.outbound).toEqual([]);
  });

  it('refuses a wrong path token before reading anything', async () => {
    for (const token of ['x', pathToken.slice(0, -1) + (pathToken.endsWith('A') ? 'B' : 'A'), '', '../../etc', 'A'.repeat(43)]) {
      await expectRefusedQuietly(await post(payload(), { token }));
    }
    expect(await storedCount()).toBe(0);
    expect(recorder.outbound).toEqual([]);
  });

  it.each([
    ['another host', () => `${trap.origin}/key`],
    ['the site over http when Manage is https', () => `${site.origin}/v4_6_release/callbackkeys/k1`],
    ['a private address', () => 'http://10.0.0.7/v4_6_release/callbackkeys/k1'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a look-alike host', () => `${site.origin}.evil.test/v4_6_release/callbackkeys/k1`],
    ['credentials in the URL', () => site.origin.replace('http://', 'http://user:pass@') + '/v4_6_release/callbackkeys/k1'],
    ['not a URL', () => 'javascript:alert(1)'],
  ])('never fetches a key_url on %s', async (_name, keyUrl) => {
    // For the http case Manage is configured on https at the same host and port.
    const deps = _name.includes('https') ? depsFor({ loadConnection: async () => ({ configured: true, options: { baseUrl: siteBaseUrl.replace('http://', 'https://') } }) as unknown as ManageConnectionState }) : depsFor();
    const body = payload({}, keyUrl());
    await expectRefusedQuietly(await post(body, { deps }));
    expect(recorder.outbound).toEqual([]);
    expect(trap.hits).toEqual([]);
    expect(site.hits).toEqual([]);
    expect(await storedCount()).toBe(0);
  });

  it('does not follow a redirect from key_url: 503, and the redirect target is never asked', async () => {
    const response = await post(payload({}, `${site.origin}/v4_6_release/callbackkeys/redirect`));
    expect(response.status).toBe(503);
    expect(site.hits).toEqual(['/v4_6_release/callbackkeys/redirect']);
    expect(trap.hits).toEqual([]);
    expect(recorder.outbound.every((url) => url.startsWith(site.origin))).toBe(true);
    expect(await storedCount()).toBe(0);
  });

  it('gives up on an oversized or slow key answer with 503 and stores nothing', async () => {
    expect((await post(payload({}, `${site.origin}/v4_6_release/callbackkeys/huge`))).status).toBe(503);
    const started = performance.now();
    expect((await post(payload({}, `${site.origin}/v4_6_release/callbackkeys/slow`))).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1_900);
    expect(await storedCount()).toBe(0);
  });

  it('refuses a body over the limit with 413, by Content-Length or by counting', async () => {
    const big = payload({ Entity: JSON.stringify({ id: 1, summary: 'x'.repeat(10_000) }) });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    // No Content-Length (a stream): the bytes are counted while reading.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const request = new Request(`http://deskbell.test/api/connectwise/callback/${pathToken}`, {
      method: 'POST',
      headers: { 'x-content-signature': sign(big) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await handleManageCallback(request, pathToken, depsFor())).status).toBe(413);
    expect(await storedCount()).toBe(0);
    expect(recorder.outbound).toEqual([]);
  });

  it('answers non-JSON with a clear 400 and stores nothing', async () => {
    const response = await post('this is not json', { signature: sign('this is not json') });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/not JSON/);
    expect(await storedCount()).toBe(0);
  });

  it('answers a signed body that is not a callback with 400 naming the fields', async () => {
    const body = JSON.stringify({ Metadata: { key_url: `${site.origin}/v4_6_release/callbackkeys/k1` }, Action: 'exploded' });
    const response = await post(body);
    expect(response.status).toBe(400);
    const paths = (await response.json()).error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['MessageId', 'Action', 'ID']));
    expect(await storedCount()).toBe(0);
  });

  it('refuses everything while Manage is not configured (no site to pin key_url to)', async () => {
    const deps = depsFor({ loadConnection: async () => ({ configured: false, missing: ['MANAGE_ENDPOINT'] }) });
    await expectRefusedQuietly(await post(payload(), { deps }));
    expect(recorder.outbound).toEqual([]);
  });

  it('fetches the key once for many callbacks, and again only when a rotated key stops matching', async () => {
    const verifier = createCallbackVerifier({ refetchAfterMs: 0 });
    const deps = depsFor({ verifier });
    const results = await Promise.all(Array.from({ length: 20 }, () => post(payload(), { deps })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(204));
    expect(verifier.fetchCount()).toBe(1);
    currentSigningKey = 'rotated-' + randomBytes(8).toString('hex');
    expect((await post(payload(), { deps })).status).toBe(204);
    expect(verifier.fetchCount()).toBe(2);
    // A forger cannot make every request a fetch: inside refetchAfter a mismatch is just a 401.
    const strict = createCallbackVerifier({ refetchAfterMs: 60_000 });
    const strictDeps = depsFor({ verifier: strict });
    expect((await post(payload(), { deps: strictDeps })).status).toBe(204);
    for (let i = 0; i < 5; i++) await expectRefusedQuietly(await post(payload(), { deps: strictDeps, signature: sign('other') }));
    expect(strict.fetchCount()).toBe(1);
  });
});
