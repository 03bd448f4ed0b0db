/**
 * The route wrappers (lib/api/with-*.ts) on a real SQLite database: the admin wrapper's
 * exact-origin check and JSON-only bodies, sessions, zod on params, query and body, no-store,
 * the shared error mapping, the agent and pod bearer checks, and an upload the client
 * abandons half-way through a real socket. Only the admin session is replaced (next-auth
 * needs a request scope); the database behind the wrappers is the test's own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildMultipart } from '../support/press-fixtures';

// The public URL has a path: only its origin counts.
const PUBLIC_ORIGIN = 'https://deskbell.msp.example';
vi.stubEnv('DESKBELL_PUBLIC_URL', `${PUBLIC_ORIGIN}/desk/`);

const state = vi.hoisted(() => ({ session: null as AdminSession | null, db: null as unknown, sessionChecks: 0 }));

vi.mock('@/lib/auth/admin-session', () => ({
  requireAdminApi: async () => {
    state.sessionChecks += 1;
    if (!state.session) throw new DeskbellApiError('unauthorized', 'Sign in as a Deskbell admin to use this API.');
    return state.session;
  },
}));

vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

const { withAdmin, adminOrigin } = await import('@/lib/api/with-admin');
const { withAgent } = await import('@/lib/api/with-agent');
const { withPod } = await import('@/lib/api/with-pod');
const { withPublic } = await import('@/lib/api/with-public');
const agentsRoute = await import('@/app/api/admin/setup/agents/route');
const pressesRoute = await import('@/app/api/v1/presses/route');

let db: DeskbellDatabase;
const ran: string[] = [];

beforeEach(async () => {
  db = await openTestDatabase();
  state.db = db;
  state.session = { userId: 'u1', email: 'admin@msp.example', name: 'Admin' } as AdminSession;
  state.sessionChecks = 0;
  ran.length = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.destroy();
});

type ErrorJson = { error: { code: string; message: string; details: { path: string; message: string }[] | null } };
const errorOf = async (res: Response) => ((await res.json()) as ErrorJson).error;
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });

/** A state-changing admin route with every kind of input; it records that it ran. */
const saveThing = withAdmin(
  {
    params: z.object({ id: z.uuid() }),
    query: z.object({ mode: z.enum(['fast', 'slow']).default('fast') }),
    body: z.object({ name: z.string().min(1) }),
  },
  ({ admin, params: p, query, body }) => {
    ran.push(`${admin.email} ${p.id} ${query.mode} ${body.name}`);
    return Response.json({ saved: body.name }, { status: 201 });
  },
);
const bodylessAction = withAdmin({}, () => {
  ran.push('action');
  return { done: true };
});
const readThing = withAdmin({}, () => {
  ran.push('read');
  return { items: [] };
});

const ID = '6f0c3c1e-8d1a-4c3e-9a57-2b8f1f3d9a10';

function adminPost(headers: Record<string, string>, options: { body?: string; url?: string; method?: string } = {}): Request {
  return new Request(options.url ?? `http://deskbell.internal/api/admin/things/${ID}`, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: options.body ?? JSON.stringify({ name: 'printer' }),
  });
}

