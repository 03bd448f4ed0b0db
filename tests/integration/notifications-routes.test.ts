/**
 * The Notifications API as Next calls it: session first, zod, one lib call, errors mapped.
 * The session, the app database and the app's Manage context are replaced (next-auth needs a
 * request scope); previews read real tickets from the simulator through the real pipeline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { createManageContext, type ManageAvailability } from '@/lib/manage-client/manage-context';
import { listRecentNotifications } from '@/lib/notifications/notification-log';
import type { NotificationPreview } from '@/lib/notifications/preview';
import { DEFAULT_NOTIFICATION_SETTINGS, EVENT_LABELS, TEMPLATE_KEYWORDS, TICKET_EVENT_KINDS, type NotificationSettings } from '@/lib/notifications/templates';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress } from '../support/press-fixtures';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

const state = vi.hoisted(() => ({
  session: null as AdminSession | null,
  db: null as unknown,
  manage: null as null | (() => Promise<ManageAvailability>),
}));

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

vi.mock('@/lib/manage-client/manage-context', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/manage-client/manage-context')>();
  return {
    ...original,
    getAppManageContext: async () => (state.manage ? state.manage() : { ok: false, reason: 'Manage is not connected (missing MANAGE_ENDPOINT)' }),
  };
});

const settingsRoute = await import('@/app/api/admin/notifications/route');
const previewRoute = await import('@/app/api/admin/notifications/preview/route');
const { clearNotificationPreviewCache } = await import('@/lib/notifications/preview');

const ADMIN = 'admin@msp.example';
const signIn = () => {
  state.session = { userId: 'u1', email: ADMIN, name: 'Admin' } as AdminSession;
};
const request = (method: string, path: string, body?: unknown) =>
  new Request(`http://deskbell.test${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const put = (body: unknown) => settingsRoute.PUT(request('PUT', '/api/admin/notifications', body));
const preview = async (kind: string, template: { title: string; body: string }) => {
  const res = await previewRoute.POST(request('POST', '/api/admin/notifications/preview', { kind, template }));
  return { status: res.status, body: (await res.json()) as NotificationPreview & { error?: { code: string; details: { path: string; message: string }[] } } };
};

async function freshDb(): Promise<DeskbellDatabase> {
  const db = await openTestDatabase();
  return db;
}

beforeEach(() => {
  state.session = null;
  state.manage = null;
  clearNotificationPreviewCache();
});

describe('settings', () => {
  let db: DeskbellDatabase;
  beforeEach(async () => {
    db = await freshDb();
    state.db = db;
  });

  it('every route answers 401 without a session and saves nothing', async () => {
    const answers = await Promise.all([
      settingsRoute.GET(new Request('http://deskbell.test/api/admin/notifications')),
      put(DEFAULT_NOTIFICATION_SETTINGS),
      previewRoute.POST(request('POST', '/api/admin/notifications/preview', { kind: 'created', template: { title: 'a', body: 'b' } })),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await answers[0]!.json()).error.code).toBe('unauthorized');
    expect(await db.selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('GET answers the defaults, with the kinds, labels and keywords', async () => {
    signIn();
    const res = await settingsRoute.GET(new Request('http://deskbell.test/api/admin/notifications'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      settings: DEFAULT_NOTIFICATION_SETTINGS,
      defaults: DEFAULT_NOTIFICATION_SETTINGS,
      kinds: [...TICKET_EVENT_KINDS],
      labels: EVENT_LABELS,
      keywords: TEMPLATE_KEYWORDS,
    });
  });

  it('PUT refuses invalid settings with 422 and the path of each bad field', async () => {
    signIn();
    const bad = structuredClone(DEFAULT_NOTIFICATION_SETTINGS) as NotificationSettings;
    bad.templates.status_changed.body = '  ';
    (bad.enabled as Record<string, unknown>).closed = 'yes';
    const res = await put(bad);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } };
    expect(body.error.code).toBe('unprocessable_entity');
    expect(body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'templates.status_changed.body', message: 'must not be empty' },
        expect.objectContaining({ path: 'enabled.closed' }),
      ]),
    );
    const missing = await put({ enabled: DEFAULT_NOTIFICATION_SETTINGS.enabled });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as typeof body).error.details.map((d) => d.path)).toContain('templates');
    const notJson = await put('{not json');
    expect(notJson.status).toBe(400);
    expect(await db.selectFrom('settings').selectAll().execute()).toEqual([]);
    expect(await listAuditEntries(db)).toEqual([]);
  });

  it('PUT refuses a mistyped keyword with 422, naming the field and the keyword it most likely meant', async () => {
    signIn();
    const typo = structuredClone(DEFAULT_NOTIFICATION_SETTINGS) as NotificationSettings;
    typo.templates.created.title = 'Ticket #__ticket_numbr__ opened';
    typo.templates.closed.body = 'Closed by __Actor__ (__frobnicate__).';
    const res = await put(typo);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } };
    expect(body.error.code).toBe('unprocessable_entity');
    expect(body.error.message).toContain('did you mean __ticket_number__?');
    expect(body.error.details).toEqual([
      { path: 'templates.created.title', message: 'uses __ticket_numbr__, which is not a keyword: did you mean __ticket_number__?' },
      { path: 'templates.closed.body', message: 'uses __Actor__ (did you mean __actor__?), __frobnicate__, which are not keywords.' },
    ]);
    expect(await db.selectFrom('settings').selectAll().execute()).toEqual([]);
    expect(await listAuditEntries(db)).toEqual([]);
  });

  it('PUT saves (trimmed), GET returns what was saved, and the save is audited', async () => {
    signIn();
    const mine = structuredClone(DEFAULT_NOTIFICATION_SETTINGS) as NotificationSettings;
    mine.enabled.note_added = false;
    mine.templates.status_changed = { title: '  Now __ticket_status__: #__ticket_number__ ', body: 'Moved by __actor__.' };
    const res = await put(mine);
    expect(res.status).toBe(200);
    const saved = ((await res.json()) as { settings: NotificationSettings }).settings;
    expect(saved.templates.status_changed.title).toBe('Now __ticket_status__: #__ticket_number__');

    const again = (await (await settingsRoute.GET(new Request('http://deskbell.test/api/admin/notifications'))).json()) as { settings: NotificationSettings; defaults: NotificationSettings };
    expect(again.settings).toEqual(saved);
    expect(again.settings.enabled.note_added).toBe(false);
    expect(again.defaults).toEqual(DEFAULT_NOTIFICATION_SETTINGS);

    const [entry] = await listAuditEntries(db);
    expect(entry).toMatchObject({
      actor: ADMIN,
      action: 'notifications.settings_saved',
      details: { changed: ['status_changed', 'note_added'], disabled: ['note_added'] },
    });
  });
});

describe('preview', () => {
  let h: PipelineHarness;
  let pressId: string;
  let ticket: { id: number; summary: string };

  beforeAll(async () => {
    h = await startPipelineHarness();
    state.db = h.db;
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    state.db = h.db;
    state.manage = async () => ({ ok: true, context: h.context });
    signIn();
  });

  it('without any ticketed press, renders sample values and says why', async () => {
    const { status, body } = await preview('created', { title: 'Ticket #__ticket_number__', body: 'Hi __ticket_fname__ (__ticket_email__)' });
    expect(status).toBe(200);
    expect(body.source).toBeNull();
    expect(body.sampleReason).toMatch(/No press has a ticket yet/);
    expect(body.rendered).toEqual({ title: 'Ticket #12345', body: 'Hi Alex (alex.sample@example.com)' });
  });

  it('renders from the most recent ticket in Manage: its number, subject, status and end user', async () => {
    const res = await h.press(basePress({ name: 'Dana Whitfield', email: 'dana.whitfield@acme-mfg.example' }));
    expect(res.status).toBe(202);
    pressId = res.body.id;
    await h.settle();
    const [created] = h.ticketsFor(pressId);
    ticket = created as unknown as { id: number; summary: string };
    expect(ticket.summary).toBeTruthy();
    const status = (created as { status?: { name?: string } }).status?.name;

    const { status: code, body } = await preview('status_changed', {
      title: 'Ticket #__ticket_number__ is now __ticket_status__',
      body: 'Hi __ticket_fname__ __ticket_lname__, "__ticket_subject__" (__ticket_email__). __unknown__',
    });
    expect(code).toBe(200);
    expect(body.sampleReason).toBeNull();
    expect(body.source).toEqual({ pressId, ticketId: ticket.id, ticketNumber: String(ticket.id) });
    expect(body.rendered.title).toBe(`Ticket #${ticket.id} is now ${status}`);
    expect(body.rendered.body).toBe(`Hi Dana Whitfield, "${ticket.summary}" (dana.whitfield@acme-mfg.example). __unknown__`);
  });

  it('uses the latest note the end user can see, and who wrote it, for a note', async () => {
    const before = await preview('note_added', { title: 'x', body: '__note__' });
    // The ticket's first note (the press's description) is one the end user can see.
    expect(before.body.source?.ticketId).toBe(ticket.id);

    const addNote = (text: string, internal: boolean) =>
      fetch(`${h.sim.url}/__sim/tickets/${ticket.id}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, internal, member: 'jsmith' }),
      });
    expect((await addNote('A new drum is on its way.', false)).status).toBe(201);
    expect((await addNote('Internal: the drum costs too much', true)).status).toBe(201);
    clearNotificationPreviewCache();

    const { body } = await preview('note_added', { title: '__actor__ replied', body: '__note__ (__ticket_note_unknown__)' });
    expect(body.source?.ticketId).toBe(ticket.id);
    expect(body.rendered.body).toBe('A new drum is on its way. (__ticket_note_unknown__)');
    // Named as the sent notification names the member, not by the identifier.
    expect(body.rendered.title).toBe('John Smith replied');
  });

  it('refuses an empty template or an unknown kind with 422 and the field', async () => {
    const empty = await preview('created', { title: 'Hi', body: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body.error!.details).toEqual([{ path: 'template.body', message: 'must not be empty' }]);
    const kind = await preview('reopened', { title: 'Hi', body: 'there' });
    expect(kind.status).toBe(422);
    expect(kind.body.error!.details.map((d) => d.path)).toEqual(['kind']);
  });

  it('with Manage down, still answers, from sample values, and says so', async () => {
    h.sim.setFaults([{ kind: 'down', untilMs: Date.now() + 60_000 }]);
    try {
      const started = Date.now();
      const { status, body } = await preview('status_changed', { title: '#__ticket_number__ __ticket_status__', body: '__ticket_subject__' });
      expect(status).toBe(200);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(body.source).toBeNull();
      expect(body.sampleReason).toMatch(/^Manage could not be reached \(.+\), so sample values are shown\.$/);
      expect(body.rendered).toEqual({ title: '#12345 In Progress', body: 'Sample: the printer on the second floor is jammed' });
    } finally {
      h.sim.clearFaults();
    }
  });

  it('with Manage unreachable or not connected, falls back the same way', async () => {
    const dead = createManageContext(
      { baseUrl: 'http://127.0.0.1:9/v4_6_release/apis/3.0', ...h.sim.credentials, timeouts: { connectMs: 500 }, retry: { maxRetries: 0 } },
      1_000,
    );
    try {
      state.manage = async () => ({ ok: true, context: dead });
      const unreachable = await preview('closed', { title: 'Closed #__ticket_number__', body: 'Bye' });
      expect(unreachable.status).toBe(200);
      expect(unreachable.body).toMatchObject({ source: null, rendered: { title: 'Closed #12345' } });
      expect(unreachable.body.sampleReason).toMatch(/Manage could not be reached/);
    } finally {
      await dead.client.close();
    }
    state.manage = null;
    const notConnected = await preview('closed', { title: 'Closed #__ticket_number__', body: 'Bye' });
    expect(notConnected.status).toBe(200);
    expect(notConnected.body.source).toBeNull();
    expect(notConnected.body.sampleReason).toBe('Manage is not available (Manage is not connected (missing MANAGE_ENDPOINT)), so sample values are shown.');
    state.manage = async () => {
      throw new Error('the stored connection cannot be decrypted');
    };
    const broken = await preview('closed', { title: 'Closed', body: 'Bye' });
    expect(broken.body.sampleReason).toMatch(/cannot be decrypted/);
  });
});

describe('listRecentNotifications', () => {
  it('lists the newest first, with the ticket number from the press and the agent token by name', async () => {
    const db = await freshDb();
    try {
      const at = (s: number) => new Date(Date.UTC(2026, 10, 28, 10, 0, s)).toISOString();
      await db.insertInto('agent_tokens').values({ id: 't1', name: 'Front desk PC', token_hash: 'h', token_prefix: 'db_', created_at: at(0) }).execute();
      await db
        .insertInto('presses')
        .values({ id: 'p1', agent_token_id: 't1', request_hash: 'r', status: 'ticket_created', payload: '{}', received_at: at(0), updated_at: at(0), ticket_id: 4711, ticket_number: '4711' })
        .execute();
      const row = { press_id: 'p1', kind: 'status_changed' as const, title: 'Ticket #4711 is now In Progress', body: 'b' };
      await db
        .insertInto('notifications')
        .values([
          { ...row, id: 'n1', event_id: 'e1', channel: 'agent', agent_token_id: 't1', status: 'acknowledged', attempts: 1, created_at: at(1), delivered_at: at(2), acknowledged_at: at(3) },
          { ...row, id: 'n2', event_id: 'e1', channel: 'email', recipient: 'dana@acme.example', status: 'failed', attempts: 3, last_error: 'SMTP said no', created_at: at(5) },
          { ...row, id: 'n3', event_id: 'e2', press_id: 'gone', channel: 'agent', agent_token_id: 'revoked', status: 'pending', attempts: 0, created_at: at(4) },
        ])
        .execute();

      const list = await listRecentNotifications(db, {});
      expect(list.map((n) => n.id)).toEqual(['n2', 'n3', 'n1']);
      expect(list[0]).toEqual({
        id: 'n2',
        kind: 'status_changed',
        channel: 'email',
        pressId: 'p1',
        ticketId: 4711,
        ticketNumber: '4711',
        recipient: 'dana@acme.example',
        agentTokenName: null,
        title: 'Ticket #4711 is now In Progress',
        status: 'failed',
        attempts: 3,
        lastError: 'SMTP said no',
        createdAt: at(5),
        deliveredAt: null,
        acknowledgedAt: null,
      });
      expect(list[1]).toMatchObject({ pressId: 'gone', ticketNumber: null, agentTokenName: null, attempts: 0 });
      expect(list[2]).toMatchObject({ agentTokenName: 'Front desk PC', deliveredAt: at(2), acknowledgedAt: at(3) });
      expect(await listRecentNotifications(db, { limit: 1 })).toHaveLength(1);
      expect(await listRecentNotifications(db, { limit: 0 })).toHaveLength(1);
    } finally {
      await db.destroy();
    }
  });
});
