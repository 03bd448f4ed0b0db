import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool, types as pgTypes, type PoolConfig } from 'pg';
import { serverEnv, type ServerEnv } from '@/lib/env';
import { databaseEngine } from './engine/database-engine';
import { migrationProvider } from './migrations';
import type { Database } from './schema';

export { databaseEngine, type DatabaseEngine } from './engine/database-engine';

export type DeskbellDatabase = Kysely<Database>;

export type PostgresSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export type PostgresOptions = {
  /** Unset: the URL's sslmode decides, else disable. */
  ssl?: PostgresSslMode;
  /** PEM file of the CA to trust for verify-ca / verify-full (else the system's CAs). */
  sslCaFile?: string;
  poolMax: number;
  poolIdleMs: number;
  connectTimeoutMs: number;
};

export type DatabaseLocation =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'sqlite'; memory: true }
  | {
      dialect: 'postgres';
      /** Without its ssl* parameters: they are turned into `ssl` here, not left to the driver's reading of them. */
      url: string;
      ssl: PostgresSslMode;
      sslCaFile?: string;
      pool: { max: number; idleMs: number; connectTimeoutMs: number };
    };

const defaultPostgresOptions: PostgresOptions = { poolMax: 10, poolIdleMs: 30_000, connectTimeoutMs: 10_000 };

/** The PostgreSQL settings of the server environment, for resolveDatabaseLocation. */
export function postgresOptionsFromEnv(env: ServerEnv): PostgresOptions {
  return {
    ssl: env.DATABASE_SSL,
    sslCaFile: env.DATABASE_SSL_CA,
    poolMax: env.DATABASE_POOL_MAX,
    poolIdleMs: env.DATABASE_POOL_IDLE_MS,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
  };
}

/**
 * DATABASE_URL may be a sqlite file (`file:./data/x.sqlite`, `sqlite:...` or a plain path),
 * `:memory:`, or a PostgreSQL URL (`postgres://user:password@host:5432/db?sslmode=require`).
 */
