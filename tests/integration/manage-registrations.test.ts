/**
 * The wizard's registration steps (Callbacks, Pod) as Next calls them (session first, zod, one
 * lib call), against the real simulator over HTTP and a real SQLite database. One suite runs
 * per descriptor: what every registration must do (create exactly what is wanted, change
 * nothing on a second run, repair one edited by hand, remove duplicates and what is no longer
 * wanted, never touch another integration's records, say Manage's refusals in words); each
 * kind adds its own scenarios. The session and the app database are replaced (next-auth needs
 * a request scope); everything else is the app's own, including the shared Manage context and
 * the sealed callback path token.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { listAuditEntries } from '@/lib/audit/audit-log';
import type { RegistrationRow } from '@/lib/registrations/reconciler';
import type { CallbacksStepState, CallbackSyncReport } from '@/lib/registrations/callbacks';
import type { PodStepState, PodSyncReport } from '@/lib/registrations/pod';
import { saveManageConnection } from '@/lib/settings/manage-connection';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';
import { HOSTED_SCREENS } from '@/tools/manage-sim/resources/system';
import type { SimCallback, SimHostedSetup } from '@/tools/manage-sim/store';

const PUBLIC_URL = 'https://deskbell.msp.example';
const POD_URL = `${PUBLIC_URL}/pod?id=[cw_id]&screen=[cw_screen]`;
const CALLBACK_PREFIX = `${PUBLIC_URL}/api/connectwise/callback/`;
const ADMIN = 'admin@msp.example';
const TICKET_SCREEN = HOSTED_SCREENS.find((s) => s.name === 'Service Ticket')!.id;
const COMPANY_SCREEN = HOSTED_SCREENS.find((s) => s.name === 'Company')!.id;

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

type ListRoute = typeof import('@/app/api/admin/setup/callbacks/route');
type OneRoute = typeof import('@/app/api/admin/setup/callbacks/[id]/route');
type SimRecord = { id: number; url: string };
type Report = { ok: boolean; summary: string; counts: Record<string, number>; entries: { outcome: string; id: number | null; target: string; message: string }[] };
type State = { registration: unknown; rows: (RegistrationRow & Record<string, unknown>)[]; missing: unknown[]; foreignCount: number; problem: string | null; warnings: string[] };

// One key for the whole file: secrets are sealed with the key read first.
beforeAll(() => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
});

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

/** What one suite needs to know about a kind of registration; `h` hands it the suite's helpers. */
type Kind = {
  name: string;
  api: string;
  routes: () => Promise<[ListRoute, OneRoute]>;
  step: 'callbacks' | 'pod';
  /** The audit actions' prefix and targets. */
  audit: { prefix: string; target: string };
  /** What the admin reads in Manage's refusals. */
  one: string;
  isOurs: (url: string) => boolean;
  records: () => SimRecord[];
  get: (id: number) => unknown;
  /** Other integrations' records (one even on Deskbell's path at another address): never touched. */
  seedForeign: (h: Helpers) => void;
  foreignCount: number;
  /** A valid choice with one wanted record, and its expectations. */
  first: {
    choice: unknown;
    summary: string;
    unchangedSummaryTarget?: string;
    shape: (before: State) => object;
    row: object;
    stored: object;
    step: { number: number; detail: string };
    before: (before: State, h: Helpers) => Promise<void> | void;
    after?: (report: Report, after: State, h: Helpers) => Promise<void> | void;
  };
  /** Scenarios of this kind between the first registration and the repair. */
  choices?: (h: Helpers) => void;
  /** Edits one of ours by hand the way Manage or an admin would; the row and the repair's audit say what. */
  disable: {
    edit: (h: Helpers) => SimRecord;
    row: object;
    problem: RegExp;
    repairedRow: object;
    repairedRecord: object;
    audit: object;
  };
  /** A second one of ours for the same wanted record, with an old address: a duplicate. */
  stale: { insert: (h: Helpers) => SimRecord; row: object; problem?: RegExp; secret?: string; choice: () => unknown; duplicateMessage: RegExp; left: number };
  remove: { pick: () => SimRecord; missing: () => unknown[]; step: object };
  /** Manage refusing, and what else only this kind can fail at. */
  failures: (h: Helpers) => void;
  badInput: (h: Helpers) => Promise<void>;
  auditCount: number;
  auditExtra?: (h: Helpers) => Promise<void>;
  withoutConnection: (s: State) => void;
  noConnectionChoice: unknown;
};

