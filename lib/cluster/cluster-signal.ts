import 'server-only';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import { Client, type ClientConfig } from 'pg';
import { createNudger, type Nudger } from '@/lib/http/long-poll';
import { beforeDatabaseDestroy, databaseEngine, postgresConnectionConfig, type DeskbellDatabase } from '@/lib/store/database';

/**
 * Signals between Deskbell instances that share one database: "press X changed", "agent Y has
 * mail", "jobs are waiting", "settings changed". On SQLite there is one process, so a signal is
 * an in-process event. On PostgreSQL each instance keeps ONE dedicated connection that LISTENs,
 * and publish() sends a NOTIFY, so every instance hears every change, whichever instance made it.
 *
 * Signals are hints, never data: a message carries ids only, and whoever receives one re-reads
 * the database. A lost signal therefore costs latency (the poll fallback), never correctness;
 * after a reconnect, subscribers are told "anything may have changed" (a null message).
 */

export type ClusterChannel = 'press' | 'inbox' | 'jobs' | 'settings';

/** A message (an id, or '' when the channel has none), or null: messages may have been missed. */
export type ClusterHandler = (message: string | null) => void;

/** The one PostgreSQL notification channel; the cluster channel travels in the payload. */
const PG_CHANNEL = 'deskbell_cluster';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/**
 * A connection the network silently dropped (a failover, a NAT timeout) raises no error: a query
 * this often proves the LISTEN session is alive, and a failed or unanswered one reconnects.
 */
const HEARTBEAT_MS = 30_000;
/** The listener's application_name: operators (and tests) can find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'deskbell-listener';

type Listener = { ready: Promise<void>; stop(): Promise<void> };

type Bus = {
  events: EventEmitter;
  nudgers: Map<ClusterChannel, Nudger>;
  listener: Listener | null;
};

type Registry = {
  /** SQLite: one process is the whole deployment, so every handle in it shares one bus. */
  sqlite: Bus;
  /** PostgreSQL: a bus per database handle; a handle is an instance (tests open two in one process). */
  postgres: WeakMap<DeskbellDatabase, Bus>;
  origins: WeakMap<DeskbellDatabase, string>;
};

// On globalThis: the built Next server may load this module more than once (a route's bundle and
// instrumentation's), and a signal published in one copy must reach subscribers in the other.
const registryKey = Symbol.for('deskbell.cluster-signal');
type Holder = { [registryKey]?: Registry };

function registry(): Registry {
  const holder = globalThis as Holder;
  holder[registryKey] ??= { sqlite: newBus(), postgres: new WeakMap(), origins: new WeakMap() };
  return holder[registryKey];
}

function newBus(): Bus {
  const events = new EventEmitter();
  // Every long-poll is a listener of its channel's nudger, not of the emitter; a handful per channel.
  events.setMaxListeners(0);
  return { events, nudgers: new Map(), listener: null };
}

function existingBus(db: DeskbellDatabase): Bus | undefined {
  const reg = registry();
  return databaseEngine(db) === 'sqlite' ? reg.sqlite : reg.postgres.get(db);
}

function busOf(db: DeskbellDatabase): Bus {
  const reg = registry();
  if (databaseEngine(db) === 'sqlite') return reg.sqlite;
  let bus = reg.postgres.get(db);
  if (!bus) {
    bus = newBus();
    reg.postgres.set(db, bus);
  }
  if (!bus.listener) {
    bus.listener = startPostgresListener(db, bus);
    beforeDatabaseDestroy(db, () => stopClusterSignal(db));
  }
  return bus;
}

/** The instance a handle speaks for, so an instance skips its own NOTIFYs (it delivered them at once). */
function originOf(db: DeskbellDatabase): string {
  const reg = registry();
  let origin = reg.origins.get(db);
  if (!origin) {
    origin = randomUUID();
    reg.origins.set(db, origin);
  }
  return origin;
}

function deliver(bus: Bus, channel: string, message: string | null): void {
  try {
    bus.events.emit(channel, message);
  } catch (err) {
    console.error(`[cluster] a ${channel} subscriber failed:`, err instanceof Error ? err.message : err);
  }
}

const CHANNELS: readonly ClusterChannel[] = ['press', 'inbox', 'jobs', 'settings'];

function deliverMissed(bus: Bus): void {
  for (const channel of CHANNELS) deliver(bus, channel, null);
}

/**
 * Tells every instance (this one at once, the others through NOTIFY) that `message` changed on
 * `channel`. Call it after the change is committed: a NOTIFY is delivered at commit, but the
 * local delivery is immediate. Never throws: a lost signal is covered by polling.
 */
export async function publish(db: DeskbellDatabase, channel: ClusterChannel, message = ''): Promise<void> {
  try {
    const local = existingBus(db);
    if (local) deliver(local, channel, message);
    if (databaseEngine(db) !== 'postgres') return;
    const payload = JSON.stringify({ o: originOf(db), c: channel, m: message });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      console.error(`[cluster] a ${channel} signal of ${payload.length} characters is too long for NOTIFY; the others will poll`);
      return;
    }
    await sql`select pg_notify(${PG_CHANNEL}, ${payload})`.execute(db);
  } catch (err) {
    console.error(`[cluster] the ${channel} signal failed (the other instances will poll):`, err instanceof Error ? err.message : err);
  }
}

/** Calls handler for every message on channel from any instance; returns the unsubscribe. */
export function subscribe(db: DeskbellDatabase, channel: ClusterChannel, handler: ClusterHandler): () => void {
  const bus = busOf(db);
  bus.events.on(channel, handler);
  return () => bus.events.off(channel, handler);
}

