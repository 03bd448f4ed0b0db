/**
 * The wizard's Pod step as Next calls it (session first, zod, one lib call), against the real
 * simulator over HTTP and a real SQLite database. The session and the app database are
 * replaced (next-auth needs a request scope); everything else is the app's own, including the
 * shared Manage context.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { saveManageConnection } from '@/lib/settings/manage-connection';
import type { HostedSetupRow, HostedSyncReport, PodStepState } from '@/lib/setup/hosted-setup-registration';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { migrateToLatest, openDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';
import { HOSTED_SCREENS } from '@/tools/manage-sim/resources/system';
import type { SimHostedSetup } from '@/tools/manage-sim/store';

const PUBLIC_URL = 'https://deskbell.msp.example';
const POD_URL = `${PUBLIC_URL}/pod?id=[cw_id]&screen=[cw_screen]`;

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

const listRoute = await import('@/app/api/admin/setup/pod/route');
const oneRoute = await import('@/app/api/admin/setup/pod/[id]/route');

const ADMIN = 'admin@msp.example';
const TICKET_SCREEN = HOSTED_SCREENS.find((s) => s.name === 'Service Ticket')!.id;
const COMPANY_SCREEN = HOSTED_SCREENS.find((s) => s.name === 'Company')!.id;
let sim: ManageSim;
let db: DeskbellDatabase;
let foreignSnapshot: string;

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
const getState = async () => json<PodStepState>(await listRoute.GET(new Request('http://deskbell.test/api/admin/setup/pod')));
const register = async (tabs: { ticket: boolean; company: boolean }, status = 200) =>
  json<HostedSyncReport>(await listRoute.POST(req('POST', '/api/admin/setup/pod', { tabs })), status);
const repair = async (id: number, status = 200) => json<{ setup: HostedSetupRow }>(await oneRoute.POST(req('POST', `/api/admin/setup/pod/${id}?action=repair`), params(id)), status);
const remove = async (id: number, status = 200) => json<{ removed: number }>(await oneRoute.DELETE(req('DELETE', `/api/admin/setup/pod/${id}`), params(id)), status);

const isOurs = (url: string) => /^https:\/\/deskbell\.msp\.example\/pod([?/#]|$)/.test(url);
const ours = () => sim.store.hostedSetups.filter((s) => isOurs(s.url));
const foreign = () => sim.store.hostedSetups.filter((s) => !isOurs(s.url));
const kinds = () => ours().map((s) => `${s.type}@${s.screenId}`).sort();
const podStep = async () => (await loadWizardStatus(db)).steps.find((s) => s.id === 'pod')!;

function insertSetup(fields: Partial<SimHostedSetup> & { url: string }): SimHostedSetup {
  return sim.store.hostedSetups.insert({
    screenId: TICKET_SCREEN,
    description: 'Other integration',
    type: 'Pod',
    origin: new URL(fields.url.replace(/\[cw_[a-z]+\]/g, 'x')).origin,
    podHeight: 200,
    disabledFlag: false,
    ...fields,
  } as Omit<SimHostedSetup, 'id'>);
}

beforeAll(async () => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  sim = await startManageSim({ port: 0 });
  db = openDatabase({ dialect: 'sqlite', memory: true });
  await migrateToLatest(db);
  state.db = db;
  const c = sim.credentials;
  await saveManageConnection(db, { endpoint: sim.endpoint, apiKey: `${c.companyId}+${c.publicKey}:${c.privateKey}`, clientId: c.clientId }, ADMIN);
  // Other integrations' pods and tabs, one even on Deskbell's path at another address: never touched.
  insertSetup({ url: 'https://psa-insights.example/pod?ticket=[cw_id]' });
  insertSetup({ url: 'https://old-deskbell.example/pod?id=[cw_id]&screen=[cw_screen]', type: 'Tab', screenId: COMPANY_SCREEN, podHeight: undefined });
  insertSetup({ url: `${PUBLIC_URL}/podcast?id=[cw_id]`, description: 'Look-alike path' });
  foreignSnapshot = JSON.stringify(foreign());
});

afterAll(async () => {
  await sim?.close();
  await db?.destroy();
});

describe('without a session', () => {
  it('every pod route answers 401 and Manage is not asked', async () => {
    sim.clearRequests();
    const answers = await Promise.all([
      listRoute.GET(new Request('http://deskbell.test/api/admin/setup/pod')),
      listRoute.POST(req('POST', '/api/admin/setup/pod', { tabs: { ticket: false, company: false } })),
      oneRoute.POST(req('POST', '/api/admin/setup/pod/31?action=repair'), params(31)),
      oneRoute.DELETE(req('DELETE', '/api/admin/setup/pod/31'), params(31)),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(((await answers[0]!.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(sim.requests()).toEqual([]);
    expect(ours()).toEqual([]);
  });
});

describe('registering from the wizard', () => {
  it('the pod alone: exactly one Pod setup on the Service Ticket screen, shaped as wanted, audited', async () => {
    state.session = { userId: 'u1', email: ADMIN, name: 'Admin' } as AdminSession;
    const before = await getState();
    expect(before).toMatchObject({
      registration: null,
      setups: [],
      otherSetups: 3,
      problem: null,
      screensProblem: null,
      warnings: [],
      origin: PUBLIC_URL,
      podUrl: POD_URL,
      podHeight: 360,
      screens: { ticket: { id: TICKET_SCREEN, name: 'Service Ticket' }, company: { id: COMPANY_SCREEN, name: 'Company' } },
    });
    expect(before.kinds.map((k) => `${k.type} on ${k.screen}${k.optional ? ' (optional)' : ''}`)).toEqual([
      'Pod on Service Ticket',
      'Tab on Service Ticket (optional)',
      'Tab on Company (optional)',
    ]);
    expect((await podStep()).state).toBe('todo');

    const report = await register({ ticket: false, company: false });
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({ created: 1, updated: 0, unchanged: 0, removed: 0, failed: 0 });
    expect(report.summary).toBe('Registered in Manage: the Service Ticket pod (1 created).');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({
      screenId: TICKET_SCREEN,
      type: 'Pod',
      url: POD_URL,
      origin: PUBLIC_URL,
      podHeight: 360,
      disabledFlag: false,
      description: 'Deskbell Instant Replay',
    });

    const after = await getState();
    expect(after.setups).toEqual([expect.objectContaining({ id: ours()[0]!.id, screen: 'Service Ticket', type: 'Pod', podHeight: 360, state: 'active', wanted: true })]);
    expect(after.registration).toMatchObject({ tabs: { ticket: false, company: false }, updatedBy: ADMIN, lastSync: { wanted: 1, registered: 1, failed: 0 } });
    expect(await podStep()).toMatchObject({ number: 8, href: '/setup/pod', state: 'done', detail: 'The pod is registered in Manage.' });
    const audit = await listAuditEntries(db);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['setup.pod.created', 'setup.pod.registered']));
    expect(audit.find((a) => a.action === 'setup.pod.created')).toMatchObject({ actor: ADMIN, target: `manage-hosted-setup:${ours()[0]!.id}` });
  });

  it('registering again changes nothing in Manage', async () => {
    const record = JSON.stringify(ours());
    sim.clearRequests();
    const report = await register({ ticket: false, company: false });
    expect(report.counts).toMatchObject({ created: 0, updated: 0, unchanged: 1, removed: 0 });
    expect(report.entries).toEqual([expect.objectContaining({ outcome: 'unchanged', target: 'Pod on Service Ticket', message: 'Already registered as wanted; nothing changed.' })]);
    expect(JSON.stringify(ours())).toBe(record);
    expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('ticking both tabs adds a ticket tab and a company tab', async () => {
    const report = await register({ ticket: true, company: true });
    expect(report.counts).toMatchObject({ created: 2, unchanged: 1, failed: 0 });
    expect(report.summary).toBe('Registered in Manage: the Service Ticket pod, the Service Ticket tab, the Company tab (2 created, 1 unchanged).');
    expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${COMPANY_SCREEN}`, `Tab@${TICKET_SCREEN}`].sort());
    for (const tab of ours().filter((s) => s.type === 'Tab')) {
      expect(tab).toMatchObject({ url: POD_URL, origin: PUBLIC_URL, disabledFlag: false });
      expect(tab.podHeight).toBeUndefined();
    }
    const s = await getState();
    expect(s.setups.map((r) => `${r.type} on ${r.screen}: ${r.state}`).sort()).toEqual(['Pod on Service Ticket: active', 'Tab on Company: active', 'Tab on Service Ticket: active']);
    expect(await podStep()).toMatchObject({ state: 'done', detail: 'The pod and 2 tabs are registered in Manage.' });
  });

  it('unticking them removes both tabs and keeps the pod', async () => {
    const pod = ours().find((s) => s.type === 'Pod')!;
    const report = await register({ ticket: false, company: false });
    expect(report.counts).toMatchObject({ unchanged: 1, removed: 2, failed: 0 });
    expect(report.entries.filter((e) => e.outcome === 'removed').map((e) => e.message)).toEqual(['Removed: no longer wanted.', 'Removed: no longer wanted.']);
    expect(ours().map((s) => s.id)).toEqual([pod.id]);
    expect((await listAuditEntries(db)).filter((a) => a.action === 'setup.pod.removed')).toHaveLength(2);
  });

  it('a disabled pod with a changed height is listed as disabled; Repair restores it', async () => {
    const pod = ours()[0]!;
    sim.store.hostedSetups.replace({ ...pod, disabledFlag: true, podHeight: 120 } as SimHostedSetup);
    const row = (await getState()).setups.find((r) => r.id === pod.id)!;
    expect(row).toMatchObject({ state: 'disabled', repairable: true, podHeight: 120 });
    expect(row.problems.join(' ')).toMatch(/disabled in Manage/);

    const repaired = await repair(pod.id);
    expect(repaired.setup).toMatchObject({ id: pod.id, state: 'active', podHeight: 360 });
    expect(sim.store.hostedSetups.get(pod.id)).toMatchObject({ disabledFlag: false, podHeight: 360, url: POD_URL, origin: PUBLIC_URL });
    expect((await listAuditEntries(db)).find((a) => a.action === 'setup.pod.repaired')).toMatchObject({
      target: `manage-hosted-setup:${pod.id}`,
      details: expect.objectContaining({ kind: 'ticket-pod', changed: ['podHeight', 'disabled'] }),
    });
  });

  it('a second pod of ours with an old URL needs repair; registering removes it as a duplicate', async () => {
    const stale = insertSetup({ url: `${PUBLIC_URL}/pod?id=[cw_id]`, description: 'Deskbell Instant Replay', podHeight: 360 });
    const row = (await getState()).setups.find((r) => r.id === stale.id)!;
    expect(row).toMatchObject({ state: 'needs_repair', wanted: true });
    expect(row.problems.join(' ')).toMatch(/URL is not Deskbell/);
    const report = await register({ ticket: false, company: false });
    expect(report.counts).toMatchObject({ created: 0, updated: 0, unchanged: 1, removed: 1 });
    expect(report.entries.find((e) => e.outcome === 'removed')?.message).toMatch(/^Removed: a duplicate of hosted setup \d+\.$/);
    expect(sim.store.hostedSetups.get(stale.id)).toBeUndefined();
    expect(ours()).toHaveLength(1);
  });

  it('Remove deletes one of ours; the step goes back to to-do', async () => {
    const pod = ours()[0]!;
    expect(await remove(pod.id)).toEqual({ removed: pod.id });
    expect(sim.store.hostedSetups.get(pod.id)).toBeUndefined();
    const s = await getState();
    expect(s.setups).toEqual([]);
    expect(s.missing).toEqual([{ kind: 'ticket-pod', label: 'the Service Ticket pod' }]);
    expect(await podStep()).toMatchObject({ state: 'todo', detail: '0 of 1 hosted setup is registered in Manage; register again.' });
    expect((await listAuditEntries(db)).find((a) => a.action === 'setup.pod.removed' && a.target === `manage-hosted-setup:${pod.id}`)).toMatchObject({
      details: expect.objectContaining({ reason: 'removed_by_admin' }),
    });
  });

  it('another integration\u2019s setup is never repaired or removed, and was never touched', async () => {
    const other = foreign()[0]!;
    const refused = await oneRoute.POST(req('POST', `/api/admin/setup/pod/${other.id}?action=repair`), params(other.id));
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/no Deskbell hosted setup with id/);
    for (const s of foreign()) await remove(s.id, 404);
    await remove(999_999, 404);
    expect(JSON.stringify(foreign())).toBe(foreignSnapshot);
  });

  it('Manage failing a create is reported in words; a tab no longer wanted is kept until the rest is in place', async () => {
    await register({ ticket: false, company: true });
    expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${COMPANY_SCREEN}`].sort());
    sim.setFaults([{ kind: 'status', status: 500, times: 5, match: { method: 'POST', path: '^/system/connectwisehostedsetups$' } }]);
    try {
      const report = await register({ ticket: true, company: false });
      expect(report.ok).toBe(false);
      expect(report.counts).toMatchObject({ failed: 1, kept: 1, unchanged: 1 });
      expect(report.entries.find((e) => e.outcome === 'failed')?.message).toMatch(/^Manage could not create the Service Ticket tab: /);
      expect(report.summary).toMatch(/^1 change failed: 1 of 2 hosted setups are registered/);
      expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${COMPANY_SCREEN}`].sort());
      expect(await podStep()).toMatchObject({ state: 'todo', detail: '1 of 2 hosted setups registered; 1 change failed. Register again.' });
    } finally {
      sim.clearFaults();
    }
    const again = await register({ ticket: true, company: false });
    expect(again).toMatchObject({ ok: true, counts: expect.objectContaining({ created: 1, removed: 1 }) });
    expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${TICKET_SCREEN}`].sort());
  });

  it('when Manage lists no Service Ticket screen, it says so and changes nothing', async () => {
    const before = JSON.stringify(sim.store.hostedSetups.list());
    // The simulator's screens are built in; rename one for this test only.
    const screen = (HOSTED_SCREENS as { id: number; screenId: string; name: string }[]).find((s) => s.id === TICKET_SCREEN)!;
    screen.name = 'Tickets (renamed)';
    try {
      const s = await getState();
      expect(s.screens.ticket).toBeNull();
      expect(s.screensProblem).toMatch(/^Manage lists no "Service Ticket" screen for the Hosted API \(it lists: Activity, .*Tickets \(renamed\)/);
      const report = await register({ ticket: true, company: false });
      expect(report.ok).toBe(false);
      expect(report.entries.filter((e) => e.outcome === 'failed').map((e) => e.target)).toEqual(['Pod on Service Ticket', 'Tab on Service Ticket']);
      expect(report.entries.every((e) => e.outcome === 'failed' || e.outcome === 'kept')).toBe(true);
      expect(JSON.stringify(sim.store.hostedSetups.list())).toBe(before);
    } finally {
      screen.name = 'Service Ticket';
    }
    expect((await register({ ticket: true, company: false })).ok).toBe(true);
  });

  it('bad input is refused in words', async () => {
    const bad = await listRoute.POST(req('POST', '/api/admin/setup/pod', { tabs: { ticket: 'yes', company: false } }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('tabs.ticket');
    expect((await listRoute.POST(req('POST', '/api/admin/setup/pod', {}))).status).toBe(422);
    expect((await listRoute.POST(req('POST', '/api/admin/setup/pod', 'not json'))).status).toBe(400);
    expect((await oneRoute.POST(req('POST', '/api/admin/setup/pod/5'), params(5))).status).toBe(422);
    expect((await oneRoute.DELETE(req('DELETE', '/api/admin/setup/pod/abc'), params('abc'))).status).toBe(422);
  });

  it('every change is in the audit log, by the admin', async () => {
    const rows = (await listAuditEntries(db)).filter((a) => a.action.startsWith('setup.pod.'));
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([ADMIN]));
  });

  it('without a Manage connection the step still answers, with the URL and origin for the manual route', async () => {
    const fresh = openDatabase({ dialect: 'sqlite', memory: true });
    await migrateToLatest(fresh);
    state.db = fresh;
    try {
      const s = await getState();
      expect(s.problem).toMatch(/not connected to Manage/);
      expect(s).toMatchObject({ setups: [], podUrl: POD_URL, origin: PUBLIC_URL, podHeight: 360 });
      const refused = await listRoute.POST(req('POST', '/api/admin/setup/pod', { tabs: { ticket: false, company: false } }));
      expect(refused.status).toBe(409);
    } finally {
      state.db = db;
      await fresh.destroy();
    }
  });
});