export function resolveDatabaseLocation(
  url: string | undefined,
  dataDir: string,
  postgres: Partial<PostgresOptions> = {},
): DatabaseLocation {
  if (!url) return { dialect: 'sqlite', file: path.resolve(dataDir, 'deskbell.sqlite') };
  if (url === ':memory:' || url === 'sqlite::memory:') return { dialect: 'sqlite', memory: true };
  if (/^postgres(ql)?:\/\//i.test(url)) return resolvePostgresLocation(url, { ...defaultPostgresOptions, ...postgres });
  const file = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  if (!file) throw new Error('DATABASE_URL: no SQLite file path given.');
  return { dialect: 'sqlite', file: path.resolve(file) };
}

// libpq's sslmode values; prefer and allow (try TLS, fall back to plain) have no node-postgres
// equivalent, so they mean what a local, TLS-less server gives them: no TLS.
const urlSslModes: Record<string, PostgresSslMode> = {
  disable: 'disable',
  allow: 'disable',
  prefer: 'disable',
  require: 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
};

function resolvePostgresLocation(url: string, options: PostgresOptions): DatabaseLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL: not a valid postgres:// URL.');
  }
  if (!parsed.hostname) throw new Error('DATABASE_URL: the PostgreSQL URL names no host.');
  if (parsed.pathname.replace(/^\//, '') === '') throw new Error('DATABASE_URL: the PostgreSQL URL names no database (postgres://user@host/database).');
  const urlMode = parsed.searchParams.get('sslmode');
  if (urlMode !== null && !(urlMode in urlSslModes)) {
    throw new Error(`DATABASE_URL: sslmode=${urlMode} is not one of ${Object.keys(urlSslModes).join(', ')}.`);
  }
  const urlCa = parsed.searchParams.get('sslrootcert') ?? undefined;
  // The driver would let these override the ssl option it is given; they are honoured here instead.
  for (const key of [...parsed.searchParams.keys()]) if (/^ssl/i.test(key) || key === 'uselibpqcompat') parsed.searchParams.delete(key);
  const ssl = options.ssl ?? (urlMode === null ? 'disable' : urlSslModes[urlMode]!);
  const sslCaFile = options.sslCaFile ?? urlCa;
  if (sslCaFile && ssl !== 'verify-ca' && ssl !== 'verify-full') {
    throw new Error('DATABASE_SSL_CA (or sslrootcert) is only used with DATABASE_SSL=verify-ca or verify-full; set one of them so the certificate is checked.');
  }
  return {
    dialect: 'postgres',
    url: parsed.toString(),
    ssl,
    ...(sslCaFile ? { sslCaFile: path.resolve(sslCaFile) } : {}),
    pool: { max: options.poolMax, idleMs: options.poolIdleMs, connectTimeoutMs: options.connectTimeoutMs },
  };
}

/** The only place that knows how each engine is opened: pragmas, files, pools and TLS live here. */
export function openDatabase(location: DatabaseLocation): DeskbellDatabase {
  if (location.dialect === 'postgres') return openPostgres(location);
  let sqlite: SqliteDatabase.Database;
  if ('memory' in location) {
    sqlite = new SqliteDatabase(':memory:');
  } else {
    fs.mkdirSync(path.dirname(location.file), { recursive: true });
    sqlite = new SqliteDatabase(location.file);
    sqlite.pragma('journal_mode = WAL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

const PG_INT8_OID = 20;

function openPostgres(location: Extract<DatabaseLocation, { dialect: 'postgres' }>): DeskbellDatabase {
  const config: PoolConfig = {
    connectionString: location.url,
    ssl: postgresSsl(location),
    max: location.pool.max,
    idleTimeoutMillis: location.pool.idleMs,
    connectionTimeoutMillis: location.pool.connectTimeoutMs,
    application_name: 'deskbell',
    keepAlive: true,
    // Idle pooled connections alone do not keep a command-line tool (or a test worker) running.
    allowExitOnIdle: true,
    // count(*) and sum() are bigint on PostgreSQL; the code reads them as numbers, as SQLite gives them.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
    },
  };
  const pool = new Pool(config);
  const db = new PostgresKysely({ dialect: new PostgresDialect({ pool }) });
  extrasOf(db)[CONNECTION_CONFIG] = config;
  // An idle connection the server drops (restart, failover) must not take the process with it;
  // the pool replaces it on the next query.
  pool.on('error', (error) => console.error(`[db] an idle PostgreSQL connection failed: ${error.message}`));
  return db;
}

/**
 * Kept on the handle under global symbols, not in module-level maps: a test that reloads its
 * modules, or a second copy of this module in the built server, must still find them for a
 * handle another copy opened.
 */
const CONNECTION_CONFIG = Symbol.for('deskbell.store.postgresConnectionConfig');
const DESTROY_HOOKS = Symbol.for('deskbell.store.beforeDestroyHooks');
type PostgresHandleExtras = { [CONNECTION_CONFIG]?: PoolConfig; [DESTROY_HOOKS]?: (() => Promise<void>)[] };
const extrasOf = (db: DeskbellDatabase) => db as unknown as PostgresHandleExtras;

/** A PostgreSQL handle whose destroy() also closes the connections opened beside its pool. */
class PostgresKysely extends Kysely<Database> {
  override async destroy(): Promise<void> {
    const extras = extrasOf(this);
    const hooks = extras[DESTROY_HOOKS] ?? [];
    extras[DESTROY_HOOKS] = [];
    await Promise.allSettled(hooks.map((hook) => hook()));
    await super.destroy();
  }
}

/**
 * Runs `hook` when the handle is destroyed, before its pool ends: a connection opened outside the
 * pool (LISTEN) must not outlive the handle it belongs to. A no-op for SQLite handles.
 */
export function beforeDatabaseDestroy(db: DeskbellDatabase, hook: () => Promise<void>): void {
  const extras = extrasOf(db);
  if (!extras[CONNECTION_CONFIG]) return;
  extras[DESTROY_HOOKS] = [...(extras[DESTROY_HOOKS] ?? []), hook];
}

/**
 * How to open one more connection, outside the pool, to the PostgreSQL database `db` was opened
 * on (URL, TLS, timeouts), for a connection that must stay one session (LISTEN); null for SQLite.
 */
export function postgresConnectionConfig(db: DeskbellDatabase): PoolConfig | null {
  return extrasOf(db)[CONNECTION_CONFIG] ?? null;
}

function postgresSsl(location: Extract<DatabaseLocation, { dialect: 'postgres' }>): PoolConfig['ssl'] {
  if (location.ssl === 'disable') return false;
  if (location.ssl === 'require') return { rejectUnauthorized: false };
  const ca = location.sslCaFile ? fs.readFileSync(location.sslCaFile, 'utf8') : undefined;
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    // verify-ca checks the chain but, like libpq, not that the certificate names the host.
    ...(location.ssl === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** One advisory lock key for every Deskbell instance of any version: only one of them migrates at a time. */
export const migrationLockKey = 0x6465736b; // "desk"

/**
 * Brings the schema to the latest migration. On PostgreSQL several instances may start at once:
 * a session advisory lock, held on one connection for the whole run (the migrator runs on that
 * same connection), lets one migrate while the others wait and then find nothing to do.
 */
export async function migrateToLatest(db: DeskbellDatabase): Promise<string[]> {
  if (databaseEngine(db) === 'sqlite') return runMigrations(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${migrationLockKey})`.execute(connection);
    try {
      return await runMigrations(connection);
    } finally {
      await sql`select pg_advisory_unlock(${migrationLockKey})`.execute(connection);
    }
  });
}

async function runMigrations(db: DeskbellDatabase): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDatabase(db: DeskbellDatabase): Promise<void> {
  await sql`select 1`.execute(db);
}

let shared: Promise<DeskbellDatabase> | undefined;

/** The app's database, opened and migrated on first use (at start via instrumentation). */
export function getDatabase(): Promise<DeskbellDatabase> {
  if (!shared) {
    const env = serverEnv();
    const db = openDatabase(resolveDatabaseLocation(env.DATABASE_URL, env.DESKBELL_DATA_DIR, postgresOptionsFromEnv(env)));
    shared = migrateToLatest(db).then(() => db);
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