describe('withAdmin: where a state-changing request comes from', () => {
  it("derives Deskbell's origin from DESKBELL_PUBLIC_URL (path dropped)", () => {
    expect(adminOrigin()).toBe(PUBLIC_ORIGIN);
  });

  it('accepts its own origin exactly, and runs the handler with the parsed input', async () => {
    const res = await saveThing(adminPost({ origin: PUBLIC_ORIGIN }, { url: `http://x/api/admin/things/${ID}?mode=slow` }), params({ id: ID }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ saved: 'printer' });
    expect(ran).toEqual([`admin@msp.example ${ID} slow printer`]);
  });

  it('refuses every other origin with 403 forbidden, before the session or the body is looked at', async () => {
    const others = [
      'https://deskbell.msp.example:8443', // another port
      'http://deskbell.msp.example', // another scheme
      'null', // sandboxed frame, file:, some redirects
      'https://deskbell.msp.example.evil.test', // look-alike host
      'https://evil-deskbell.msp.example',
      'https://xdeskbell.msp.example',
      'https://DESKBELL.msp.example', // browsers never send this: not ours
      `${PUBLIC_ORIGIN}/`, // not an origin
      'http://127.0.0.1:3000',
      '',
    ];
    for (const origin of others) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await saveThing(adminPost({ origin }, { method }), params({ id: ID }));
        expect(res.status, `${method} from ${JSON.stringify(origin)}`).toBe(403);
        const error = await errorOf(res);
        expect(error.code).toBe('forbidden');
        expect(error.message).toContain(PUBLIC_ORIGIN);
      }
    }
    expect(ran).toEqual([]);
    expect(state.sessionChecks).toBe(0);
  });

  it('without Origin, only Sec-Fetch-Site same-origin passes', async () => {
    for (const site of ['cross-site', 'same-site', 'none', 'SAME-ORIGIN', '']) {
      const res = await saveThing(adminPost({ 'sec-fetch-site': site }), params({ id: ID }));
      expect(res.status, site).toBe(403);
    }
    expect(ran).toEqual([]);
    // Sec-Fetch-Site decides before the Referer: a same-site page's Referer cannot outvote it.
    const lying = await saveThing(adminPost({ 'sec-fetch-site': 'same-site', referer: `${PUBLIC_ORIGIN}/setup` }), params({ id: ID }));
    expect(lying.status).toBe(403);
    const ok = await saveThing(adminPost({ 'sec-fetch-site': 'same-origin' }), params({ id: ID }));
    expect(ok.status).toBe(201);
  });

  it('without Origin or Sec-Fetch-Site, the Referer must be on our origin', async () => {
    for (const referer of ['https://deskbell.msp.example:444/setup', 'http://127.0.0.1:9999/attack.html', 'https://deskbell.msp.example.evil.test/', 'not a url']) {
      const res = await saveThing(adminPost({ referer }), params({ id: ID }));
      expect(res.status, referer).toBe(403);
    }
    expect(ran).toEqual([]);
    const ok = await saveThing(adminPost({ referer: `${PUBLIC_ORIGIN}/desk/setup/agents?x=1` }), params({ id: ID }));
    expect(ok.status).toBe(201);
  });

  it('a request with none of the three is a non-browser client: no forgery, but it still needs the session', async () => {
    expect((await saveThing(adminPost({}), params({ id: ID }))).status).toBe(201);
    state.session = null;
    const res = await saveThing(adminPost({}), params({ id: ID }));
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('unauthorized');
    expect(ran).toHaveLength(1);
  });

  it('reads are not state changes: a GET from anywhere is answered (to a signed-in admin)', async () => {
    const res = await readThing(new Request('http://x/api/admin/things', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } }));
    expect(res.status).toBe(200);
    state.session = null;
    expect((await readThing(new Request('http://x/api/admin/things'))).status).toBe(401);
  });
});

