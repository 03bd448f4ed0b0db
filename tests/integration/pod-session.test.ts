/**
 * POST /api/pod/session as Next calls it, against the real simulator over HTTP: the member is
 * proved by calling Manage as that member, the company and site must be this install's, the
 * member's own role decides what they may open, successes are remembered and failures are
 * not, repeated refusals are throttled, and Manage being down fails closed (503) without
 * sticking. Only the app database is replaced (an in-memory SQLite with a saved connection).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import { clientIpFromHeaders } from '@/lib/auth/login-throttle';
import { isManageSiteOf, verifyMemberSession, memberCanRead, MemberAuthError, type MemberAuthTarget } from '@/lib/connectwise/member-auth';
import { createPodSession } from '@/lib/pod/pod-session';
import { openPodToken } from '@/lib/pod/pod-token';
import { podSessionBodySchema, type PodSessionBody } from '@/lib/pod/request-schemas';
import { saveManageConnection } from '@/lib/settings/manage-connection';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { DEMO_LIMITED_MEMBER_SESSION, DEMO_MEMBER_SESSION, startManageSim, type ManageSim } from '@/tools/manage-sim';

const state = vi.hoisted(() => ({ db: null as unknown }));
vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

const sessionRoute = await import('@/app/api/pod/session/route');

let sim: ManageSim;
let db: DeskbellDatabase;
let ticketId: number;
let companyId: number;
let site: string;
const consoleSpies: MockInstance[] = [];
const issuedTokens: string[] = [];

const jsmith = (overrides: Partial<PodSessionBody['auth']> = {}) => ({
  site,
  companyid: sim.credentials.companyId,
  memberid: DEMO_MEMBER_SESSION.memberIdentifier,
  memberHash: DEMO_MEMBER_SESSION.memberHash,
  memberEmail: 'jsmith@harborview-tech.example',
  ...overrides,
});

async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await sessionRoute.POST(
    new Request('http://deskbell.test/api/pod/session', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
  const json = (await res.json()) as Record<string, unknown> & { token?: string; error?: { code: string; message: string } };
  if (typeof json.token === 'string') issuedTokens.push(json.token);
  return { status: res.status, headers: res.headers, body: json };
}

const memberCalls = () => sim.requests().filter((r) => r.path.toLowerCase() === '/system/mymembers/info');
const readCalls = () => sim.requests().filter((r) => /^\/(service\/tickets|company\/companies)\/\d+$/.test(r.path));

beforeAll(async () => {
  // lib/env reads the environment once, on first use: stub before anything runs.
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  vi.stubEnv('MANAGE_HEADERS_TIMEOUT_MS', '1000');
  vi.stubEnv('MANAGE_BODY_TIMEOUT_MS', '1000');
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID', 'POD_TOKEN_TTL_SECONDS']) vi.stubEnv(name, undefined);
  sim = await startManageSim({ port: 0 });
  site = new URL(sim.url).host;
  ticketId = sim.store.tickets.list()[0]!.id;
  companyId = sim.store.companies.find((c) => (c as { identifier?: string }).identifier === 'AcmeMfg')!.id;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) consoleSpies.push(vi.spyOn(console, method));
});

afterAll(async () => {
  // Tokens and member hashes never reach the logs, whatever happened above.
  const logged = consoleSpies.flatMap((spy) => spy.mock.calls.flat().map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))));
  const secrets = [...issuedTokens, DEMO_MEMBER_SESSION.memberHash, DEMO_LIMITED_MEMBER_SESSION.memberHash, 'forged-hash-0000'];
  for (const line of logged) for (const secret of secrets) expect(line).not.toContain(secret);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await sim.close();
});

beforeEach(async () => {
  db = await openTestDatabase();
  state.db = db;
  const c = sim.credentials;
  await saveManageConnection(db, { endpoint: sim.endpoint, apiKey: `${c.companyId}+${c.publicKey}:${c.privateKey}`, clientId: c.clientId }, 'admin@msp.example');
  sim.clearFaults();
  sim.clearRequests();
});

afterEach(async () => {
  await db.destroy();
});

describe('a genuine member session', () => {
  it('gets a token scoped to the ticket, proved by calling Manage as that member (Basic form)', async () => {
    const before = Date.now();
    const res = await post({ auth: jsmith(), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      member: { identifier: 'jsmith', name: 'John Smith' },
      scope: { screen: 'ticket', id: ticketId },
    });
    const expiresAt = Date.parse(res.body.expiresAt as string);
    expect(expiresAt - before).toBeGreaterThanOrEqual(599_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(600_000);
    expect(await openPodToken(res.body.token!)).toMatchObject({
      v: 1,
      member: { identifier: 'jsmith', name: 'John Smith' },
      companyId: sim.credentials.companyId,
      scope: { screen: 'ticket', id: ticketId },
    });
    // One proof and one read check, both as the member (not with Deskbell's API key).
    const [info] = memberCalls();
    expect(info).toMatchObject({ method: 'GET', status: 200, headers: { authorization: 'Basic <redacted>', clientid: '<redacted>' } });
    expect(info!.headers.accept).toBe('application/vnd.connectwise.com+json; version=2026.11');
    expect(info!.headers.cookie).toBeUndefined();
    expect(readCalls()).toEqual([expect.objectContaining({ path: `/service/tickets/${ticketId}`, status: 200 })]);
  });

  it('uses the cookie form when Manage handed over a memberContext', async () => {
    const res = await post({ auth: jsmith({ memberContext: 'ctx' }), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(200);
    const [info] = memberCalls();
    expect(info!.headers.cookie).toBe('<redacted>');
    expect(info!.headers.authorization).toBeUndefined();
  });

  it('gets a company-scoped token for the company tab', async () => {
    const res = await post({ auth: jsmith(), screen: 'company', id: String(companyId) });
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ screen: 'company', id: companyId });
    expect(readCalls()).toEqual([expect.objectContaining({ path: `/company/companies/${companyId}`, status: 200 })]);
  });

  it('accepts the site as Manage may spell it: host, host:port, with a scheme or a path; API or UI host', () => {
    const base = 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0';
    for (const ok of ['na.myconnectwise.net', 'NA.myconnectwise.net', 'https://na.myconnectwise.net/', 'api-na.myconnectwise.net', 'na.myconnectwise.net/v4_6_release', 'na.myconnectwise.net:443']) {
      expect(isManageSiteOf(ok, base), ok).toBe(true);
    }
    for (const bad of ['eu.myconnectwise.net', 'na.myconnectwise.net.evil.example', 'evil.example/na.myconnectwise.net', 'na.myconnectwise.net:8443', '']) {
      expect(isManageSiteOf(bad, base), bad).toBe(false);
    }
    expect(isManageSiteOf(site, sim.baseUrl)).toBe(true);
    expect(isManageSiteOf('127.0.0.1', sim.baseUrl)).toBe(true);
    expect(isManageSiteOf('127.0.0.1:1', sim.baseUrl)).toBe(false);
  });
});

describe('refused before or by Manage', () => {
  it('a forged memberHash gets 401 and no token', async () => {
    const res = await post({ auth: jsmith({ memberHash: 'forged-hash-0000' }), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(401);
    expect(res.body.token).toBeUndefined();
    expect(res.body.error!.code).toBe('unauthorized');
    expect(memberCalls()).toHaveLength(1);
    expect(readCalls()).toHaveLength(0);
    const cookie = await post({ auth: jsmith({ memberHash: 'forged-hash-0000', memberContext: 'ctx' }), screen: 'ticket', id: ticketId });
    expect(cookie.status).toBe(401);
  });

  it('a claimed memberid other than the session\'s member gets 401', async () => {
    // jsmith's hash presented as akhan: Manage does not accept it for akhan.
    const res = await post({ auth: jsmith({ memberid: 'akhan' }), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(401);
    expect(res.body.token).toBeUndefined();
  });

  it('a companyid of another company gets 401 without calling Manage', async () => {
    const res = await post({ auth: jsmith({ companyid: 'othermsp' }), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(401);
    expect(res.body.error!.message).toMatch(/another Manage company/);
    expect(sim.requests()).toHaveLength(0);
  });

  it('a site other than the connected Manage gets 401 without calling Manage', async () => {
    const res = await post({ auth: jsmith({ site: 'na.myconnectwise.net' }), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(401);
    expect(res.body.error!.message).toMatch(/another Manage site/);
    expect(sim.requests()).toHaveLength(0);
  });

  it('a member whose security role cannot read service tickets gets 403 for a ticket, and a token for a company', async () => {
    const kbrooks = jsmith({ memberid: DEMO_LIMITED_MEMBER_SESSION.memberIdentifier, memberHash: DEMO_LIMITED_MEMBER_SESSION.memberHash });
    const ticket = await post({ auth: kbrooks, screen: 'ticket', id: ticketId });
    expect(ticket.status).toBe(403);
    expect(ticket.body.token).toBeUndefined();
    expect(readCalls()).toEqual([expect.objectContaining({ path: `/service/tickets/${ticketId}`, status: 403 })]);
    const company = await post({ auth: kbrooks, screen: 'company', id: companyId });
    expect(company.status).toBe(200);
    expect(company.body.member).toEqual({ identifier: 'kbrooks', name: 'Kim Brooks' });
  });

  it('a ticket Manage does not show the member (404) gets 404 and says so, not a permissions problem', async () => {
    const res = await post({ auth: jsmith(), screen: 'ticket', id: 999_999 });
    expect(res.status).toBe(404);
    expect(res.body.token).toBeUndefined();
    expect(res.body.error!.code).toBe('not_found');
    expect(res.body.error!.message).toBe('Manage has no ticket #999999 that you can open: it may have been deleted or merged, or the number is wrong.');
  });

  it('a malformed request gets 415 or 422 and never reaches Manage', async () => {
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('{"auth":', { 'content-type': 'application/json' })).status).toBe(400);
    for (const bad of [
      { auth: jsmith(), screen: 'agreement', id: ticketId },
      { auth: jsmith(), screen: 'ticket', id: -1 },
      { auth: jsmith(), screen: 'ticket', id: '1e3' },
      { auth: jsmith({ memberid: 'jsmith:other' }), screen: 'ticket', id: ticketId },
      { auth: jsmith({ memberHash: 'abc; companyName=other' }), screen: 'ticket', id: ticketId },
      { auth: jsmith({ memberContext: 'x; memberId=akhan' }), screen: 'ticket', id: ticketId },
      { auth: { ...jsmith(), memberHash: undefined }, screen: 'ticket', id: ticketId },
    ]) {
      expect((await post(bad)).status).toBe(422);
    }
    expect(sim.requests()).toHaveLength(0);
  });

  it('answers 503 while Deskbell has no Manage connection', async () => {
    const empty = await openTestDatabase();
    state.db = empty;
    try {
      const res = await post({ auth: jsmith(), screen: 'ticket', id: ticketId });
      expect(res.status).toBe(503);
    } finally {
      await empty.destroy();
    }
  });
});

describe('caching, throttling and Manage being down', () => {
  it('remembers a proof for 5 minutes (the read check still runs every time)', async () => {
    let now = Date.now();
    const body = podSessionBodySchema.parse({ auth: jsmith(), screen: 'ticket', id: ticketId });
    await createPodSession(db, body, { now: () => now });
    await createPodSession(db, body, { now: () => now });
    expect(memberCalls()).toHaveLength(1);
    expect(readCalls()).toHaveLength(2);
    now += 5 * 60_000 + 1;
    await createPodSession(db, body, { now: () => now });
    expect(memberCalls()).toHaveLength(2);
  });

  it('a remembered proof does not let another hash or another claimed member through', async () => {
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(200);
    expect((await post({ auth: jsmith({ memberHash: 'forged-hash-0000' }), screen: 'ticket', id: ticketId })).status).toBe(401);
    expect((await post({ auth: jsmith({ memberid: 'akhan' }), screen: 'ticket', id: ticketId })).status).toBe(401);
  });

  it('Manage answering 503 gives 503, and the next try (Manage back) succeeds: the failure was not cached', async () => {
    sim.setFaults([{ kind: 'status', status: 503, times: 1, match: { path: 'myMembers' } }]);
    const down = await post({ auth: jsmith(), screen: 'ticket', id: ticketId });
    expect(down.status).toBe(503);
    expect(down.body.token).toBeUndefined();
    const back = await post({ auth: jsmith(), screen: 'ticket', id: ticketId });
    expect(back.status).toBe(200);
    expect(memberCalls()).toHaveLength(2);
  });

  it('a dropped connection, a hang past the timeout and a failing read check all fail closed with 503', async () => {
    sim.setFaults([{ kind: 'reset', times: 1, match: { path: 'myMembers' } }]);
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(503);
    sim.setFaults([{ kind: 'hang', times: 1, match: { path: 'myMembers' } }]);
    const started = Date.now();
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);
    sim.setFaults([{ kind: 'status', status: 500, times: 1, match: { path: '/service/tickets/' } }]);
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(503);
    sim.clearFaults();
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(200);
  });

  it('Manage down does not count towards the throttle', async () => {
    sim.setFaults([{ kind: 'status', status: 503, times: 7, match: { path: 'myMembers' } }]);
    for (let i = 0; i < 7; i += 1) expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(503);
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(200);
  });

  it('5 refusals in 5 minutes lock that member out on that client with 429 (even with the right hash) until the window ends', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const forged = podSessionBodySchema.parse({ auth: jsmith({ memberHash: 'forged-hash-0000' }), screen: 'ticket', id: ticketId });
    const genuine = podSessionBodySchema.parse({ auth: jsmith(), screen: 'ticket', id: ticketId });
    const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: unknown) => (e instanceof DeskbellApiError ? e.status : e));
    for (let i = 0; i < 5; i += 1) expect(await codeOf(createPodSession(db, forged, clock))).toBe(401);
    expect(memberCalls()).toHaveLength(5);
    expect(await codeOf(createPodSession(db, forged, clock))).toBe(429);
    expect(await codeOf(createPodSession(db, genuine, clock))).toBe(429);
    // Locked out without asking Manage.
    expect(memberCalls()).toHaveLength(5);
    // Another member is not affected.
    const kbrooks = podSessionBodySchema.parse({
      auth: jsmith({ memberid: DEMO_LIMITED_MEMBER_SESSION.memberIdentifier, memberHash: DEMO_LIMITED_MEMBER_SESSION.memberHash }),
      screen: 'company',
      id: companyId,
    });
    expect(await codeOf(createPodSession(db, kbrooks, clock))).toBe('ok');
    now += 5 * 60_000;
    expect(await codeOf(createPodSession(db, genuine, clock))).toBe('ok');
  });

  describe('a stranger who knows a member id cannot lock that technician out', () => {
    const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: unknown) => (e instanceof DeskbellApiError ? e.status : e));
    const forged = () => podSessionBodySchema.parse({ auth: jsmith({ memberHash: 'forged-hash-0000' }), screen: 'ticket', id: ticketId });
    const genuine = () => podSessionBodySchema.parse({ auth: jsmith(), screen: 'ticket', id: ticketId });

    it('the stranger locks only their own (member, client) pair: the technician on another client gets in, the stranger stays throttled', async () => {
      const stranger = { clientIp: '198.51.100.66' };
      for (let i = 0; i < 5; i += 1) expect(await codeOf(createPodSession(db, forged(), stranger))).toBe(401);
      expect(await codeOf(createPodSession(db, forged(), stranger))).toBe(429);
      expect(await codeOf(createPodSession(db, genuine(), stranger))).toBe(429);
      expect(await codeOf(createPodSession(db, genuine(), { clientIp: '203.0.113.9' }))).toBe('ok');
      expect(memberCalls()).toHaveLength(6);
    });

    it('a session Manage confirmed before is not locked out, even from the stranger\u2019s (unidentified) client', async () => {
      let now = Date.now();
      const clock = { now: () => now, clientIp: null };
      expect(await codeOf(createPodSession(db, genuine(), clock))).toBe('ok');
      now += 6 * 60_000; // past the 5-minute proof cache: Manage is asked again
      for (let i = 0; i < 5; i += 1) expect(await codeOf(createPodSession(db, forged(), clock))).toBe(401);
      expect(await codeOf(createPodSession(db, forged(), clock))).toBe(429);
      expect(await codeOf(createPodSession(db, genuine(), clock))).toBe('ok');
    });

    it('without a trusted proxy a new X-Forwarded-For on every try does not reset the count', async () => {
      const spoofed = (i: number) => ({ clientIp: clientIpFromHeaders({ 'x-forwarded-for': `6.6.6.${i}` }, 0) });
      for (let i = 0; i < 5; i += 1) expect(await codeOf(createPodSession(db, forged(), spoofed(i)))).toBe(401);
      expect(await codeOf(createPodSession(db, forged(), spoofed(99)))).toBe(429);
      expect(memberCalls()).toHaveLength(5);
    });

    it('one client trying many members is throttled across them, and a member tried from many clients hits a ceiling', async () => {
      const member = (i: number) => podSessionBodySchema.parse({ auth: jsmith({ memberid: `tech${i}`, memberHash: 'forged-hash-0000' }), screen: 'ticket', id: ticketId });
      for (let i = 0; i < 20; i += 1) expect(await codeOf(createPodSession(db, member(i), { clientIp: '192.0.2.50' }))).toBe(401);
      expect(await codeOf(createPodSession(db, member(99), { clientIp: '192.0.2.50' }))).toBe(429);
      for (let i = 0; i < 50; i += 1) expect(await codeOf(createPodSession(db, forged(), { clientIp: `10.1.0.${i}` }))).toBe(401);
      expect(await codeOf(createPodSession(db, forged(), { clientIp: '10.9.9.9' }))).toBe(429);
    });
  });

  it('the route says when to come back (Retry-After) on 429', async () => {
    for (let i = 0; i < 5; i += 1) await post({ auth: jsmith({ memberHash: 'forged-hash-0000' }), screen: 'ticket', id: ticketId });
    const res = await post({ auth: jsmith(), screen: 'ticket', id: ticketId });
    expect(res.status).toBe(429);
    expect(res.body.token).toBeUndefined();
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(200);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(300);
  });

  it('a session Manage stops accepting after it was proved gets 401 and is proved afresh next time', async () => {
    expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(200);
    const session = sim.store.memberSessions.find((s) => s.memberHash === DEMO_MEMBER_SESSION.memberHash)!;
    sim.store.memberSessions.delete(session.id);
    try {
      expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(401);
      expect((await post({ auth: jsmith(), screen: 'ticket', id: ticketId })).status).toBe(401);
      expect(memberCalls()).toHaveLength(2);
    } finally {
      sim.store.memberSessions.insert({ memberId: session.memberId, memberHash: session.memberHash });
    }
  });
});

describe('verifyMemberSession against a Manage that names its own member (test double)', () => {
  // Some Manage versions identify the session by the hash alone; such a Manage answers 200 for
  // whatever memberId is claimed, naming the hash's real owner. The double does exactly that.
  const DOUBLE_CLIENT_ID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
  let double: Server;
  let target: MemberAuthTarget;
  const seen: { authorization?: string; cookie?: string; clientid?: string; accept?: string; url?: string }[] = [];

  beforeAll(async () => {
    double = createServer((req, res) => {
      seen.push({ authorization: req.headers.authorization, cookie: req.headers.cookie, clientid: req.headers.clientid as string, accept: req.headers.accept, url: req.url });
      if (req.url?.startsWith('/v4_6_release/apis/3.0/system/myMembers/info')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 1, identifier: 'JSmith', firstName: 'John', lastName: 'Smith' }));
      } else if (req.url?.startsWith('/v4_6_release/apis/3.0/service/tickets/7')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InvalidClientId', message: 'clientId is required' }));
      } else {
        res.writeHead(302, { location: 'https://evil.example/' });
        res.end();
      }
    });
    await new Promise<void>((resolve) => double.listen(0, '127.0.0.1', resolve));
    const { port } = double.address() as AddressInfo;
    target = {
      baseUrl: `http://127.0.0.1:${port}/v4_6_release/apis/3.0`,
      clientId: DOUBLE_CLIENT_ID,
      companyId: 'harborview',
      apiVersion: '2026.11',
      timeouts: { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000 },
    };
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => double.close(() => resolve()));
  });

  it('a 200 naming another member than the claimed one is a mismatch; the same member in other case is fine', async () => {
    expect(await verifyMemberSession(target, { memberId: 'akhan', memberHash: 'h4sh' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyMemberSession(target, { memberId: 'jsmith', memberHash: 'h4sh' })).toEqual({
      ok: true,
      member: { id: 1, identifier: 'JSmith', firstName: 'John', lastName: 'Smith' },
    });
  });

  it('sends the exact forms: Basic companyId+memberId:hash, or the four cookies; clientId and the pinned Accept', async () => {
    seen.length = 0;
    await verifyMemberSession(target, { memberId: 'jsmith', memberHash: 'h4sh' });
    await verifyMemberSession(target, { memberId: 'jsmith', memberHash: 'h4sh', memberContext: 'abc' });
    expect(seen[0]).toMatchObject({
      authorization: `Basic ${Buffer.from('harborview+jsmith:h4sh').toString('base64')}`,
      cookie: undefined,
      clientid: DOUBLE_CLIENT_ID,
      accept: 'application/vnd.connectwise.com+json; version=2026.11',
      url: '/v4_6_release/apis/3.0/system/myMembers/info',
    });
    expect(seen[1]).toMatchObject({
      authorization: undefined,
      cookie: 'companyName=harborview; memberId=jsmith; memberHash=h4sh; memberContext=abc',
    });
  });

  it('never follows a redirect, treats a clientId refusal as Manage being unusable, and a bad base as unavailable', async () => {
    seen.length = 0;
    await expect(memberCanRead(target, { memberId: 'jsmith', memberHash: 'h4sh' }, { kind: 'company', id: 3 })).rejects.toMatchObject({ reason: 'unavailable' });
    expect(seen).toHaveLength(1);
    await expect(memberCanRead(target, { memberId: 'jsmith', memberHash: 'h4sh' }, { kind: 'ticket', id: 7 })).rejects.toBeInstanceOf(MemberAuthError);
    await expect(memberCanRead(target, { memberId: 'jsmith', memberHash: 'h4sh' }, { kind: 'ticket', id: 0 })).rejects.toBeInstanceOf(TypeError);
    const notARecord = { kind: 'toString', id: 7 } as unknown as { kind: 'ticket'; id: number };
    await expect(memberCanRead(target, { memberId: 'jsmith', memberHash: 'h4sh' }, notARecord)).rejects.toBeInstanceOf(TypeError);
    expect(await verifyMemberSession({ ...target, baseUrl: 'http://manage.example/v4_6_release/apis/3.0' }, { memberId: 'jsmith', memberHash: 'h' })).toEqual({
      ok: false,
      reason: 'unavailable',
    });
  });

  it('createPodSession refuses the mismatch with 401 and counts it as a failure', async () => {
    const other = await openTestDatabase();
    try {
      const { port } = double.address() as AddressInfo;
      await saveManageConnection(other, { endpoint: `127.0.0.1:${port}/v4_6_release`, apiKey: 'harborview+pub:priv', clientId: DOUBLE_CLIENT_ID }, 'admin@msp.example');
      const body = podSessionBodySchema.parse({ auth: { site: `127.0.0.1:${port}`, companyid: 'HarborView', memberid: 'akhan', memberHash: 'h4sh' }, screen: 'ticket', id: 7 });
      const statusOf = async () => {
        const error = await createPodSession(other, body).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DeskbellApiError);
        return (error as DeskbellApiError).status;
      };
      for (let i = 0; i < 5; i += 1) expect(await statusOf()).toBe(401);
      expect(await statusOf()).toBe(429);
    } finally {
      await other.destroy();
    }
  });
});