/** Resolves once this instance is listening (at once on SQLite); for start-up and tests. */
export async function clusterSignalReady(db: DeskbellDatabase): Promise<void> {
  await busOf(db).listener?.ready;
}

/** Closes this handle's LISTEN connection (before db.destroy()); subscribing again reopens it. */
export async function stopClusterSignal(db: DeskbellDatabase): Promise<void> {
  const bus = existingBus(db);
  const listener = bus?.listener;
  if (!bus || !listener) return;
  bus.listener = null;
  await listener.stop();
}

/**
 * Long-poll wake-ups across instances: sleep() on this instance returns when any instance
 * publishes the key on the channel (or after a reconnect, when a change may have been missed).
 */
export function sleepUntilSignalled(db: DeskbellDatabase, channel: ClusterChannel, key: string, ms: number, signal?: AbortSignal): Promise<void> {
  return nudgerOf(db, channel).sleep(key, ms, signal);
}

function nudgerOf(db: DeskbellDatabase, channel: ClusterChannel): Nudger {
  const bus = busOf(db);
  let nudger = bus.nudgers.get(channel);
  if (!nudger) {
    const created = createNudger();
    bus.events.on(channel, (message: string | null) => (message === null ? created.nudgeAll() : created.nudge(message)));
    bus.nudgers.set(channel, created);
    nudger = created;
  }
  return nudger;
}

/**
 * Subscribes `handler` once per database handle for a module-level cache: the cache calls it each
 * time it fills from `db`, and hears about changes made on any instance from then on.
 */
export function createCacheInvalidation(channel: ClusterChannel, handler: ClusterHandler): (db: DeskbellDatabase) => void {
  const watched = new WeakSet<object>();
  return (db) => {
    const key: object = databaseEngine(db) === 'sqlite' ? registry().sqlite : db;
    if (watched.has(key)) return;
    watched.add(key);
    subscribe(db, channel, handler);
  };
}

/** The connection settings of the pool, for one connection that stays one session. */
function listenerConfig(db: DeskbellDatabase): ClientConfig {
  const pool = postgresConnectionConfig(db);
  if (!pool) throw new Error('The cluster signal needs the PostgreSQL settings of this database handle (opened by openDatabase).');
  return {
    connectionString: pool.connectionString,
    ssl: pool.ssl,
    connectionTimeoutMillis: pool.connectionTimeoutMillis,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: LISTENER_APPLICATION_NAME,
  };
}

/**
 * One LISTEN connection, reopened with backoff whenever it fails. Every reconnect after the
 * first connection is reported to subscribers as "may have missed something".
 */
function startPostgresListener(db: DeskbellDatabase, bus: Bus): Listener {
  const config = listenerConfig(db);
  const origin = originOf(db);
  let stopped = false;
  let client: Client | null = null;
  let failures = 0;
  let listenedBefore = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const heartbeat = setInterval(() => {
    const current = client;
    if (!current) return;
    const timeout = setTimeout(() => current.emit('error', new Error('the heartbeat went unanswered')), HEARTBEAT_MS / 2);
    timeout.unref();
    current.query('select 1').then(
      () => clearTimeout(timeout),
      (err: unknown) => {
        clearTimeout(timeout);
        current.emit('error', err instanceof Error ? err : new Error(String(err)));
      },
    );
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const onNotification = (notification: { channel: string; payload?: string }) => {
    if (notification.channel !== PG_CHANNEL || !notification.payload) return;
    let parsed: { o?: unknown; c?: unknown; m?: unknown };
    try {
      parsed = JSON.parse(notification.payload) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.o === origin || typeof parsed.c !== 'string' || !CHANNELS.includes(parsed.c as ClusterChannel)) return;
    deliver(bus, parsed.c, typeof parsed.m === 'string' ? parsed.m : '');
  };

  const scheduleReconnect = (reason: string) => {
    if (stopped || retryTimer) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures);
    failures += 1;
    console.error(`[cluster] the LISTEN connection failed (${reason}); reconnecting in ${delay} ms`);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
  };

  const connect = async () => {
    if (stopped) return;
    const next = new Client(config);
    client = next;
    let failed = false;
    const fail = (reason: string) => {
      if (failed || client !== next) return;
      failed = true;
      client = null;
      next.removeAllListeners('notification');
      void next.end().catch(() => undefined);
      scheduleReconnect(reason);
    };
    next.on('error', (err) => fail(err.message));
    next.on('end', () => fail('the server closed it'));
    next.on('notification', onNotification);
    try {
      await next.connect();
      await next.query(`LISTEN ${PG_CHANNEL}`);
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
      return;
    }
    if (stopped || client !== next) {
      await next.end().catch(() => undefined);
      return;
    }
    // A listener alone does not keep a process running (a command-line tool, a test worker): the server's sockets do.
    (next as Client & { unref?: () => void }).unref?.();
    failures = 0;
    // Whatever was published while this instance was not listening is lost: everyone re-reads.
    if (listenedBefore) deliverMissed(bus);
    listenedBefore = true;
    markReady();
  };

  void connect();

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeat);
      markReady();
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners('notification');
        await current.end().catch(() => undefined);
      }
    },
  };
}

/**
 * Runs `work` on one instance at a time across the cluster (PostgreSQL: a session advisory lock
 * on a connection held for the run); another instance finding the lock taken skips it. On SQLite
 * there is one instance, so it just runs. Returns whether it ran.
 */
export async function runOncePerCluster(db: DeskbellDatabase, lockKey: number, work: () => Promise<void>): Promise<boolean> {
  if (databaseEngine(db) !== 'postgres') {
    await work();
    return true;
  }
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${lockKey}) as locked`.execute(connection);
    if (!rows[0]?.locked) return false;
    try {
      await work();
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${lockKey})`.execute(connection);
    }
  });
}
