/**
 * Fresh, migrated databases for tests, on either engine: SQLite in memory, or a database of its
 * own in the run's PostgreSQL (tests/support/postgres-global-setup.ts). Tests that do not name
 * an engine get DESKBELL_TEST_DATABASE's (sqlite unless set), so the whole suite can be run on
 * PostgreSQL: `DESKBELL_TEST_DATABASE=postgres npx vitest run --project integration`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { testHarnessEnv } from '@/lib/env';
import {
  migrateToLatest,
  openDatabase,
  resolveDatabaseLocation,
  type DatabaseEngine,
  type DeskbellDatabase,
} from '@/lib/store/database';
import { migrationProvider } from '@/lib/store/migrations';
import { databaseUrl, testDatabasePrefix, withServerAdmin } from './postgres-cluster';

/** Both engines, for `describe.each(testEngines)`; skip the PostgreSQL leg with postgresSkipReason(). */
export const testEngines: readonly DatabaseEngine[] = ['sqlite', 'postgres'];

/** The engine a test gets when it does not name one. */
export function testDatabaseEngine(): DatabaseEngine {
  return testHarnessEnv().DESKBELL_TEST_DATABASE;
}

/** Why the PostgreSQL leg cannot run here (no server binaries), or null when it can. */
export function postgresSkipReason(): string | null {
  const provided = inject('postgres');
  if (!provided) return 'the PostgreSQL global set-up did not run (tests/support/postgres-global-setup.ts is not in this vitest project)';
  return provided.url === null ? provided.unavailable : null;
}

/** True when `engine`'s leg must be skipped; says why once per file, so a skipped leg is never silent. */
export function skipEngine(engine: DatabaseEngine): boolean {
  if (engine !== 'postgres') return false;
  const reason = postgresSkipReason();
  if (reason && !warned) {
    warned = true;
    console.warn(`[test-database] skipping the PostgreSQL leg: ${reason}`);
  }
  return reason !== null;
}
let warned = false;

function postgresServer(): { url: string; runId: string } {
  const provided = inject('postgres');
  if (!provided || provided.url === null) throw new Error(`PostgreSQL is not available to this test: ${postgresSkipReason()}`);
  return provided;
}

let counter = 0;

/**
 * The URL of a new, empty PostgreSQL database of this run (no migrations), for tests that open
 * several connections to one database, such as instances migrating at once.
 */
export async function createPostgresTestDatabase(template?: string): Promise<string> {
  const server = postgresServer();
  const name = `${testDatabasePrefix(server.runId)}${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  await withServerAdmin(server.url, (client) => client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`));
  return databaseUrl(server.url, name);
}

export function openPostgresTestDatabase(url: string, poolMax = 5): DeskbellDatabase {
  return openDatabase(resolveDatabaseLocation(url, '.', { poolMax }));
}

export type OpenTestDatabaseOptions = {
  engine?: DatabaseEngine;
  /** false: an empty database, for tests of the migrations themselves. */
  migrate?: boolean;
};

/** A fresh database, migrated to the latest schema unless asked not to; destroy() it after the test. */
export async function openTestDatabase(options: OpenTestDatabaseOptions = {}): Promise<DeskbellDatabase> {
  const engine = options.engine ?? testDatabaseEngine();
  const migrate = options.migrate ?? true;
  if (engine === 'sqlite') {
    const db = openDatabase({ dialect: 'sqlite', memory: true });
    if (migrate) await migrateToLatest(db);
    return db;
  }
  const url = await createPostgresTestDatabase(migrate ? await migratedTemplate() : undefined);
  const db = openPostgresTestDatabase(url);
  urls.set(db, url);
  return db;
}

const urls = new WeakMap<DeskbellDatabase, string>();

/**
 * A second Deskbell instance's handle on the same database: its own pool on PostgreSQL. SQLite
 * in memory cannot be shared, so there it is the same handle (one process, as SQLite deployments are).
 */
export function openSecondInstance(db: DeskbellDatabase): { db: DeskbellDatabase; close(): Promise<void> } {
  const url = urls.get(db);
  if (!url) return { db, close: async () => undefined };
  const second = openPostgresTestDatabase(url);
  return { db: second, close: () => second.destroy() };
}

let template: Promise<string> | undefined;

/**
 * Migrating for every test would be slow on PostgreSQL; a database migrated once serves as the
 * template each test's database is copied from. Its name carries a hash of the migrations, so
 * a reused server never hands out a schema older than the code.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const server = postgresServer();
    const migrations = await migrationProvider.getMigrations();
    const hash = createHash('sha256');
    for (const [name, migration] of Object.entries(migrations)) hash.update(`${name}\n${migration.up.toString()}\n`);
    const name = `deskbell_template_${hash.digest('hex').slice(0, 16)}`;
    // Several test files (processes) may need it at once: one builds it, the others wait and reuse it.
    await withServerAdmin(server.url, async (client) => {
      await client.query('select pg_advisory_lock(7357)');
      try {
        const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
        if (rowCount) return;
        const building = `${name}_building`;
        await client.query(`drop database if exists "${building}" with (force)`);
        await client.query(`create database "${building}"`);
        const db = openPostgresTestDatabase(databaseUrl(server.url, building), 2);
        try {
          await migrateToLatest(db);
        } finally {
          await db.destroy();
        }
        await client.query(`alter database "${building}" rename to "${name}"`);
      } finally {
        await client.query('select pg_advisory_unlock(7357)');
      }
    });
    return name;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}
