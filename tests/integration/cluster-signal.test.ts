/**
 * Several Deskbell instances on one database: what one instance changes, the others hear about
 * (long-polls wake, caches drop), and the pod's throttle counts across them. On PostgreSQL the
 * second instance is a second handle with its own pool and its own LISTEN connection
 * (openSecondInstance); on SQLite, one process is the whole deployment, so it is the same handle.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import {
  clusterSignalReady,
  LISTENER_APPLICATION_NAME,
  publish,
  runOncePerCluster,
  stopClusterSignal,
  subscribe,
} from '@/lib/cluster/cluster-signal';
import { DeskbellApiError } from '@/lib/http/errors';
import { acceptPress } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { waitForPressStatus } from '@/lib/intake/press-status';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { createManageContext, getAppManageContext } from '@/lib/manage-client/manage-context';
import { notifyAgentInboxes, waitForAgentInbox } from '@/lib/notifications/agent-inbox';
import { processCallbackEvent, TICKET_LOCK_NAMESPACE, type TicketEventDeps } from '@/lib/notifications/ticket-events';
import { loadNotificationSettings } from '@/lib/notifications/templates';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { pressOutcomeSchema } from '@/lib/presses/press-outcome';
import { createPodSession } from '@/lib/pod/pod-session';
import { podSessionBodySchema } from '@/lib/pod/request-schemas';
import { markPressProcessing, recordPressTicket } from '@/lib/presses/press-store';
import { pressSelectionsSchema, SETTING_KEYS, unregisteredSchema } from '@/lib/settings/intake-settings';
import { loadManageConnection, saveManageConnection } from '@/lib/settings/manage-connection';
import { writeSetting } from '@/lib/settings/settings-store';
import type { DatabaseEngine, DeskbellDatabase } from '@/lib/store/database';
import { openSecondInstance, openTestDatabase, skipEngine, testEngines } from '@/tests/support/test-database';
import { DEMO_MEMBER_SESSION, startManageSim, type ManageSim } from '@/tools/manage-sim';
import { basePress, buildMultipart } from '../support/press-fixtures';

/** Far above a NOTIFY's latency, far below the poll fallbacks below (5 s): a wake in time came from the signal. */
const WAKE_BUDGET_MS = 500;
const FALLBACK_POLL_MS = 5_000;

let sim: ManageSim;

beforeAll(async () => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  vi.stubEnv('MANAGE_HEADERS_TIMEOUT_MS', '1000');
  vi.stubEnv('MANAGE_BODY_TIMEOUT_MS', '1000');
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID']) vi.stubEnv(name, undefined);
  sim = await startManageSim({ port: 0 });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sim.close();
});

