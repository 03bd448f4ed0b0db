/**
 * The pod's data routes as Next calls them, over presses the real pipeline filed in the real
 * simulator, with tokens from the real session route: the token is required everywhere, it
 * opens only its own ticket (or company), files and thumbnails follow the same rule, a ticket
 * Deskbell did not create is an empty state, and the company tab lists that company only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { sealPodToken } from '@/lib/pod/pod-token';
import type { PodCompanyPresses, PodTicketResponse } from '@/lib/pod/types';
import { saveManageConnection } from '@/lib/settings/manage-connection';
import { DEMO_MEMBER_SESSION } from '@/tools/manage-sim';
import { basePress, buildPng } from '../support/press-fixtures';
import { screenshot, shotsMeta, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

const state = vi.hoisted(() => ({ db: null as unknown }));
vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

const sessionRoute = await import('@/app/api/pod/session/route');
const ticketRoute = await import('@/app/api/pod/tickets/[ticketId]/route');
const fileRoute = await import('@/app/api/pod/presses/[pressId]/files/[fileId]/route');
const thumbnailRoute = await import('@/app/api/pod/presses/[pressId]/files/[fileId]/thumbnail/route');
const companyRoute = await import('@/app/api/pod/companies/[companyId]/presses/route');

type Filed = { id: string; ticketId: number; screenshotIds: string[]; attachmentId?: string };

let h: PipelineHarness;
let acme: number;
let fabrikam: number;
let pressA: Filed;
let pressB: Filed;
let pressC: Filed;
let pressD: Filed;
let tokenA: string;
let tokenB: string;
let tokenAcme: string;
let tokenFabrikam: string;
const consoleSpies: MockInstance[] = [];
const issued: string[] = [];

const params = <T>(value: T) => ({ params: Promise.resolve(value) });
const bearer = (token: string | null): Record<string, string> => (token === null ? {} : { authorization: `Bearer ${token}` });

async function session(screen: 'ticket' | 'company', id: number): Promise<string> {
  const res = await sessionRoute.POST(
    new Request('http://deskbell.test/api/pod/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          site: new URL(h.sim.url).host,
          companyid: h.sim.credentials.companyId,
          memberid: DEMO_MEMBER_SESSION.memberIdentifier,
          memberHash: DEMO_MEMBER_SESSION.memberHash,
        },
        screen,
        id,
      }),
    }),
  );
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  issued.push(token);
  return token;
}

async function file(pressAndFile: { pressId: string; fileId: string }, token: string | null, variant: 'full' | 'thumbnail' = 'full') {
  const url = `http://deskbell.test/api/pod/presses/${pressAndFile.pressId}/files/${pressAndFile.fileId}${variant === 'thumbnail' ? '/thumbnail' : ''}`;
  const route = variant === 'full' ? fileRoute : thumbnailRoute;
  return route.GET(new Request(url, { headers: bearer(token) }), params(pressAndFile));
}

async function ticket(ticketId: number | string, token: string | null, headers: Record<string, string> = bearer(token)) {
  const res = await ticketRoute.GET(new Request(`http://deskbell.test/api/pod/tickets/${ticketId}`, { headers }), params({ ticketId: String(ticketId) }));
  return { status: res.status, headers: res.headers, body: (await res.json()) as PodTicketResponse & { error?: { code: string } } };
}

async function companyPresses(companyId: number, token: string | null, query = '') {
  const res = await companyRoute.GET(
    new Request(`http://deskbell.test/api/pod/companies/${companyId}/presses${query}`, { headers: bearer(token) }),
    params({ companyId: String(companyId) }),
  );
  return { status: res.status, body: (await res.json()) as PodCompanyPresses & { error?: { code: string } } };
}

async function fileAPress(email: string, hostname: string, shots: number, attachment = false): Promise<Filed> {
  const files = Array.from({ length: shots }, (_, i) => screenshot(i + 1));
  if (attachment) files.push({ name: 'attachment', bytes: Buffer.from('<script>alert(1)</script>'), filename: 'notes.html', type: 'text/html' });
  const res = await h.press(basePress({ email, host: { ...(basePress().host as Record<string, unknown>), hostname }, screenshots: shotsMeta(shots) }), files);
  expect(res.status).toBe(202);
  await h.settle();
  const row = await h.db.selectFrom('presses').select(['ticket_id', 'status']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
  expect(row.status).toBe('ticket_created');
  const stored = await h.db.selectFrom('press_files').select(['id', 'kind']).where('press_id', '=', res.body.id).orderBy('position').execute();
  return {
    id: res.body.id,
    ticketId: row.ticket_id!,
    screenshotIds: stored.filter((f) => f.kind === 'screenshot').map((f) => f.id),
    attachmentId: stored.find((f) => f.kind === 'attachment')?.id,
  };
}

beforeAll(async () => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID', 'POD_TOKEN_TTL_SECONDS']) vi.stubEnv(name, undefined);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) consoleSpies.push(vi.spyOn(console, method));
  h = await startPipelineHarness();
  state.db = h.db;
  const c = h.sim.credentials;
  await saveManageConnection(h.db, { endpoint: h.sim.endpoint, apiKey: `${c.companyId}+${c.publicKey}:${c.privateKey}`, clientId: c.clientId }, 'admin@msp.example');
  const companyId = (identifier: string) => h.sim.store.companies.find((co) => (co as { identifier?: string }).identifier === identifier)!.id;
  acme = companyId('AcmeMfg');
  fabrikam = companyId('FabrikamLogistics');

  pressA = await fileAPress('dana.whitfield@acme-mfg.example', 'ACME-PC-01', 2, true);
  pressB = await fileAPress('marcus.lee@acme-mfg.example', 'ACME-PC-02', 1);
  pressC = await fileAPress('dana.whitfield@acme-mfg.example', 'acme-pc-01', 1);
  pressD = await fileAPress('luis.ortega@fabrikam-logistics.example', 'FAB-WH-SCAN-03', 1);
  tokenA = await session('ticket', pressA.ticketId);
  tokenB = await session('ticket', pressB.ticketId);
  tokenAcme = await session('company', acme);
  tokenFabrikam = await session('company', fabrikam);
}, 120_000);

afterAll(async () => {
  const logged = consoleSpies.flatMap((spy) => spy.mock.calls.flat().map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))));
  for (const line of logged) for (const secret of [...issued, DEMO_MEMBER_SESSION.memberHash]) expect(line).not.toContain(secret);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await h?.close();
});

describe('GET /api/pod/tickets/{ticketId}', () => {
  it('gives the press behind the ticket, with pod file URLs, thumbnails and Manage links', async () => {
    const res = await ticket(pressA.ticketId, tokenA);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const press = res.body.press!;
    expect(press).toMatchObject({
      id: pressA.id,
      status: 'ticket_created',
      message: basePress().message,
      host: { hostname: 'ACME-PC-01', os: 'Windows 11 Pro 23H2', agentVersion: '1.4.2' },
      ticket: { id: pressA.ticketId, url: expect.stringContaining(`routeTo=ServiceFV&recid=${pressA.ticketId}`) },
      configuration: { name: 'ACME-PC-01', url: expect.stringMatching(/\/v4_6_release\/ConnectWise\.aspx\?locale=en_US&routeTo=ConfigFV&recid=\d+&companyName=/) },
    });
    expect(press.configuration!.url).toContain(`recid=${press.configuration!.id}`);
    expect(press.screenshots.map((s) => [s.src, s.thumbnailSrc])).toEqual(
      pressA.screenshotIds.map((f) => [`/api/pod/presses/${pressA.id}/files/${f}`, `/api/pod/presses/${pressA.id}/files/${f}/thumbnail`]),
    );
    expect(press.screenshots.map((s) => Date.parse(s.capturedAt!))).toEqual(shotsMeta(2).map((m) => Date.parse(m.capturedAt)));
    expect(press.attachments).toEqual([expect.objectContaining({ id: pressA.attachmentId, href: `/api/pod/presses/${pressA.id}/files/${pressA.attachmentId}` })]);
    expect(press.timeline[0]).toMatchObject({ kind: 'received' });
  });

  it('refuses a request without a token, with another scheme, a tampered or an expired token: 401, never the press', async () => {
    const tampered = tokenA.replace(/\*([^*]{6})([^*]*)~2$/, (_m, head: string, rest: string) => `*${head}${rest.split('').reverse().join('')}~2`);
    expect(tampered).not.toBe(tokenA);
    const expiredByClaims = (
      await sealPodToken(
        { member: { id: 1, identifier: 'jsmith', name: 'John Smith' }, companyId: h.sim.credentials.companyId, scope: { screen: 'ticket', id: pressA.ticketId } },
        { ttlSeconds: 600, now: () => Date.now() - 601_000 },
      )
    ).token;
    for (const headers of [{}, { authorization: `Basic ${tokenA}` }, { authorization: tokenA }, bearer(tampered), bearer(expiredByClaims), bearer('x')]) {
      const res = await ticket(pressA.ticketId, null, headers);
      expect(res.status).toBe(401);
      expect(res.body.press).toBeUndefined();
      expect(res.body.error!.code).toBe('unauthorized');
    }
  });

  it('refuses the token once its lifetime has passed (clock moved on)', async () => {
    const token = await session('ticket', pressA.ticketId);
    const issuedAt = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(issuedAt + 590_000);
      expect((await ticket(pressA.ticketId, token)).status).toBe(200);
      // Past the 600 s lifetime, though still inside iron's own 60 s skew allowance.
      vi.setSystemTime(issuedAt + 601_000);
      expect((await ticket(pressA.ticketId, token)).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses another ticket\'s token and a company token with 403, never the press', async () => {
    for (const token of [tokenB, tokenAcme]) {
      const res = await ticket(pressA.ticketId, token);
      expect(res.status).toBe(403);
      expect(res.body.press).toBeUndefined();
    }
  });

  it('refuses a token made under another Manage company (the connection changed) with 401', async () => {
    const { token } = await sealPodToken({
      member: { id: 1, identifier: 'jsmith', name: 'John Smith' },
      companyId: 'othermsp',
      scope: { screen: 'ticket', id: pressA.ticketId },
    });
    expect((await ticket(pressA.ticketId, token)).status).toBe(401);
  });

  it('answers {press: null} for a ticket Deskbell did not create', async () => {
    const seeded = h.sim.store.tickets.list().find((t) => !(t as { externalXRef?: string }).externalXRef)!;
    const token = await session('ticket', seeded.id);
    const res = await ticket(seeded.id, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ press: null });
  });
});

describe('GET /api/pod/presses/{pressId}/files/{fileId} and /thumbnail', () => {
  it('serves a screenshot and its WebP thumbnail to the ticket\'s token, privately cached for 5 minutes', async () => {
    const shot = { pressId: pressA.id, fileId: pressA.screenshotIds[1]! };
    const full = await file(shot, tokenA);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('cache-control')).toBe('private, max-age=300');
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await full.arrayBuffer()).equals(buildPng({ width: 64, height: 40, shade: 2 }))).toBe(true);

    const thumb = await file(shot, tokenA, 'thumbnail');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(thumb.headers.get('cache-control')).toBe('private, max-age=300');
    const bytes = Buffer.from(await thumb.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WEBP');
    expect(bytes.length).toBeLessThanOrEqual(30 * 1024);
  });

  it('serves an uploaded HTML attachment only as a sandboxed download', async () => {
    const res = await file({ pressId: pressA.id, fileId: pressA.attachmentId! }, tokenA);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('needs the token: 401 without one or with a bad one', async () => {
    const shot = { pressId: pressA.id, fileId: pressA.screenshotIds[0]! };
    for (const variant of ['full', 'thumbnail'] as const) {
      expect((await file(shot, null, variant)).status).toBe(401);
      expect((await file(shot, 'Fe26.2*1*00*AA*AA*1*00*AA~2', variant)).status).toBe(401);
    }
  });

  it('needs the right ticket: another ticket\'s token, a mixed-up or unknown id all get 404', async () => {
    const shotA = { pressId: pressA.id, fileId: pressA.screenshotIds[0]! };
    for (const variant of ['full', 'thumbnail'] as const) {
      expect((await file(shotA, tokenB, variant)).status).toBe(404);
      expect((await file(shotA, tokenFabrikam, variant)).status).toBe(404);
      // Token A with B's press, or A's press with B's file.
      expect((await file({ pressId: pressB.id, fileId: pressB.screenshotIds[0]! }, tokenA, variant)).status).toBe(404);
      expect((await file({ pressId: pressA.id, fileId: pressB.screenshotIds[0]! }, tokenA, variant)).status).toBe(404);
      expect((await file({ pressId: pressA.id, fileId: randomUUID() }, tokenA, variant)).status).toBe(404);
      expect((await file({ pressId: pressA.id, fileId: 'not-a-uuid' }, tokenA, variant)).status).toBe(404);
    }
  });

  it('a company token reaches the files of that company\'s presses only', async () => {
    expect((await file({ pressId: pressB.id, fileId: pressB.screenshotIds[0]! }, tokenAcme)).status).toBe(200);
    expect((await file({ pressId: pressD.id, fileId: pressD.screenshotIds[0]! }, tokenAcme)).status).toBe(404);
    expect((await file({ pressId: pressD.id, fileId: pressD.screenshotIds[0]! }, tokenFabrikam)).status).toBe(200);
  });

  it('a file retention removed is gone (404), and so is its thumbnail', async () => {
    const shot = { pressId: pressC.id, fileId: pressC.screenshotIds[0]! };
    const tokenC = await session('ticket', pressC.ticketId);
    expect((await file(shot, tokenC)).status).toBe(200);
    await h.db.updateTable('press_files').set({ bytes: null, removed_at: new Date().toISOString() }).where('id', '=', shot.fileId).execute();
    expect((await file(shot, tokenC)).status).toBe(404);
    expect((await file(shot, tokenC, 'thumbnail')).status).toBe(404);
    const res = await ticket(pressC.ticketId, tokenC);
    expect(res.body.press!.screenshots[0]).toMatchObject({ removedAt: expect.any(String) });
    expect(res.body.press!.screenshots[0]!.thumbnailSrc).toBeUndefined();
  });
});

describe('GET /api/pod/companies/{companyId}/presses', () => {
  it('lists only that company\'s presses, newest first, with the hosts that press most', async () => {
    const res = await companyPresses(acme, tokenAcme);
    expect(res.status).toBe(200);
    expect(res.body.presses.map((p) => p.id)).toEqual([pressC.id, pressB.id, pressA.id]);
    expect(res.body.presses[1]).toEqual({
      id: pressB.id,
      receivedAt: expect.any(String),
      name: 'Dana Whitfield',
      email: 'marcus.lee@acme-mfg.example',
      hostname: 'ACME-PC-02',
      ticketId: pressB.ticketId,
      ticketNumber: expect.any(String),
      status: 'ticket_created',
      ticketStatusName: 'New',
    });
    // ACME-PC-01 and acme-pc-01 are one host (Windows names ignore case); the newest spelling is shown.
    expect(res.body.topHosts).toEqual([
      { hostname: 'acme-pc-01', presses: 2 },
      { hostname: 'ACME-PC-02', presses: 1 },
    ]);

    const fab = await companyPresses(fabrikam, tokenFabrikam);
    expect(fab.body.presses.map((p) => p.id)).toEqual([pressD.id]);
    expect(fab.body.topHosts).toEqual([{ hostname: 'FAB-WH-SCAN-03', presses: 1 }]);
  });

  it('honours ?limit for the list while the top hosts still count every recent press', async () => {
    const res = await companyPresses(acme, tokenAcme, '?limit=1');
    expect(res.body.presses.map((p) => p.id)).toEqual([pressC.id]);
    expect(res.body.topHosts[0]).toEqual({ hostname: 'acme-pc-01', presses: 2 });
    expect((await companyPresses(acme, tokenAcme, '?limit=0')).status).toBe(422);
    expect((await companyPresses(acme, tokenAcme, '?limit=101')).status).toBe(422);
  });

  it('refuses another company\'s token and a ticket token with 403, and no token with 401', async () => {
    for (const token of [tokenFabrikam, tokenA]) {
      const res = await companyPresses(acme, token);
      expect(res.status).toBe(403);
      expect(res.body.presses).toBeUndefined();
    }
    expect((await companyPresses(acme, null)).status).toBe(401);
  });
});
