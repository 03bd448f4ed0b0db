import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

export type DatabaseEngine = 'sqlite' | 'postgres';

/**
 * Which engine a Kysely instance talks to, for the few places that need engine-specific SQL
 * (the queue's claim, health, migrations). Read from the instance's adapter, so it also holds
 * for a transaction or a single-connection handle (what migrations receive), which a registry
 * of opened databases would not know. getExecutor() is Kysely's own way in (its Migrator uses it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table set: migrations see Kysely<unknown>
export function databaseEngine(db: Kysely<any>): DatabaseEngine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`Unsupported database adapter ${adapter.constructor.name}`);
}

/** SQLite's blob is PostgreSQL's bytea; both come back as bytes (a Buffer). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table set: migrations see Kysely<unknown>
export function bytesColumnType(db: Kysely<any>): 'blob' | 'bytea' {
  return databaseEngine(db) === 'postgres' ? 'bytea' : 'blob';
}