describe.each(testEngines)('instances on %s', (engine: DatabaseEngine) => {
  describe.skipIf(skipEngine(engine))('sharing what users see', () => {
    let a: DeskbellDatabase;
    let b: DeskbellDatabase;
    let closeB: () => Promise<void>;
    const unsubscribes: (() => void)[] = [];

    beforeEach(async () => {
      a = await openTestDatabase({ engine });
      const second = openSecondInstance(a);
      b = second.db;
      closeB = second.close;
      // Started as the runtime starts it, before anything is waited on.
      await Promise.all([clusterSignalReady(a), clusterSignalReady(b)]);
    });

    afterEach(async () => {
      for (const off of unsubscribes.splice(0)) off();
      await stopClusterSignal(a);
      await stopClusterSignal(b);
      await closeB();
      await a.destroy();
    });

    async function acceptOn(db: DeskbellDatabase, agentTokenId: string): Promise<string> {
      const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body: buildMultipart(basePress()) }), pressLimitsFromEnv());
      return (await acceptPress({ db }, { agentTokenId, submission })).press.id;
    }

    it('a press long-poll on A wakes when B changes the press, long before its poll', async () => {
      const token = (await createAgentToken(a, 'front desk')).agentToken.id;
      const id = await acceptOn(a, token);
      const waiting = waitForPressStatus(a, token, id, { waitMs: 10_000, pollMs: FALLBACK_POLL_MS });
      // A's first read must see the press before B changes it (else A waits for a further change):
      // time for it even on two busy cores.
      await new Promise((r) => setTimeout(r, 300));
      const writeStarted = performance.now();
      await markPressProcessing(b, id, 1);
      // Measured from B's commit: that is when the NOTIFY leaves (and when a poll could first see it).
      const changedAt = performance.now();
      const view = await waiting;
      const latency = performance.now() - changedAt;
      console.info(`[cluster-signal] ${engine}: press long-poll on A woke ${latency.toFixed(1)} ms after B's commit (B's write took ${(changedAt - writeStarted).toFixed(1)} ms)`);
      expect(view).toMatchObject({ id, status: 'processing' });
      expect(latency).toBeLessThan(WAKE_BUDGET_MS);
    });

    it("an agent's inbox long-poll on A wakes when B writes a notification for it", async () => {
      const token = (await createAgentToken(a, 'front desk')).agentToken.id;
      const id = await acceptOn(a, token);
      const waiting = waitForAgentInbox(a, token, { waitMs: 10_000, pollMs: FALLBACK_POLL_MS });
      await new Promise((r) => setTimeout(r, 50));
      const writtenAt = performance.now();
      await b
        .insertInto('notifications')
        .values({
          id: randomUUID(),
          event_id: randomUUID(),
          press_id: id,
          channel: 'agent',
          agent_token_id: token,
          recipient: null,
          kind: 'created',
          title: 'Ticket created',
          body: 'Your ticket is in.',
          status: 'pending',
          last_error: null,
          created_at: new Date().toISOString(),
          delivered_at: null,
          acknowledged_at: null,
        })
        .execute();
      notifyAgentInboxes(b, [token]);
      const items = await waiting;
      const latency = performance.now() - writtenAt;
      console.info(`[cluster-signal] ${engine}: inbox long-poll on A answered ${latency.toFixed(1)} ms after B's notification`);
      expect(items.map((n) => n.title)).toEqual(['Ticket created']);
      expect(latency).toBeLessThan(WAKE_BUDGET_MS);
    });

    it('a job accepted on B wakes the worker subscription on A at once', async () => {
      const token = (await createAgentToken(a, 'front desk')).agentToken.id;
      const heard: string[] = [];
      unsubscribes.push(subscribe(a, 'jobs', (message) => message && heard.push(message)));
      const acceptedAt = performance.now();
      const id = await acceptOn(b, token);
      await vi.waitFor(() => expect(heard).toContain(id), { timeout: WAKE_BUDGET_MS, interval: 5 });
      console.info(`[cluster-signal] ${engine}: A's worker heard B's job ${(performance.now() - acceptedAt).toFixed(1)} ms after accept began`);
    });

    it("a settings change on B drops A's Manage lookup tables", async () => {
      const heard: (string | null)[] = [];
      unsubscribes.push(subscribe(a, 'settings', (message) => heard.push(message)));
      await saveManageConnection(a, { endpoint: sim.endpoint, apiKey: `${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`, clientId: sim.credentials.clientId }, 'admin@msp.example');
      // Saved in a transaction, the connection's own signal arrives with its commit: let it land first.
      await vi.waitFor(() => expect(heard).toContain('manage.connection'), { timeout: WAKE_BUDGET_MS, interval: 5 });
      const manage = await getAppManageContext(a, loadManageConnection);
      if (!manage.ok) throw new Error(manage.reason);
      let loads = 0;
      const load = async () => ++loads;
      // The app's context is one per process: a key of this leg's own.
      const key = `boards-${engine}`;
      await manage.context.cache.get(key, load);
      await manage.context.cache.get(key, load);
      expect(loads).toBe(1);
      // A setting that names no lookup table keeps them.
      await writeSetting(b, SETTING_KEYS.selections, pressSelectionsSchema, ['Printer']);
      await new Promise((r) => setTimeout(r, 100));
      await manage.context.cache.get(key, load);
      expect(loads).toBe(1);
      await writeSetting(b, SETTING_KEYS.unregistered, unregisteredSchema, { email: 'help@msp.example' });
      await vi.waitFor(
        async () => {
          await manage.context.cache.get(key, load);
          expect(loads).toBe(2);
        },
        { timeout: WAKE_BUDGET_MS, interval: 5 },
      );
    });

    it('refused pod sign-ins count across instances: 5 refusals spread over A and B lock the member out on both', async () => {
      const connection = { endpoint: sim.endpoint, apiKey: `${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`, clientId: sim.credentials.clientId };
      await saveManageConnection(a, connection, 'admin@msp.example');
      const forged = podSessionBodySchema.parse({
        auth: {
          site: new URL(sim.url).host,
          companyid: sim.credentials.companyId,
          memberid: DEMO_MEMBER_SESSION.memberIdentifier,
          memberHash: 'forged-hash-0000',
        },
        screen: 'ticket',
        id: sim.store.tickets.list()[0]!.id,
      });
      const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: unknown) => (e instanceof DeskbellApiError ? e.status : e));
      for (let i = 0; i < 5; i += 1) expect(await codeOf(createPodSession(i % 2 === 0 ? a : b, forged))).toBe(401);
      expect(await codeOf(createPodSession(a, forged))).toBe(429);
      expect(await codeOf(createPodSession(b, forged))).toBe(429);
      // Counted where every instance, in any process, reads it: the database, not a process's memory.
      const counts = await b.selectFrom('pod_member_failures').select(['key', 'failures']).execute();
      expect(counts.find((r) => r.key.startsWith('pair\n'))?.failures).toBe(5);
    });

    it('a member proved on A is not asked of Manage again on B', async () => {
      const connection = { endpoint: sim.endpoint, apiKey: `${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`, clientId: sim.credentials.clientId };
      await saveManageConnection(a, connection, 'admin@msp.example');
      const genuine = podSessionBodySchema.parse({
        auth: {
          site: new URL(sim.url).host,
          companyid: sim.credentials.companyId,
          memberid: DEMO_MEMBER_SESSION.memberIdentifier,
          memberHash: DEMO_MEMBER_SESSION.memberHash,
        },
        screen: 'ticket',
        id: sim.store.tickets.list()[0]!.id,
      });
      sim.clearRequests();
      const memberCalls = () => sim.requests().filter((r) => r.path.toLowerCase() === '/system/mymembers/info');
      await createPodSession(a, genuine);
      await createPodSession(b, genuine);
      expect(memberCalls()).toHaveLength(1);
      // Remembered in the database (hashed key, no session hash), so an instance in another process finds it too.
      const proofs = await b.selectFrom('pod_member_proofs').selectAll().execute();
      expect(proofs).toHaveLength(1);
      expect(JSON.stringify(proofs)).not.toContain(DEMO_MEMBER_SESSION.memberHash);
    });

    it('once-per-cluster work runs on one instance at a time', async () => {
      let running = 0;
      let most = 0;
      const work = async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 100));
        running -= 1;
      };
      const ran = await Promise.all([runOncePerCluster(a, 4242, work), runOncePerCluster(b, 4242, work)]);
      if (engine === 'postgres') {
        expect(ran.filter(Boolean)).toHaveLength(1);
        expect(most).toBe(1);
        // Released afterwards: the next run goes ahead.
        expect(await runOncePerCluster(b, 4242, work)).toBe(true);
      } else {
        // One process on SQLite: both run, as they always have.
        expect(ran).toEqual([true, true]);
      }
    });
  });
});