type Helpers = {
  sim: () => ManageSim;
  db: () => DeskbellDatabase;
  list: () => ListRoute;
  one: () => OneRoute;
  getState: <S = State>() => Promise<S>;
  register: <R = Report>(body: unknown, status?: number) => Promise<R>;
  ours: () => SimRecord[];
  foreign: () => SimRecord[];
  step: () => Promise<{ state: string; detail: string }>;
};

function describeRegistration(k: Kind) {
  describe(k.name, () => {
    let sim: ManageSim;
    let db: DeskbellDatabase;
    let list: ListRoute;
    let one: OneRoute;
    let foreignSnapshot: string;
    const ours = () => k.records().filter((r) => k.isOurs(r.url));
    const foreign = () => k.records().filter((r) => !k.isOurs(r.url));
    const h: Helpers = {
      sim: () => sim,
      db: () => db,
      list: () => list,
      one: () => one,
      getState: async <S,>() => json<S>(await list.GET(new Request(`http://deskbell.test${k.api}`))),
      register: async <R,>(body: unknown, status = 200) => json<R>(await list.POST(req('POST', k.api, body)), status),
      ours,
      foreign,
      step: async () => (await loadWizardStatus(db)).steps.find((s) => s.id === k.step)!,
    };
    const repair = async (id: number, status = 200) => json<{ row: RegistrationRow & Record<string, unknown> }>(await one.POST(req('POST', `${k.api}/${id}?action=repair`), params(id)), status);
    const remove = async (id: number, status = 200) => json<{ removed: number }>(await one.DELETE(req('DELETE', `${k.api}/${id}`), params(id)), status);
    const audit = () => listAuditEntries(db).then((rows) => rows.filter((a) => a.action.startsWith(`${k.audit.prefix}.`)));

    beforeAll(async () => {
      [list, one] = await k.routes();
      state.session = null;
      sim = await startManageSim({ port: 0 });
      db = await openTestDatabase();
      state.db = db;
      const c = sim.credentials;
      await saveManageConnection(db, { endpoint: sim.endpoint, apiKey: `${c.companyId}+${c.publicKey}:${c.privateKey}`, clientId: c.clientId }, ADMIN);
      currentSim = sim;
      k.seedForeign(h);
      foreignSnapshot = JSON.stringify(foreign());
    });

    afterAll(async () => {
      await sim?.close();
      await db?.destroy();
    });

    it('without a session every route answers 401 and Manage is not asked', async () => {
      sim.clearRequests();
      const answers = await Promise.all([
        list.GET(new Request(`http://deskbell.test${k.api}`)),
        list.POST(req('POST', k.api, k.first.choice)),
        one.POST(req('POST', `${k.api}/101?action=repair`), params(101)),
        one.DELETE(req('DELETE', `${k.api}/101`), params(101)),
      ]);
      expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401]);
      expect(((await answers[0]!.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      expect(sim.requests()).toEqual([]);
      expect(ours()).toEqual([]);
    });

    it('the first registration creates exactly what is wanted, shaped as wanted, audited', async () => {
      state.session = { userId: 'u1', email: ADMIN, name: 'Admin' } as AdminSession;
      const before = await h.getState();
      expect(before).toMatchObject({ registration: null, rows: [], foreignCount: k.foreignCount, problem: null, warnings: [] });
      await k.first.before(before, h);
      expect((await h.step()).state).toBe('todo');

      const report = await h.register(k.first.choice);
      expect(report.ok).toBe(true);
      expect(report.counts).toMatchObject({ created: 1, updated: 0, unchanged: 0, removed: 0, failed: 0 });
      expect(report.summary).toBe(k.first.summary);
      expect(ours()).toHaveLength(1);
      expect(ours()[0]).toMatchObject(k.first.shape(before));

      const after = await h.getState();
      expect(after.rows).toEqual([expect.objectContaining({ id: ours()[0]!.id, state: 'active', wanted: true, ...k.first.row })]);
      expect(after.registration).toMatchObject({ updatedBy: ADMIN, lastSync: { registered: 1, failed: 0 }, ...k.first.stored });
      expect(await h.step()).toMatchObject({ state: 'done', ...k.first.step });
      const entries = await audit();
      expect(entries.map((a) => a.action)).toEqual(expect.arrayContaining([`${k.audit.prefix}.created`, `${k.audit.prefix}.registered`]));
      expect(entries.find((a) => a.action === `${k.audit.prefix}.created`)).toMatchObject({ actor: ADMIN, target: `${k.audit.target}:${ours()[0]!.id}` });
      await k.first.after?.(report, after, h);
    });

    it('registering again changes nothing in Manage', async () => {
      const record = JSON.stringify(ours());
      sim.clearRequests();
      const report = await h.register(k.first.choice);
      expect(report.counts).toMatchObject({ created: 0, updated: 0, unchanged: 1, removed: 0 });
      expect(report.entries).toEqual([
        expect.objectContaining({ outcome: 'unchanged', message: 'Already registered as wanted; nothing changed.', ...(k.first.unchangedSummaryTarget ? { target: k.first.unchangedSummaryTarget } : {}) }),
      ]);
      expect(JSON.stringify(ours())).toBe(record);
      expect(sim.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    });

    k.choices?.(h);

    it('one edited by hand in Manage is listed as such; Repair restores it', async () => {
      const target = k.disable.edit(h);
      const row = (await h.getState()).rows.find((r) => r.id === target.id)!;
      expect(row).toMatchObject({ repairable: true, ...k.disable.row });
      expect(row.problems.join(' ')).toMatch(k.disable.problem);

      const repaired = await repair(target.id);
      expect(repaired.row).toMatchObject({ id: target.id, state: 'active', ...k.disable.repairedRow });
      expect(k.get(target.id)).toMatchObject(k.disable.repairedRecord);
      expect((await h.getState()).rows.find((r) => r.id === target.id)?.state).toBe('active');
      expect((await audit()).find((a) => a.action === `${k.audit.prefix}.repaired`)).toMatchObject({
        target: `${k.audit.target}:${target.id}`,
        details: expect.objectContaining(k.disable.audit),
      });
    });

    it('a second one of ours with an old address needs repair; registering removes it as a duplicate', async () => {
      const stale = k.stale.insert(h);
      const row = (await h.getState()).rows.find((r) => r.id === stale.id)!;
      expect(row).toMatchObject({ state: 'needs_repair', ...k.stale.row });
      if (k.stale.problem) expect(row.problems.join(' ')).toMatch(k.stale.problem);
      if (k.stale.secret) expect(String(row.url)).not.toContain(k.stale.secret);
      const report = await h.register(k.stale.choice());
      expect(report.counts).toMatchObject({ created: 0, updated: 0, unchanged: k.stale.left, removed: 1 });
      expect(report.entries.find((e) => e.outcome === 'removed')?.message).toMatch(k.stale.duplicateMessage);
      expect(k.get(stale.id)).toBeUndefined();
      expect(ours()).toHaveLength(k.stale.left);
    });

    it('Remove deletes one of ours; the step follows', async () => {
      const target = k.remove.pick();
      expect(await remove(target.id)).toEqual({ removed: target.id });
      expect(k.get(target.id)).toBeUndefined();
      const s = await h.getState();
      expect(s.rows.map((r) => r.id)).not.toContain(target.id);
      expect(s.missing).toEqual(k.remove.missing());
      expect(await h.step()).toMatchObject(k.remove.step);
      expect((await audit()).find((a) => a.action === `${k.audit.prefix}.removed` && a.target === `${k.audit.target}:${target.id}`)).toMatchObject({
        details: expect.objectContaining({ reason: 'removed_by_admin' }),
      });
    });

    it('another integration\u2019s record is never repaired or removed, and was never touched', async () => {
      const other = foreign()[0]!;
      const refused = await one.POST(req('POST', `${k.api}/${other.id}?action=repair`), params(other.id));
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(new RegExp(`no Deskbell ${k.one} with id`));
      for (const r of foreign()) await remove(r.id, 404);
      await remove(999_999, 404);
      expect(JSON.stringify(foreign())).toBe(foreignSnapshot);
    });

    k.failures(h);

    it('bad input is refused in words', async () => {
      await k.badInput(h);
      expect((await list.POST(req('POST', k.api, 'not json'))).status).toBe(400);
      expect((await one.POST(req('POST', `${k.api}/5`), params(5))).status).toBe(422);
      expect((await one.DELETE(req('DELETE', `${k.api}/abc`), params('abc'))).status).toBe(422);
    });

    it('every change is in the audit log, by the admin', async () => {
      const rows = await audit();
      expect(rows.length).toBeGreaterThanOrEqual(k.auditCount);
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([ADMIN]));
      await k.auditExtra?.(h);
    });

    it('without a Manage connection the step still answers, with what the manual route needs', async () => {
      const fresh = await openTestDatabase();
      state.db = fresh;
      try {
        const s = await h.getState();
        expect(s.problem).toMatch(/not connected to Manage/);
        expect(s.rows).toEqual([]);
        k.withoutConnection(s);
        const refused = await list.POST(req('POST', k.api, k.noConnectionChoice));
        expect(refused.status).toBe(409);
      } finally {
        state.db = db;
        await fresh.destroy();
      }
    });
  });
}

/** The simulator of the suite that runs now (each suite starts its own). */
let currentSim: ManageSim;
let helpDesk = 0;
let services = 0;

function insertCallback(fields: { url: string; level: string; objectId: number; inactiveFlag?: boolean; description?: string }): SimCallback {
  return currentSim.store.callbacks.insert({
    type: 'ticket',
    description: 'Other integration',
    inactiveFlag: false,
    isSelfSuppressedFlag: false,
    memberId: 1,
    ...fields,
  } as Omit<SimCallback, 'id'>);
}

function insertSetup(fields: Partial<SimHostedSetup> & { url: string }): SimHostedSetup {
  return currentSim.store.hostedSetups.insert({
    screenId: TICKET_SCREEN,
    description: 'Other integration',
    type: 'Pod',
    origin: new URL(fields.url.replace(/\[cw_[a-z]+\]/g, 'x')).origin,
    podHeight: 200,
    disabledFlag: false,
    ...fields,
  } as Omit<SimHostedSetup, 'id'>);
}

const callbacks = () => currentSim.store.callbacks.filter((c) => c.url.startsWith(CALLBACK_PREFIX));
const tokenInSim = () => /\/api\/connectwise\/callback\/([^/?]+)/.exec(callbacks()[0]!.url)![1]!;

describeRegistration({
  name: 'Callbacks',
  api: '/api/admin/setup/callbacks',
  routes: async () => [await import('@/app/api/admin/setup/callbacks/route'), await import('@/app/api/admin/setup/callbacks/[id]/route')],
  step: 'callbacks',
  audit: { prefix: 'setup.callbacks', target: 'manage-callback' },
  one: 'callback',
  isOurs: (url) => url.startsWith(CALLBACK_PREFIX),
  records: () => [...currentSim.store.callbacks.list()],
  get: (id) => currentSim.store.callbacks.get(id),
  seedForeign: (h) => {
    helpDesk = h.sim().store.boards.find((b) => b.name === 'Help Desk')!.id;
    services = h.sim().store.boards.find((b) => b.name === 'Professional Services')!.id;
    insertCallback({ url: 'https://psa-sync.example/hooks/ticket?recordId=', level: 'owner', objectId: 1 });
    insertCallback({ url: 'https://old-deskbell.example/api/connectwise/callback/abc?recordId=', level: 'board', objectId: helpDesk });
  },
  foreignCount: 2,
  first: {
    choice: { level: 'owner' },
    summary: '1 callback registered for all tickets (owner level) (1 created).',
    shape: (before) => ({
      url: (before as unknown as CallbacksStepState).callbackUrl,
      type: 'ticket',
      level: 'owner',
      objectId: 1,
      description: 'Deskbell ticket notifications',
      inactiveFlag: false,
      isSelfSuppressedFlag: true,
    }),
    row: { target: 'All tickets (owner level)' },
    stored: { level: 'owner' },
    step: { number: 7, detail: '1 callback registered for all tickets (owner level).' },
    before: (before) => {
      const s = before as unknown as CallbacksStepState;
      expect(s.callbackUrl).toMatch(new RegExp(`^${PUBLIC_URL}/api/connectwise/callback/[A-Za-z0-9_-]{43}\\?recordId=$`));
      expect(s.boards.map((b) => b.name)).toEqual(expect.arrayContaining(['Help Desk', 'Professional Services']));
    },
    after: (report, after) => {
      const token = tokenInSim();
      expect(JSON.stringify(report)).not.toContain(token);
      expect(String(after.rows[0]!.url)).not.toContain(token);
    },
  },
  choices: (h) => {
    it('switching to two boards: two board callbacks, the owner one removed', async () => {
      const owner = callbacks()[0]!;
      const report = await h.register<CallbackSyncReport>({ level: 'board', boardIds: [services, helpDesk] });
      expect(report.counts).toMatchObject({ created: 2, removed: 1, failed: 0 });
      expect(report.entries.find((e) => e.outcome === 'removed')).toMatchObject({ id: owner.id, message: 'Removed: no longer wanted.' });
      expect(currentSim.store.callbacks.get(owner.id)).toBeUndefined();
      expect(callbacks().map((c) => [c.level, c.objectId]).sort()).toEqual([['board', helpDesk], ['board', services]].sort());
      const s = await h.getState<CallbacksStepState>();
      expect(s.rows.map((c) => c.target).sort()).toEqual([`Board "Help Desk" (id ${helpDesk})`, `Board "Professional Services" (id ${services})`]);
      expect(s.registration).toMatchObject({ level: 'board', boardIds: [helpDesk, services].sort((a, b) => a - b) });
      expect((await h.step()).detail).toBe('2 callbacks registered for 2 boards.');
    });
  },
  disable: {
    edit: () => {
      const target = callbacks().find((c) => c.objectId === helpDesk)!;
      currentSim.store.callbacks.replace({ ...target, inactiveFlag: true });
      return target;
    },
    row: { state: 'disabled' },
    problem: /Manage disabled it/,
    repairedRow: {},
    repairedRecord: { inactiveFlag: false, isSelfSuppressedFlag: true },
    audit: { changed: ['inactive'] },
  },
  stale: {
    insert: () =>
      insertCallback({ url: `${CALLBACK_PREFIX}${'B'.repeat(43)}?recordId=`, level: 'board', objectId: helpDesk, description: 'Deskbell ticket notifications' }),
    row: {},
    secret: 'B'.repeat(43),
    choice: () => ({ level: 'board', boardIds: [helpDesk, services] }),
    duplicateMessage: /^Removed: a duplicate of callback \d+\.$/,
    left: 2,
  },
  remove: {
    pick: () => callbacks().find((c) => c.objectId === services)!,
    missing: () => [{ level: 'board', objectId: services, target: `Board "Professional Services" (id ${services})` }],
    step: { detail: '1 callback registered for 2 boards.' },
  },
  failures: (h) => {
    it('a permission Manage refuses (403) is a sentence naming it, and nothing changes', async () => {
      const before = JSON.stringify(currentSim.store.callbacks.list());
      currentSim.setPermissions({ denied: ['system/table-setup'] });
      try {
        const res = await h.list().POST(req('POST', '/api/admin/setup/callbacks', { level: 'board', boardIds: [helpDesk] }));
        const body = (await res.json()) as { error: { code: string; message: string; details: { manageStatus: number } } };
        expect(res.status).toBe(502);
        expect(body.error.code).toBe('bad_gateway');
        expect(body.error.message).toMatch(/^Manage refused to list its service boards \(403 Forbidden\)/);
        expect(body.error.message).toContain('System > Table Setup');
        expect(body.error.details.manageStatus).toBe(403);
      } finally {
        currentSim.clearPermissions();
      }
      expect(JSON.stringify(currentSim.store.callbacks.list())).toBe(before);
    });
  },
  badInput: async (h) => {
    const empty = await h.list().POST(req('POST', '/api/admin/setup/callbacks', { level: 'board', boardIds: [] }));
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { error: { details: unknown } }).error.details).toEqual([{ path: 'boardIds', message: 'Choose at least one board, or choose All tickets.' }]);
    const unknown = await h.list().POST(req('POST', '/api/admin/setup/callbacks', { level: 'board', boardIds: [987_654] }));
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/Manage has no board with id 987654/);
  },
  auditCount: 6,
  auditExtra: async (h) => {
    // The callback path token is a secret: no audit entry holds it.
    const rows = await h.db().selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(tokenInSim());
  },
  withoutConnection: (s) => {
    expect((s as unknown as CallbacksStepState).callbackUrl).toMatch(/\/api\/connectwise\/callback\/[A-Za-z0-9_-]{43}\?recordId=$/);
  },
  noConnectionChoice: { level: 'owner' },
});

