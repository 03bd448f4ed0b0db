import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { serverEnv } from '@/lib/env';
import { migrationProvider } from './migrations';
import type { Database } from './schema';

export type DeskbellDatabase = Kysely<Database>;

export type DatabaseLocation =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'sqlite'; memory: true };

/**
 * DATABASE_URL may be a sqlite file (`file:./data/x.sqlite`, `sqlite:...` or a plain path)
 * or `:memory:`. PostgreSQL arrives with the multi-instance work; until then a postgres
 * URL is refused clearly rather than silently ignored.
 */
export function resolveDatabaseLocation(url: string | undefined, dataDir: string): DatabaseLocation {
  if (!url) return { dialect: 'sqlite', file: path.resolve(dataDir, 'deskbell.sqlite') };
  if (url === ':memory:' || url === 'sqlite::memory:') return { dialect: 'sqlite', memory: true };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error('DATABASE_URL: PostgreSQL is not supported yet; use a SQLite file path.');
  }
  const file = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  if (!file) throw new Error('DATABASE_URL: no SQLite file path given.');
  return { dialect: 'sqlite', file: path.resolve(file) };
}

/** The only place that knows the database is SQLite: pragmas and file creation live here. */
export function openDatabase(location: DatabaseLocation): DeskbellDatabase {
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

export async function migrateToLatest(db: DeskbellDatabase): Promise<string[]> {
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
    const db = openDatabase(resolveDatabaseLocation(env.DATABASE_URL, env.DESKBELL_DATA_DIR));
    shared = migrateToLatest(db).then(() => db);
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