describe.each(testEngines)('ticket callbacks on %s', (engine: DatabaseEngine) => {
  describe.skipIf(skipEngine(engine))('two instances, one ticket', () => {
    let a: DeskbellDatabase;
    let b: DeskbellDatabase;
    let closeB: () => Promise<void>;
    let ticketId: number;
    let pressId: string;

    beforeEach(async () => {
      a = await openTestDatabase({ engine });
      const second = openSecondInstance(a);
      b = second.db;
      closeB = second.close;
      const c = sim.credentials;
      await saveManageConnection(a, { endpoint: sim.endpoint, apiKey: `${c.companyId}+${c.publicKey}:${c.privateKey}`, clientId: c.clientId }, 'admin@msp.example');
      const token = (await createAgentToken(a, 'front desk')).agentToken.id;
      const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body: buildMultipart(basePress()) }), pressLimitsFromEnv());
      pressId = (await acceptPress({ db: a }, { agentTokenId: token, submission })).press.id;
      ticketId = sim.store.tickets.list()[0]!.id;
      const outcome = pressOutcomeSchema.parse({
        attempt: 1,
        contact: { id: 7, companyId: 19, companyName: 'Acme Manufacturing', registered: true, name: 'Dana Whitfield' },
        ticket: { id: ticketId, number: String(ticketId), reused: false, boardName: 'Help Desk', statusName: 'New' },
      });
      await recordPressTicket(a, pressId, ticketId, outcome);
    });

    afterEach(async () => {
      await stopClusterSignal(a);
      await stopClusterSignal(b);
      await closeB();
      await a.destroy();
    });

    async function eventDeps(db: DeskbellDatabase): Promise<TicketEventDeps> {
      const connection = await loadManageConnection(db);
      if (!connection.configured) throw new Error('not configured');
      const context = createManageContext(connection.options, 60_000);
      return { db, queue: createSqlJobQueue(db), manage: async () => ({ ok: true, context }), loadSettings: loadNotificationSettings, emailEnabled: false };
    }

    async function storeCallback(db: DeskbellDatabase): Promise<string> {
      const id = randomUUID();
      const messageId = randomUUID();
      await db
        .insertInto('callback_events')
        .values({
          id,
          message_id: messageId,
          received_at: new Date().toISOString(),
          action: 'updated',
          record_type: 'ticket',
          record_id: ticketId,
          callback_id: null,
          body: JSON.stringify({ MessageId: messageId, Action: 'updated', Type: 'ticket', ID: ticketId, Metadata: { key_url: 'https://sim/' } }),
          status: 'pending',
          outcome: null,
          processed_at: null,
        })
        .execute();
      return id;
    }

    const kinds = async () => (await a.selectFrom('ticket_events').select('kind').where('ticket_id', '=', ticketId).execute()).map((r) => r.kind).sort();

    it('callbacks for the same ticket worked on A and B at once record each change once', async () => {
      const [onA, onB] = [await eventDeps(a), await eventDeps(b)];
      const statuses = sim.store.boardStatuses.filter((st) => st.board?.id === sim.store.tickets.list()[0]!.board?.id || st.boardId === sim.store.tickets.list()[0]!.board?.id);
      const ticket = sim.store.tickets.get(ticketId)!;
      const other = statuses.find((st) => st.id !== ticket.status?.id);
      if (!other) throw new Error('the simulator ticket has no second status');
      // The baseline, as the first callback after the ticket was made sets it.
      await processCallbackEvent(onA, await storeCallback(a));
      const baseline = await kinds();
      sim.store.tickets.replace({ ...ticket, status: { id: other.id, name: other.name }, _info: { lastUpdated: new Date(Date.now() + 60_000).toISOString() } });
      const [first, second] = [await storeCallback(a), await storeCallback(b)];
      await Promise.all([processCallbackEvent(onA, first), processCallbackEvent(onB, second)]);
      const after = await kinds();
      expect(after.length - baseline.length).toBe(1);
      expect(after.filter((k) => k === 'status_changed' || k === 'closed')).toHaveLength(1);
      const notes = await a.selectFrom('notifications').select(['event_id', 'channel']).where('press_id', '=', pressId).execute();
      expect(new Set(notes.map((n) => `${n.event_id}:${n.channel}`)).size).toBe(notes.length);
    });

    it.skipIf(engine !== 'postgres')("B waits while another instance holds the ticket's lock", async () => {
      const onB = await eventDeps(b);
      const callback = await storeCallback(b);
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked: () => void = () => undefined;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      // Instance A's work on this ticket, in progress: its transaction holds the lock.
      const holder = a.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${TICKET_LOCK_NAMESPACE}, ${ticketId}::integer)`.execute(trx);
        locked();
        await held;
      });
      await isLocked;
      let done = false;
      const working = processCallbackEvent(onB, callback).then((outcome) => {
        done = true;
        return outcome;
      });
      try {
        await new Promise((r) => setTimeout(r, 400));
        expect(done).toBe(false);
      } finally {
        release();
        await holder;
      }
      expect(await working).toMatchObject({ status: 'processed' });
    });
  });
});

describe.skipIf(skipEngine('postgres'))('the LISTEN connection on postgres', () => {
  let a: DeskbellDatabase;
  let b: DeskbellDatabase;
  let closeB: () => Promise<void>;

  beforeEach(async () => {
    a = await openTestDatabase({ engine: 'postgres' });
    const second = openSecondInstance(a);
    b = second.db;
    closeB = second.close;
    await Promise.all([clusterSignalReady(a), clusterSignalReady(b)]);
  });

  afterEach(async () => {
    await stopClusterSignal(a);
    await stopClusterSignal(b);
    await closeB();
    await a.destroy();
  });

  const listeners = (db: DeskbellDatabase) =>
    sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`
      .execute(db)
      .then((r) => r.rows.map((row) => row.pid));

  it('comes back after the server drops it: sleepers wake at once, and later changes on B still wake A', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const token = (await createAgentToken(a, 'front desk')).agentToken.id;
      const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body: buildMultipart(basePress()) }), pressLimitsFromEnv());
      const id = (await acceptPress({ db: a }, { agentTokenId: token, submission })).press.id;
      const missed: (string | null)[] = [];
      const off = subscribe(a, 'press', (message) => missed.push(message));

      const before = await listeners(a);
      expect(before).toHaveLength(2);
      const sleeping = waitForPressStatus(a, token, id, { waitMs: 10_000, pollMs: FALLBACK_POLL_MS }).then(() => performance.now());
      await new Promise((r) => setTimeout(r, 50));
      const droppedAt = performance.now();
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where pid in (${sql.join(before)})`.execute(a);

      // Reconnected: "anything may have changed" reaches the subscribers, and new connections listen.
      await vi.waitFor(() => expect(missed).toContain(null), { timeout: 3_000, interval: 10 });
      const reconnectMs = performance.now() - droppedAt;
      await vi.waitFor(async () => expect((await listeners(a)).filter((pid) => !before.includes(pid))).toHaveLength(2), { timeout: 3_000 });
      console.info(`[cluster-signal] postgres: LISTEN connections back ${reconnectMs.toFixed(1)} ms after being terminated`);
      off();

      // The press did not change, so the long-poll re-reads and sleeps again; change it on B now.
      const changedAt = performance.now();
      await markPressProcessing(b, id, 1);
      const wokeAt = await sleeping;
      console.info(`[cluster-signal] postgres: after the reconnect, A woke ${(wokeAt - changedAt).toFixed(1)} ms after B's change`);
      expect(wokeAt - changedAt).toBeLessThan(WAKE_BUDGET_MS);
      expect(errors.mock.calls.some((call) => String(call[0]).includes('LISTEN connection failed'))).toBe(true);
    } finally {
      errors.mockRestore();
    }
  });

  it("closes with its database handle: a destroyed instance leaves no LISTEN connection behind", async () => {
    const third = openSecondInstance(a);
    subscribe(third.db, 'jobs', () => undefined);
    await clusterSignalReady(third.db);
    expect(await listeners(a)).toHaveLength(3);
    await third.close();
    await vi.waitFor(async () => expect(await listeners(a)).toHaveLength(2), { timeout: 3_000 });
  });

  it('refuses nothing and loses nothing when a payload is too long for NOTIFY: it is simply not sent', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const heard: (string | null)[] = [];
      const off = subscribe(a, 'settings', (message) => heard.push(message));
      await publish(b, 'settings', 'x'.repeat(9_000));
      await publish(b, 'settings', 'short');
      await vi.waitFor(() => expect(heard).toEqual(['short']), { timeout: WAKE_BUDGET_MS });
      off();
      expect(errors.mock.calls.some((call) => String(call[0]).includes('too long for NOTIFY'))).toBe(true);
    } finally {
      errors.mockRestore();
    }
  });
});
