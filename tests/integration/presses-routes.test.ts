/**
 * The admin presses routes as Next calls them: session first, then zod, then one lib call.
 * The session and the app database are replaced (next-auth needs a request scope); the
 * rest is real.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { acceptPress, PRESS_JOB_KIND } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { markPressDead } from '@/lib/presses/press-store';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildMultipart, buildPng } from '../support/press-fixtures';

// Deskbell's public origin: the only one a state-changing admin request may come from.
const PUBLIC_ORIGIN = 'https://deskbell.msp.example';
vi.stubEnv('DESKBELL_PUBLIC_URL', `${PUBLIC_ORIGIN}/`);

const state = vi.hoisted(() => ({ session: null as AdminSession | null, db: null as unknown }));

vi.mock('@/lib/auth/admin-session', () => ({
  requireAdminApi: async () => {
    if (!state.session) throw new DeskbellApiError('unauthorized', 'Sign in as a Deskbell admin to use this API.');
    return state.session;
  },
}));

vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

const listRoute = await import('@/app/api/admin/presses/route');
const retryRoute = await import('@/app/api/admin/presses/[id]/retry/route');
const fileRoute = await import('@/app/api/admin/presses/[id]/files/[fileId]/route');

let db: DeskbellDatabase;
let pressId: string;
let fileId: string;
const png = buildPng({ width: 6, height: 6, shade: 4 });

beforeEach(async () => {
  db = await openTestDatabase();
  state.db = db;
  state.session = null;
  const { agentToken } = await createAgentToken(db, 'routes');
  const body = buildMultipart(basePress({ screenshots: [{ capturedAt: '2026-11-10T10:00:00Z', monitor: 0 }] }), [
    { name: 'screenshot', bytes: png, filename: 's.png', type: 'image/png' },
  ]);
  const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body }), pressLimitsFromEnv());
  pressId = (await acceptPress({ db }, { agentTokenId: agentToken.id, submission })).press.id;
  fileId = (await db.selectFrom('press_files').select('id').executeTakeFirstOrThrow()).id;
});
afterEach(async () => {
  await db.destroy();
});

const params = <T>(value: T) => ({ params: Promise.resolve(value) });
const signIn = () => {
  state.session = { userId: 'u1', email: 'admin@msp.example', name: 'Admin' } as AdminSession;
};

describe('without a session', () => {
  it('every presses route answers 401 and touches nothing', async () => {
    const responses = [
      await listRoute.GET(new Request('http://deskbell.test/api/admin/presses')),
      await retryRoute.POST(new Request(`http://deskbell.test/api/admin/presses/${pressId}/retry`, { method: 'POST' }), params({ id: pressId })),
      await fileRoute.GET(new Request(`http://deskbell.test/api/admin/presses/${pressId}/files/${fileId}`), params({ id: pressId, fileId })),
    ];
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });
});

describe('signed in', () => {
  beforeEach(signIn);

  it('lists presses as JSON with the URL filters, and refuses bad ones with 422', async () => {
    const ok = await listRoute.GET(new Request('http://deskbell.test/api/admin/presses?status=queued&q=printer&limit=5'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const page = (await ok.json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(page).toEqual({ items: [expect.objectContaining({ id: pressId, status: 'queued' })], nextCursor: null });

    const none = (await (await listRoute.GET(new Request('http://deskbell.test/api/admin/presses?status=dead'))).json()) as { items: unknown[] };
    expect(none.items).toEqual([]);

    const bad = await listRoute.GET(new Request('http://deskbell.test/api/admin/presses?status=lost&from=yesterday'));
    expect(bad.status).toBe(422);
    const details = ((await bad.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(details).toEqual(expect.arrayContaining(['query.status', 'query.from']));

    const badCursor = await listRoute.GET(new Request('http://deskbell.test/api/admin/presses?cursor=abc'));
    expect(badCursor.status).toBe(422);
  });

  it('retries a dead press, refuses a live one and a cross-site POST', async () => {
    const queue = createSqlJobQueue(db);
    const [job] = await queue.claim('w', [PRESS_JOB_KIND], 1, 60_000);
    await queue.fail(job!.id, 'w', 'boom', { kind: 'dead', reason: 'gave up after 8 attempts: boom' });
    await markPressDead(db, pressId, { attempt: 8, reason: 'gave up after 8 attempts: boom', lastError: 'boom' });

    const crossSite = await retryRoute.POST(
      new Request(`http://deskbell.test/api/admin/presses/${pressId}/retry`, { method: 'POST', headers: { origin: 'https://evil.example', host: 'deskbell.test' } }),
      params({ id: pressId }),
    );
    expect(crossSite.status).toBe(403);
    // The Host header is the client's to choose: matching it proves nothing, only the public origin does.
    const sameHost = await retryRoute.POST(
      new Request(`http://deskbell.test/api/admin/presses/${pressId}/retry`, { method: 'POST', headers: { origin: 'http://deskbell.test', host: 'deskbell.test' } }),
      params({ id: pressId }),
    );
    expect(sameHost.status).toBe(403);

    const res = await retryRoute.POST(
      new Request(`http://deskbell.test/api/admin/presses/${pressId}/retry`, { method: 'POST', headers: { origin: PUBLIC_ORIGIN } }),
      params({ id: pressId }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: pressId, status: 'queued' });
    const audit = await db.selectFrom('audit_log').select(['actor', 'action']).execute();
    expect(audit).toEqual([{ actor: 'admin@msp.example', action: 'press.retry' }]);

    const again = await retryRoute.POST(new Request(`http://deskbell.test/api/admin/presses/${pressId}/retry`, { method: 'POST' }), params({ id: pressId }));
    expect(again.status).toBe(409);
    const unknown = await retryRoute.POST(new Request('http://deskbell.test/api/admin/presses/x/retry', { method: 'POST' }), params({ id: 'x' }));
    expect(unknown.status).toBe(404);
  });

  it('serves a file of the press and nothing else', async () => {
    const res = await fileRoute.GET(new Request('http://deskbell.test/'), params({ id: pressId, fileId }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);

    const wrong = await fileRoute.GET(new Request('http://deskbell.test/'), params({ id: '00000000-0000-4000-8000-000000000000', fileId }));
    expect(wrong.status).toBe(404);
  });
});