const isOurPod = (url: string) => /^https:\/\/deskbell\.msp\.example\/pod([?/#]|$)/.test(url);
const pods = () => currentSim.store.hostedSetups.filter((s) => isOurPod(s.url));
const kinds = () => pods().map((s) => `${s.type}@${s.screenId}`).sort();

describeRegistration({
  name: 'Pod',
  api: '/api/admin/setup/pod',
  routes: async () => [await import('@/app/api/admin/setup/pod/route'), await import('@/app/api/admin/setup/pod/[id]/route')],
  step: 'pod',
  audit: { prefix: 'setup.pod', target: 'manage-hosted-setup' },
  one: 'Hosted API entry',
  isOurs: isOurPod,
  records: () => [...currentSim.store.hostedSetups.list()],
  get: (id) => currentSim.store.hostedSetups.get(id),
  seedForeign: () => {
    insertSetup({ url: 'https://psa-insights.example/pod?ticket=[cw_id]' });
    insertSetup({ url: 'https://old-deskbell.example/pod?id=[cw_id]&screen=[cw_screen]', type: 'Tab', screenId: COMPANY_SCREEN, podHeight: undefined });
    insertSetup({ url: `${PUBLIC_URL}/podcast?id=[cw_id]`, description: 'Look-alike path' });
  },
  foreignCount: 3,
  first: {
    choice: { tabs: { ticket: false, company: false } },
    summary: 'Registered in Manage: the Service Ticket pod (1 created).',
    unchangedSummaryTarget: 'Pod on Service Ticket',
    shape: () => ({ screenId: TICKET_SCREEN, type: 'Pod', url: POD_URL, origin: PUBLIC_URL, podHeight: 360, disabledFlag: false, description: 'Deskbell Instant Replay' }),
    row: { screen: 'Service Ticket', type: 'Pod', podHeight: 360 },
    stored: { tabs: { ticket: false, company: false }, lastSync: { wanted: 1, registered: 1, failed: 0 } },
    step: { number: 8, href: '/setup/pod', detail: 'The pod is registered in Manage.' } as { number: number; detail: string },
    before: (before) => {
      const s = before as unknown as PodStepState;
      expect(s).toMatchObject({
        screensProblem: null,
        origin: PUBLIC_URL,
        podUrl: POD_URL,
        podHeight: 360,
        screens: { ticket: { id: TICKET_SCREEN, name: 'Service Ticket' }, company: { id: COMPANY_SCREEN, name: 'Company' } },
      });
      expect(s.kinds.map((k) => `${k.type} on ${k.screen}${k.optional ? ' (optional)' : ''}`)).toEqual([
        'Pod on Service Ticket',
        'Tab on Service Ticket (optional)',
        'Tab on Company (optional)',
      ]);
    },
  },
  choices: (h) => {
    it('ticking both tabs adds a ticket tab and a company tab', async () => {
      const report = await h.register<PodSyncReport>({ tabs: { ticket: true, company: true } });
      expect(report.counts).toMatchObject({ created: 2, unchanged: 1, failed: 0 });
      expect(report.summary).toBe('Registered in Manage: the Service Ticket pod, the Service Ticket tab, the Company tab (2 created, 1 unchanged).');
      expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${COMPANY_SCREEN}`, `Tab@${TICKET_SCREEN}`].sort());
      for (const tab of pods().filter((s) => s.type === 'Tab')) {
        expect(tab).toMatchObject({ url: POD_URL, origin: PUBLIC_URL, disabledFlag: false });
        expect(tab.podHeight).toBeUndefined();
      }
      const s = await h.getState<PodStepState>();
      expect(s.rows.map((r) => `${r.type} on ${r.screen}: ${r.state}`).sort()).toEqual(['Pod on Service Ticket: active', 'Tab on Company: active', 'Tab on Service Ticket: active']);
      expect(await h.step()).toMatchObject({ state: 'done', detail: 'The pod and 2 tabs are registered in Manage.' });
    });

    it('unticking them removes both tabs and keeps the pod', async () => {
      const pod = pods().find((s) => s.type === 'Pod')!;
      const report = await h.register<PodSyncReport>({ tabs: { ticket: false, company: false } });
      expect(report.counts).toMatchObject({ unchanged: 1, removed: 2, failed: 0 });
      expect(report.entries.filter((e) => e.outcome === 'removed').map((e) => e.message)).toEqual(['Removed: no longer wanted.', 'Removed: no longer wanted.']);
      expect(pods().map((s) => s.id)).toEqual([pod.id]);
      expect((await listAuditEntries(h.db())).filter((a) => a.action === 'setup.pod.removed')).toHaveLength(2);
    });
  },
  disable: {
    edit: () => {
      const pod = pods()[0]!;
      currentSim.store.hostedSetups.replace({ ...pod, disabledFlag: true, podHeight: 120 } as SimHostedSetup);
      return pod;
    },
    row: { state: 'disabled', podHeight: 120 },
    problem: /disabled in Manage/,
    repairedRow: { podHeight: 360 },
    repairedRecord: { disabledFlag: false, podHeight: 360, url: POD_URL, origin: PUBLIC_URL },
    audit: { kind: 'ticket-pod', changed: ['podHeight', 'disabled'] },
  },
  stale: {
    insert: () => insertSetup({ url: `${PUBLIC_URL}/pod?id=[cw_id]`, description: 'Deskbell Instant Replay', podHeight: 360 }),
    row: { wanted: true },
    problem: /URL is not Deskbell/,
    choice: () => ({ tabs: { ticket: false, company: false } }),
    duplicateMessage: /^Removed: a duplicate of Hosted API entry \d+\.$/,
    left: 1,
  },
  remove: {
    pick: () => pods()[0]!,
    missing: () => [{ kind: 'ticket-pod', target: 'the Service Ticket pod' }],
    step: { state: 'todo', detail: '0 of 1 Hosted API entry is registered in Manage; register again.' },
  },
  failures: (h) => {
    it('Manage failing a create is reported in words; a tab no longer wanted is kept until the rest is in place', async () => {
      await h.register({ tabs: { ticket: false, company: true } });
      expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${COMPANY_SCREEN}`].sort());
      currentSim.setFaults([{ kind: 'status', status: 500, times: 5, match: { method: 'POST', path: '^/system/connectwisehostedsetups$' } }]);
      try {
        const report = await h.register<PodSyncReport>({ tabs: { ticket: true, company: false } });
        expect(report.ok).toBe(false);
        expect(report.counts).toMatchObject({ failed: 1, kept: 1, unchanged: 1 });
        expect(report.entries.find((e) => e.outcome === 'failed')?.message).toMatch(/^Manage could not create the Service Ticket tab: /);
        expect(report.summary).toMatch(/^1 change failed: 1 of 2 Hosted API entries are registered/);
        expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${COMPANY_SCREEN}`].sort());
        expect(await h.step()).toMatchObject({ state: 'todo', detail: '1 of 2 Hosted API entries registered; 1 change failed. Register again.' });
      } finally {
        currentSim.clearFaults();
      }
      const again = await h.register<PodSyncReport>({ tabs: { ticket: true, company: false } });
      expect(again).toMatchObject({ ok: true, counts: expect.objectContaining({ created: 1, removed: 1 }) });
      expect(kinds()).toEqual([`Pod@${TICKET_SCREEN}`, `Tab@${TICKET_SCREEN}`].sort());
    });

    it('when Manage lists no Service Ticket screen, it says so and changes nothing', async () => {
      const before = JSON.stringify(currentSim.store.hostedSetups.list());
      // The simulator's screens are built in; rename one for this test only.
      const screen = (HOSTED_SCREENS as { id: number; screenId: string; name: string }[]).find((s) => s.id === TICKET_SCREEN)!;
      screen.name = 'Tickets (renamed)';
      try {
        const s = await h.getState<PodStepState>();
        expect(s.screens.ticket).toBeNull();
        expect(s.screensProblem).toMatch(/^Manage lists no "Service Ticket" screen for the Hosted API \(it lists: Activity, .*Tickets \(renamed\)/);
        const report = await h.register<PodSyncReport>({ tabs: { ticket: true, company: false } });
        expect(report.ok).toBe(false);
        expect(report.entries.filter((e) => e.outcome === 'failed').map((e) => e.target)).toEqual(['Pod on Service Ticket', 'Tab on Service Ticket']);
        expect(report.entries.every((e) => e.outcome === 'failed' || e.outcome === 'kept')).toBe(true);
        expect(JSON.stringify(currentSim.store.hostedSetups.list())).toBe(before);
      } finally {
        screen.name = 'Service Ticket';
      }
      expect((await h.register<PodSyncReport>({ tabs: { ticket: true, company: false } })).ok).toBe(true);
    });
  },
  badInput: async (h) => {
    const bad = await h.list().POST(req('POST', '/api/admin/setup/pod', { tabs: { ticket: 'yes', company: false } }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('tabs.ticket');
    expect((await h.list().POST(req('POST', '/api/admin/setup/pod', {}))).status).toBe(422);
  },
  auditCount: 12,
  withoutConnection: (s) => {
    expect(s).toMatchObject({ podUrl: POD_URL, origin: PUBLIC_URL, podHeight: 360 });
  },
  noConnectionChoice: { tabs: { ticket: false, company: false } },
});