describe('withAdmin: JSON only', () => {
  it('refuses a body that is not labelled application/json with 415, unparsed', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'application/jsonx']) {
      const res = await saveThing(adminPost({ origin: PUBLIC_ORIGIN, 'content-type': type }), params({ id: ID }));
      expect(res.status, type).toBe(415);
      expect((await errorOf(res)).code).toBe('unsupported_media_type');
    }
    const unlabelled = new Request(`http://x/api/admin/things/${ID}`, { method: 'POST', body: new Blob(['{"name":"x"}']) });
    expect(unlabelled.headers.get('content-type')).toBeNull();
    expect((await saveThing(unlabelled, params({ id: ID }))).status).toBe(415);
    expect(ran).toEqual([]);
  });

  it('accepts application/json with parameters', async () => {
    const res = await saveThing(adminPost({ origin: PUBLIC_ORIGIN, 'content-type': 'Application/JSON; charset=utf-8' }), params({ id: ID }));
    expect(res.status).toBe(201);
  });

  it('a bodyless action refuses a form-shaped request too, and takes none or JSON', async () => {
    const form = new Request('http://x/api/admin/action', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a=b' });
    expect((await bodylessAction(form)).status).toBe(415);
    expect((await bodylessAction(new Request('http://x/api/admin/action', { method: 'POST' }))).status).toBe(200);
    expect((await bodylessAction(adminPost({}, { body: '{}' }))).status).toBe(200);
    expect(ran).toEqual(['action', 'action']);
  });

  it('answers 400 for JSON that does not parse and 413 past the limit', async () => {
    const broken = await saveThing(adminPost({ origin: PUBLIC_ORIGIN }, { body: '{"name":' }), params({ id: ID }));
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe('bad_request');
    const huge = await saveThing(adminPost({ origin: PUBLIC_ORIGIN }, { body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) }), params({ id: ID }));
    expect(huge.status).toBe(413);
    expect(ran).toEqual([]);
  });
});

describe('withAdmin: zod, headers and errors', () => {
  it('refuses bad params, query and body with 422 and paths naming the part', async () => {
    const badParams = await saveThing(adminPost({}), params({ id: 'not-a-uuid' }));
    expect(badParams.status).toBe(422);
    expect((await errorOf(badParams)).details!.map((d) => d.path)).toEqual(['params.id']);

    const badQuery = await saveThing(adminPost({}, { url: `http://x/api/admin/things/${ID}?mode=warp` }), params({ id: ID }));
    expect(badQuery.status).toBe(422);
    expect((await errorOf(badQuery)).details!.map((d) => d.path)).toEqual(['query.mode']);

    const badBody = await saveThing(adminPost({}, { body: JSON.stringify({ name: '' }) }), params({ id: ID }));
    expect(badBody.status).toBe(422);
    const error = await errorOf(badBody);
    expect(error.code).toBe('unprocessable_entity');
    // Body paths stay the form's field names, so the page puts each message next to its field.
    expect(error.details!.map((d) => d.path)).toEqual(['name']);
    expect(ran).toEqual([]);
  });

  it('marks every answer no-store, success and error alike, but keeps a file its own caching', async () => {
    expect((await readThing(new Request('http://x/'))).headers.get('cache-control')).toBe('no-store');
    expect((await saveThing(adminPost({ origin: 'https://evil.example' }), params({ id: ID }))).headers.get('cache-control')).toBe('no-store');
    const file = withAdmin({}, () => new Response('bytes', { headers: { 'cache-control': 'private, max-age=3600' } }));
    expect((await file(new Request('http://x/'))).headers.get('cache-control')).toBe('private, max-age=3600');
  });

  it('hides an unknown failure behind a generic 500 and logs it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failing = withAdmin({}, () => {
      throw new Error('SQLITE_CORRUPT at /var/lib/deskbell/deskbell.sqlite password=hunter2');
    });
    const res = await failing(new Request('http://x/'));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('SQLITE');
    expect(JSON.parse(text).error.code).toBe('internal_server_error');
    expect(logged).toHaveBeenCalledTimes(1);
  });
});

describe('a real admin route through withAdmin', () => {
  const tokenCount = async () => (await db.selectFrom('agent_tokens').select('id').execute()).length;

  it('creates an agent token from its own page and refuses every forgery, storing nothing', async () => {
    const post = (headers: Record<string, string>, body = '{"name":"forged"}') =>
      agentsRoute.POST(new Request('http://127.0.0.1:3000/api/admin/setup/agents', { method: 'POST', headers, body }));
    // The form and no-cors fetch a same-site page can send: text/plain, from another port.
    expect((await post({ origin: 'https://deskbell.msp.example:4444', 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'same-site', 'content-type': 'text/plain' })).status).toBe(403);
    // Even from our origin, text/plain is never parsed as JSON.
    expect((await post({ origin: PUBLIC_ORIGIN, 'content-type': 'text/plain' })).status).toBe(415);
    expect(await tokenCount()).toBe(0);
    const created = await post({ origin: PUBLIC_ORIGIN, 'content-type': 'application/json' }, '{"name":"front desk"}');
    expect(created.status).toBe(201);
    expect(await tokenCount()).toBe(1);
  });
});

