/**
 * The wizard's Callbacks step as Next calls it (session first, zod, one lib call), against the
 * real simulator over HTTP and a real SQLite database. The session and the app database are
 * replaced (next-auth needs a request scope); everything else is the app's own, including the
 * shared Manage context and the sealed callback path token.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { saveManageConnection } from '@/lib/settings/manage-connection';
import type { CallbackRow, CallbacksStepState, CallbackSyncReport } from '@/lib/setup/callback-registration';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { migrateToLatest, openDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';
import type { SimCallback } from '@/tools/manage-sim/store';

const PUBLIC_URL = 'https://deskbell.msp.example';

const state = vi.hoisted(() => {
  // lib/env reads the environment once, on first use: set it before anything imports it.
  vi.stubEnv('DESKBELL_PUBLIC_URL', 'https://deskbell.msp.example');
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID']) vi.stubEnv(name, undefined);
  return { session: null as AdminSession | null, db: null as unknown };
});

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

const listRoute = await import('@/app/api/admin/setup/callbacks/route');
const oneRoute = await import('@/app/api/admin/setup/callbacks/[id]/route');

const ADMIN = 'admin@msp.example';
let sim: ManageSim;
let db: DeskbellDatabase;
let foreignSnapshot: string;
let helpDesk: number;
let services: number;

const req = (method: string, path: string, body?: unknown) =>
  new Request(`http://deskbell.test${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const params = (id: string | number) => ({ params: Promise.resolve({ id: String(id) }) });

async function json<T>(res: Response, status = 200): Promise<T> {
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}
const getState = async () => json<CallbacksStepState>(await listRoute.GET(new Request('http://deskbell.test/api/admin/setup/callbacks')));
const register = async (body: unknown, status = 200) => json<CallbackSyncReport>(await listRoute.POST(req('POST', '/api/admin/setup/callbacks', body)), status);
const repair = async (id: number, status = 200) =>
  json<{ callback: CallbackRow }>(await oneRoute.POST(req('POST', `/api/admin/setup/callbacks/${id}?action=repair`), params(id)), status);
const remove = async (id: number, status = 200) => json<{ removed: number }>(await oneRoute.DELETE(req('DELETE', `/api/admin/setup/callbacks/${id}`), params(id)), status);

const ours = () => sim.store.callbacks.filter((c) => c.url.startsWith(`${PUBLIC_URL}/api/connectwise/callback/`));
const foreign = () => sim.store.callbacks.filter((c) => !c.url.startsWith(`${PUBLIC_URL}/api/connectwise/callback/`));
const tokenInSim = () => /\/api\/connectwise\/callback\/([^/?]+)/.exec(ours()[0]!.url)![1]!;

function insertCallback(fields: { url: string; level: string; objectId: number; inactiveFlag?: boolean; description?: string }): SimCallback {
  return sim.store.callbacks.insert({
    type: 'ticket',
    description: 'Other integration',
    inactiveFlag: false,
    isSelfSuppressedFlag: false,
    memberId: 1,
    ...fields,
  } as Omit<SimCallback, 'id'>);
}

beforeAll(async () => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  sim = await startManageSim({ port: 0 });
  db = openDatabase({ dialect: 'sqlite', memory: true });
  await migrateToLatest(db);
  state.db = db;
  const c = sim.credentials;
  await saveManageConnection(db, { endpoint: sim.endpoint, apiKey: `${c.companyId}+${c.publicKey}:${c.privateKey}`, clientId: c.clientId }, ADMIN);
  helpDesk = sim.store.boards.find((b) => b.name === 'Help Desk')!.id;
  services = sim.store.boards.find((b) => b.name === 'Professional Services')!.id;
  // Another integration's callbacks, one even on Deskbell's path at another address: never touched.
  insertCallback({ url: 'https://psa-sync.example/hooks/ticket?recordId=', level: 'owner', objectId: 1 });
  insertCallback({ url: 'https://old-deskbell.example/api/connectwise/callback/abc?recordId=', level: 'board', objectId: helpDesk });
  foreignSnapshot = JSON.stringify(foreign());
});

afterAll(async () => {
  await sim?.close();
  await db?.destroy();
});

describe('without a session', () => {
  it('every callbacks route answers 401 and Manage is not asked', async () => {
    sim.clearRequests();
    const answers = await Promise.all([
      listRoute.GET(new Request('http://deskbell.test/api/admin/setup/callbacks')),
      listRoute.POST(req('POST', '/api/admin/setup/callbacks', { level: 'owner' })),
      oneRoute.POST(req('POST', '/api/admin/setup/callbacks/101?action=repair'), params(101)),
      oneRoute.DELETE(req('DELETE', '/api/admin/setup/callbacks/101'), params(101)),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(((await answers[0]!.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(sim.requests()).toEqual([]);
    expect(ours()).toEqual([]);
  });
});

describe('registering from the wizard', () => {
  it('owner level: exactly one callback, shaped as wanted, audited without the token', async () => {
    state.session = { userId: 'u1', email: ADMIN, name: 'Admin' } as AdminSession;
    const before = await getState();
    expect(before).toMatchObject({ registration: null, callbacks: [], otherCallbacks: 2, problem: null, warnings: [] });
    expect(before.callbackUrl).toMatch(new RegExp(`^${PUBLIC_URL}/api/connectwise/callback/[A-Za-z0-9_-]{43}\\?recordId=$`));
    expect(before.boards.map((b) => b.name)).toEqual(expect.arrayContaining(['Help Desk', 'Professional Services']));

    const report = await register({ level: 'owner' });
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ created: 1, updated: 0, unchanged: 0, removed: 0, failed: 0 });
    expect(report.summary).toBe('1 callback registered for all tickets (owner level) (1 created).');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({
      url: before.callbackUrl,
      type: 'ticket',
      level: 'owner',
      objectId: 1,
      description: 'Deskbell ticket notifications',
      inactiveFlag: false,
      isSelfSuppressedFlag: true,
    });
    const token = tokenInSim();
    expect(JSON.stringify(report)).not.toContain(token);

    const after = await getState();
    expect(after.callbacks).toEqual([expect.objectContaining({ id: ours()[0]!.id, state: 'active', target: 'All tickets (owner level)', wanted: true })]);
    expect(after.registration).toMatchObject({ level: 'owner', updatedBy: ADMIN, lastSync: { registered: 1, failed: 0 } });
    expect(after.callbacks[0]!.url).not.toContain(token);
    expect((await loadWizardStatus(db)).steps.find((s) => s.id === 'callbacks')).toMatchObject({
      number: 7,
      state: 'done',
      detail: '1 callback registered for all tickets (owner level).',
    });
    const actions = (await listAuditEntries(db)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['setup.callbacks.created', 'setup.callbacks.registered']));
  });

  it('registering again changes nothing in Manage', async () => {
    const record = JSON.stringify(ours());
    sim.clearRequests();
    const report = await register({ level: 'owner' });
    expect(report.counts).toMatchObject({ created: 0, updated: 0, unchanged: 1, removed: 0 });
    expect(report.entries).toEqual([expect.objectContaining({ outcome: 'unchanged', message: 'Already registered as wanted; nothing changed.' })]);
    expect(JSON.stringify(ours())).toBe(record);
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('switching to two boards: two board callbacks, the owner one removed', async () => {
    const owner = ours()[0]!;
    const report = await register({ level: 'board', boardIds: [services, helpDesk] });
    expect(report.counts).toMatchObject({ created: 2, removed: 1, failed: 0 });
    expect(report.entries.find((e) => e.outcome === 'removed')).toMatchObject({ id: owner.id, message: 'Removed: no longer wanted.' });
    expect(sim.store.callbacks.get(owner.id)).toBeUndefined();
    expect(ours().map((c) => [c.level, c.objectId]).sort()).toEqual([['board', helpDesk], ['board', services]].sort());
    const s = await getState();
    expect(s.callbacks.map((c) => c.target).sort()).toEqual([`Board "Help Desk" (id ${helpDesk})`, `Board "Professional Services" (id ${services})`]);
    expect(s.registration).toMatchObject({ level: 'board', boardIds: [helpDesk, services].sort((a, b) => a - b) });
    expect((await loadWizardStatus(db)).steps.find((x) => x.id === 'callbacks')?.detail).toBe('2 callbacks registered for 2 boards.');
  });

  it('one that Manage disabled is listed as disabled; Repair makes it active again', async () => {
    const target = ours().find((c) => c.objectId === helpDesk)!;
    sim.store.callbacks.replace({ ...target, inactiveFlag: true });
    const row = (await getState()).callbacks.find((c) => c.id === target.id)!;
    expect(row).toMatchObject({ state: 'disabled' });
    expect(row.problems.join(' ')).toMatch(/Manage disabled it/);

    const repaired = await repair(target.id);
    expect(repaired.callback).toMatchObject({ id: target.id, state: 'active' });
    expect(sim.store.callbacks.get(target.id)).toMatchObject({ inactiveFlag: false, isSelfSuppressedFlag: true });
    expect((await getState()).callbacks.find((c) => c.id === target.id)?.state).toBe('active');
    expect((await listAuditEntries(db)).find((a) => a.action === 'setup.callbacks.repaired')).toMatchObject({
      target: `manage-callback:${target.id}`,
      details: expect.objectContaining({ changed: ['inactive'] }),
    });
  });

  it('a callback with an old token needs repair; registering removes it as a duplicate', async () => {
    const stale = insertCallback({
      url: `${PUBLIC_URL}/api/connectwise/callback/${'B'.repeat(43)}?recordId=`,
      level: 'board',
      objectId: helpDesk,
      description: 'Deskbell ticket notifications',
    });
    const row = (await getState()).callbacks.find((c) => c.id === stale.id)!;
    expect(row.state).toBe('needs_repair');
    expect(row.url).not.toContain('B'.repeat(43));
    const report = await register({ level: 'board', boardIds: [helpDesk, services] });
    expect(report.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2, removed: 1 });
    expect(report.entries.find((e) => e.outcome === 'removed')?.message).toMatch(/^Removed: a duplicate of callback \d+\.$/);
    expect(sim.store.callbacks.get(stale.id)).toBeUndefined();
    expect(ours()).toHaveLength(2);
  });

  it('Remove deletes one of ours; the step\u2019s count follows', async () => {
    const target = ours().find((c) => c.objectId === services)!;
    expect(await remove(target.id)).toEqual({ removed: target.id });
    expect(sim.store.callbacks.get(target.id)).toBeUndefined();
    const s = await getState();
    expect(s.callbacks.map((c) => c.id)).not.toContain(target.id);
    expect(s.missing).toEqual([{ level: 'board', objectId: services, target: `Board "Professional Services" (id ${services})` }]);
    expect((await loadWizardStatus(db)).steps.find((x) => x.id === 'callbacks')?.detail).toBe('1 callback registered for 2 boards.');
  });

  it('another integration\u2019s callback is never repaired or removed, and was never touched', async () => {
    const other = foreign()[0]!;
    const refusedRepair = await oneRoute.POST(req('POST', `/api/admin/setup/callbacks/${other.id}?action=repair`), params(other.id));
    expect(refusedRepair.status).toBe(404);
    expect(((await refusedRepair.json()) as { error: { message: string } }).error.message).toMatch(/no Deskbell callback with id/);
    await remove(other.id, 404);
    await remove(999_999, 404);
    expect(JSON.stringify(foreign())).toBe(foreignSnapshot);
  });

  it('a permission Manage refuses (403) is a sentence naming it, and nothing changes', async () => {
    const before = JSON.stringify(sim.store.callbacks.list());
    sim.setPermissions({ denied: ['system/table-setup'] });
    try {
      const res = await listRoute.POST(req('POST', '/api/admin/setup/callbacks', { level: 'board', boardIds: [helpDesk] }));
      const body = (await res.json()) as { error: { code: string; message: string; details: { manageStatus: number } } };
      expect(res.status).toBe(502);
      expect(body.error.code).toBe('bad_gateway');
      expect(body.error.message).toMatch(/^Manage refused to list its service boards \(403 Forbidden\)/);
      expect(body.error.message).toContain('System > Table Setup');
      expect(body.error.details.manageStatus).toBe(403);
    } finally {
      sim.clearPermissions();
    }
    expect(JSON.stringify(sim.store.callbacks.list())).toBe(before);
  });

  it('bad input is refused in words', async () => {
    const empty = await listRoute.POST(req('POST', '/api/admin/setup/callbacks', { level: 'board', boardIds: [] }));
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { error: { details: unknown } }).error.details).toEqual([
      { path: 'boardIds', message: 'Choose at least one board, or choose All tickets.' },
    ]);
    const unknown = await listRoute.POST(req('POST', '/api/admin/setup/callbacks', { level: 'board', boardIds: [987_654] }));
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/Manage has no board with id 987654/);
    expect((await listRoute.POST(req('POST', '/api/admin/setup/callbacks', 'not json'))).status).toBe(400);
    expect((await oneRoute.POST(req('POST', '/api/admin/setup/callbacks/5'), params(5))).status).toBe(422);
    expect((await oneRoute.DELETE(req('DELETE', '/api/admin/setup/callbacks/abc'), params('abc'))).status).toBe(422);
  });

  it('the audit log never holds the callback path token', async () => {
    const token = tokenInSim();
    const rows = await db.selectFrom('audit_log').selectAll().execute();
    expect(rows.filter((r) => r.action.startsWith('setup.callbacks.')).length).toBeGreaterThanOrEqual(6);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('without a Manage connection the step still answers, with the URL for the manual route', async () => {
    const fresh = openDatabase({ dialect: 'sqlite', memory: true });
    await migrateToLatest(fresh);
    state.db = fresh;
    try {
      const s = await getState();
      expect(s.problem).toMatch(/not connected to Manage/);
      expect(s.callbacks).toEqual([]);
      expect(s.callbackUrl).toMatch(/\/api\/connectwise\/callback\/[A-Za-z0-9_-]{43}\?recordId=$/);
      const refused = await listRoute.POST(req('POST', '/api/admin/setup/callbacks', { level: 'owner' }));
      expect(refused.status).toBe(409);
    } finally {
      state.db = db;
      await fresh.destroy();
    }
  });
});