describe('withAgent and withPod', () => {
  const agentRead = withAgent({ query: z.object({ wait: z.coerce.number().max(30).optional() }) }, ({ token }) => ({ name: token.name }));
  const podRead = withPod({}, ({ claims }) => ({ member: claims.member.identifier }));

  it('an agent route needs the bearer token (401 with a challenge), not a cookie or an origin', async () => {
    const missing = await agentRead(new Request('http://x/api/v1/thing', { headers: { origin: PUBLIC_ORIGIN, cookie: 'next-auth.session-token=x' } }));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="deskbell"');
    expect(missing.headers.get('cache-control')).toBe('no-store');
    const { token } = await createAgentToken(db, 'front desk');
    const ok = await agentRead(new Request('http://x/api/v1/thing', { headers: { authorization: `Bearer ${token}`, origin: 'https://anywhere.example' } }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ name: 'front desk' });
    const bad = await agentRead(new Request('http://x/api/v1/thing?wait=99', { headers: { authorization: `Bearer ${token}` } }));
    expect(bad.status).toBe(422);
    expect((await errorOf(bad)).details!.map((d) => d.path)).toEqual(['query.wait']);
  });

  it('a pod route needs its bearer token and varies on it', async () => {
    const res = await podRead(new Request('http://x/api/pod/thing'));
    expect(res.status).toBe(401);
    expect(res.headers.get('vary')).toBe('authorization');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('withPublic parses and answers no-store without any credentials', async () => {
    const echo = withPublic({ query: z.object({ q: z.string().max(3) }) }, ({ query }) => ({ q: query.q }));
    const ok = await echo(new Request('http://x/?q=abc'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect((await echo(new Request('http://x/?q=abcd'))).status).toBe(422);
  });
});

describe('an upload the client abandons', () => {
  let server: http.Server;
  let port: number;
  let handled: Promise<Response>[] = [];

  beforeAll(async () => {
    // Node's http server in front of the real intake route, as `next start` puts it there.
    server = http.createServer((req, res) => {
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])),
        body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
        duplex: 'half',
      } as RequestInit);
      const answer = pressesRoute.POST(request);
      handled.push(answer);
      void answer.then(async (response) => {
        if (res.destroyed) return;
        res.writeHead(response.status, { 'content-type': 'application/json' });
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is logged as one info line, not as an unhandled error with a stack, and stores nothing', async () => {
    handled = [];
    const { token } = await createAgentToken(db, 'laptop');
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const multipart = new Response(buildMultipart(basePress(), [{ name: 'attachment', bytes: Buffer.alloc(200_000, 7), filename: 'log.txt', type: 'text/plain' }]));
    const contentType = multipart.headers.get('content-type')!;
    const body = Buffer.from(await multipart.arrayBuffer());

    // Half the body, then the client goes away.
    const client = http.request({
      host: '127.0.0.1',
      port,
      path: '/api/v1/presses',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': String(body.byteLength) },
    });
    client.on('error', () => undefined);
    client.write(body.subarray(0, Math.floor(body.byteLength / 2)));
    await vi.waitFor(() => expect(handled).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    client.destroy();

    const response = await handled[0]!;
    expect(response.status).toBe(400);
    expect(error).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0]![0])).toMatch(/closed the connection before its request body arrived/);
    expect(info.mock.calls[0]).toHaveLength(1);
    expect(await db.selectFrom('presses').select('id').execute()).toEqual([]);
  });
});
