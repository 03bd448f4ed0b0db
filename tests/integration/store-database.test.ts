import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  databaseEngine,
  migrateToLatest,
  migrationLockKey,
  openDatabase,
  pingDatabase,
  resolveDatabaseLocation,
  type DatabaseEngine,
  type DeskbellDatabase,
} from '@/lib/store/database';
import { migrationProvider } from '@/lib/store/migrations';
import { createPostgresTestDatabase, openPostgresTestDatabase, openTestDatabase, skipEngine, testEngines } from '@/tests/support/test-database';

const ALL_MIGRATIONS = ['0001-settings', '0002-presses-and-jobs', '0003-admin', '0004-rules', '0005-ticket-events', '0006-thumbnails', '0007-press-company', '0008-admin-sessions', '0009-branding-logo', '0010-pod-member-state'];

const opened: DeskbellDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

describe('resolveDatabaseLocation', () => {
  it('defaults to a file in the data directory', () => {
    expect(resolveDatabaseLocation(undefined, '/srv/deskbell')).toEqual({
      dialect: 'sqlite',
      file: '/srv/deskbell/deskbell.sqlite',
    });
  });

  it('accepts file: and sqlite: URLs and :memory:', () => {
    expect(resolveDatabaseLocation('file:/tmp/a.sqlite', '.')).toEqual({ dialect: 'sqlite', file: '/tmp/a.sqlite' });
    expect(resolveDatabaseLocation('sqlite:///tmp/b.sqlite', '.')).toEqual({ dialect: 'sqlite', file: '/tmp/b.sqlite' });
    expect(resolveDatabaseLocation(':memory:', '.')).toEqual({ dialect: 'sqlite', memory: true });
  });

  it('opens postgres:// and postgresql:// URLs with the pool limits given, TLS off unless asked', () => {
    expect(resolveDatabaseLocation('postgres://u:p@db.example:5433/deskbell', '.', { poolMax: 7, poolIdleMs: 5_000, connectTimeoutMs: 2_000 })).toEqual({
      dialect: 'postgres',
      url: 'postgres://u:p@db.example:5433/deskbell',
      ssl: 'disable',
      pool: { max: 7, idleMs: 5_000, connectTimeoutMs: 2_000 },
    });
    expect(resolveDatabaseLocation('postgresql://u@h/db', '.')).toMatchObject({ dialect: 'postgres', ssl: 'disable', pool: { max: 10, idleMs: 30_000, connectTimeoutMs: 10_000 } });
  });

  it("honours the URL's sslmode and sslrootcert, takes them out of the URL, and lets DATABASE_SSL win", () => {
    const fromUrl = resolveDatabaseLocation('postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=x', '.');
    expect(fromUrl).toMatchObject({ dialect: 'postgres', ssl: 'verify-full', sslCaFile: '/etc/ca.pem', url: 'postgres://u@h/db?application_name=x' });
    expect(resolveDatabaseLocation('postgres://u@h/db?sslmode=require', '.')).toMatchObject({ ssl: 'require', url: 'postgres://u@h/db' });
    // libpq's prefer falls back to plain text; node-postgres cannot, so it means no TLS.
    expect(resolveDatabaseLocation('postgres://u@h/db?sslmode=prefer', '.')).toMatchObject({ ssl: 'disable' });
    expect(resolveDatabaseLocation('postgres://u@h/db?sslmode=require', '.', { ssl: 'verify-ca', sslCaFile: '/ca.pem' })).toMatchObject({ ssl: 'verify-ca', sslCaFile: '/ca.pem' });
  });

  it('refuses a PostgreSQL URL it cannot honour', () => {
    expect(() => resolveDatabaseLocation('postgres://u@h/db?sslmode=sometimes', '.')).toThrowError(/sslmode=sometimes is not one of/);
    expect(() => resolveDatabaseLocation('postgres://u@h', '.')).toThrowError(/names no database/);
    expect(() => resolveDatabaseLocation('postgres://', '.')).toThrowError(/DATABASE_URL/);
    // A CA without verification would look safe and check nothing.
    expect(() => resolveDatabaseLocation('postgres://u@h/db', '.', { ssl: 'require', sslCaFile: '/ca.pem' })).toThrowError(/only used with DATABASE_SSL=verify-ca or verify-full/);
  });
});

describe('openDatabase + migrateToLatest', () => {
  it('creates the file and its folder on first run, then migrates once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-db-'));
    const file = path.join(dir, 'nested', 'deskbell.sqlite');
    const db = openDatabase({ dialect: 'sqlite', file });
    opened.push(db);

    expect(await migrateToLatest(db)).toEqual(ALL_MIGRATIONS);
    expect(fs.existsSync(file)).toBe(true);
    expect(await migrateToLatest(db)).toEqual([]);
    await pingDatabase(db);

    await db.insertInto('settings').values({ key: 'k', value: '"v"', updated_at: new Date().toISOString() }).execute();
    const row = await db.selectFrom('settings').selectAll().where('key', '=', 'k').executeTakeFirstOrThrow();
    expect(row.value).toBe('"v"');
  });

  it('keeps data across reopening the same file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-db-')), 'd.sqlite');
    const first = openDatabase({ dialect: 'sqlite', file });
    await migrateToLatest(first);
    await first.insertInto('settings').values({ key: 'a', value: '1', updated_at: 'now' }).execute();
    await first.destroy();

    const second = openDatabase({ dialect: 'sqlite', file });
    opened.push(second);
    expect(await migrateToLatest(second)).toEqual([]);
    expect(await second.selectFrom('settings').select('value').where('key', '=', 'a').executeTakeFirst()).toEqual({ value: '1' });
  });

  it('fails loudly when the database file cannot be opened', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-db-'));
    // A directory where the file should be: start-up must stop, not limp on.
    expect(() => openDatabase({ dialect: 'sqlite', file: dir })).toThrow();
  });
});

describe.each(testEngines)('migration 0007-press-company on %s', (engine) => {
  it.skipIf(skipEngine(engine))("fills presses.company_id from the outcomes already stored, and leaves unreadable ones empty", async () => {
    const db = await openTestDatabase({ engine, migrate: false });
    opened.push(db);
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo('0006-thumbnails')).error).toBeUndefined();
    await db.insertInto('agent_tokens').values({ id: 't', name: 'device', token_hash: 'h', token_prefix: 'dbt_', created_at: '2026-11-29T09:00:00Z', last_used_at: null, revoked_at: null }).execute();
    const press = (id: string, outcome: string | null) => ({
      id,
      agent_token_id: 't',
      idempotency_key: null,
      request_hash: id,
      status: 'ticket_created' as const,
      payload: '{}',
      received_at: '2026-11-29T10:00:00Z',
      updated_at: '2026-11-29T10:00:00Z',
      attempt: 1,
      next_attempt_at: null,
      last_error: null,
      ticket_id: null,
      ticket_number: null,
      refused_message: null,
      dead_reason: null,
      outcome,
      files_removed_at: null,
      ticket_created_at: null,
    });
    await db
      .insertInto('presses')
      .values([press('a', JSON.stringify({ contact: { id: 5, companyId: 19 } })), press('b', '{not json'), press('c', null), press('d', JSON.stringify({ contact: null }))])
      .execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const rows = await db.selectFrom('presses').select(['id', 'company_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'a', company_id: 19 },
      { id: 'b', company_id: null },
      { id: 'c', company_id: null },
      { id: 'd', company_id: null },
    ]);
  });
});

/** Columns as both engines' catalogues describe them, in one vocabulary. */
async function describeSchema(db: DeskbellDatabase) {
  const portableType: Record<string, string> = { text: 'text', integer: 'integer', int4: 'integer', blob: 'bytes', bytea: 'bytes' };
  const tables = await db.introspection.getTables();
  const columns = tables
    .flatMap((t) =>
      t.columns.map((c) => ({
        column: `${t.name}.${c.name}`,
        type: portableType[c.dataType.toLowerCase()] ?? `unexpected ${c.dataType}`,
        nullable: c.isNullable,
        hasDefault: c.hasDefaultValue,
      })),
    )
    .sort((a, b) => a.column.localeCompare(b.column));
  const engine = databaseEngine(db);
  if (engine === 'sqlite') {
    // A SQLite quirk: a primary key that is not INTEGER may hold NULL. PostgreSQL's never does, nor does the code write one.
    const keys = await sql<{ key: string }>`select m.name || '.' || p.name as key from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and p.pk > 0`.execute(db);
    const primary = new Set(keys.rows.map((r) => r.key));
    for (const c of columns) if (primary.has(c.column)) c.nullable = false;
  }
  // Named indexes only: each engine names the indexes behind primary keys and unique columns its own way.
  const indexes =
    engine === 'sqlite'
      ? await sql<{ name: string; unique: number }>`select il.name, il."unique" from sqlite_master m join pragma_index_list(m.name) il where m.type = 'table' and il.origin = 'c'`.execute(db)
      : await sql<{ name: string; unique: boolean }>`select i.relname as name, x.indisunique as unique from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
          where n.nspname = 'public' and not x.indisprimary and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`.execute(db);
  const foreignKeys =
    engine === 'sqlite'
      ? await sql<{ fk: string }>`select m.name || '.' || f."from" || '->' || f."table" || '.' || f."to" || ' ' || lower(f.on_delete) as fk from sqlite_master m join pragma_foreign_key_list(m.name) f where m.type = 'table'`.execute(db)
      : await sql<{ fk: string }>`select cl.relname || '.' || a.attname || '->' || rc.relname || '.' || ra.attname || ' ' ||
            case c.confdeltype when 'c' then 'cascade' when 'a' then 'no action' when 'r' then 'restrict' when 'n' then 'set null' else 'set default' end as fk
          from pg_constraint c join pg_class cl on cl.oid = c.conrelid join pg_class rc on rc.oid = c.confrelid
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1] join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = c.confkey[1]
          where c.contype = 'f' and cl.relnamespace = 'public'::regnamespace`.execute(db);
  const uniques =
    engine === 'sqlite'
      ? await sql<{ u: string }>`select m.name || '.' || group_concat(ii.name, ',') as u from sqlite_master m join pragma_index_list(m.name) il join pragma_index_info(il.name) ii
          where m.type = 'table' and il."unique" = 1 and il.origin = 'u' group by m.name, il.name`.execute(db)
      : await sql<{ u: string }>`select cl.relname || '.' || string_agg(a.attname, ',' order by k.ord) as u from pg_constraint c join pg_class cl on cl.oid = c.conrelid
          cross join lateral unnest(c.conkey) with ordinality as k(attnum, ord) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
          where c.contype = 'u' and cl.relnamespace = 'public'::regnamespace group by cl.relname, c.conname`.execute(db);
  return {
    columns,
    indexes: indexes.rows.map((r) => `${r.name}${r.unique ? ' unique' : ''}`).sort(),
    foreignKeys: foreignKeys.rows.map((r) => r.fk).sort(),
    uniqueColumns: uniques.rows.map((r) => r.u).sort(),
  };
}

describe.each(testEngines)('migrations on %s', (engine: DatabaseEngine) => {
  it.skipIf(skipEngine(engine))('migrate an empty database to the latest schema once, on the engine asked for', async () => {
    const db = await openTestDatabase({ engine, migrate: false });
    opened.push(db);
    expect(databaseEngine(db)).toBe(engine);
    expect(await migrateToLatest(db)).toEqual(ALL_MIGRATIONS);
    expect(await migrateToLatest(db)).toEqual([]);
    await pingDatabase(db);
    await db.transaction().execute(async (trx) => expect(databaseEngine(trx)).toBe(engine));
  });

  it.skipIf(skipEngine(engine))('stores what the code writes the way SQLite does: bytes, numbers, nulls, unique keys, cascades', async () => {
    const db = await openTestDatabase({ engine });
    opened.push(db);
    await db.insertInto('agent_tokens').values({ id: 't', name: 'device', token_hash: 'h', token_prefix: 'dbt_', created_at: '2026-11-29T09:00:00.000Z', last_used_at: null, revoked_at: null }).execute();
    await db
      .insertInto('presses')
      .values({ id: 'p', agent_token_id: 't', idempotency_key: 'k', request_hash: 'r', status: 'queued', payload: '{"a":1}', received_at: '2026-11-29T10:00:00.000Z', updated_at: '2026-11-29T10:00:00.000Z', attempt: 0 })
      .execute();
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 0]);
    await db
      .insertInto('press_files')
      .values({ id: 'f', press_id: 'p', position: 0, kind: 'screenshot', filename: 'a.png', content_type: 'image/png', size: 6, sha256: 's', width: 2, height: 1, captured_at: null, monitor: null, bytes, removed_at: null, manage_document_id: null })
      .execute();
    const file = await db.selectFrom('press_files').select(['bytes', 'size', 'monitor']).where('id', '=', 'f').executeTakeFirstOrThrow();
    expect(Buffer.from(file.bytes!)).toEqual(Buffer.from(bytes));
    expect(file).toMatchObject({ size: 6, monitor: null });
    // count(*) is bigint on PostgreSQL; the code gets a number on both engines.
    const counted = await db.selectFrom('press_files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(counted.n).toBe(1);
    await expect(
      db.insertInto('presses').values({ id: 'p2', agent_token_id: 't', idempotency_key: 'k', request_hash: 'r', status: 'queued', payload: '{}', received_at: 'x', updated_at: 'x', attempt: 0 }).execute(),
    ).rejects.toThrow(/unique/i);
    await expect(
      db.insertInto('presses').values({ id: 'p3', agent_token_id: 'no-such-token', idempotency_key: null, request_hash: 'r', status: 'queued', payload: '{}', received_at: 'x', updated_at: 'x', attempt: 0 }).execute(),
    ).rejects.toThrow(/foreign key/i);
    await db.deleteFrom('presses').where('id', '=', 'p').execute();
    expect(await db.selectFrom('press_files').selectAll().execute()).toEqual([]);
  });
});

describe.skipIf(skipEngine('postgres'))('PostgreSQL', () => {
  it('gets the same tables, column types, nullability, defaults, indexes, unique keys and foreign keys as SQLite', async () => {
    const sqlite = await openTestDatabase({ engine: 'sqlite' });
    const postgres = await openTestDatabase({ engine: 'postgres' });
    opened.push(sqlite, postgres);
    const [onSqlite, onPostgres] = [await describeSchema(sqlite), await describeSchema(postgres)];
    expect(onSqlite.columns.length).toBeGreaterThan(100);
    expect(onSqlite.columns.filter((c) => c.type.startsWith('unexpected'))).toEqual([]);
    expect(onSqlite.foreignKeys).toContain('press_files.press_id->presses.id cascade');
    expect(onSqlite.uniqueColumns).toContain('jobs.dedupe_key');
    expect(onPostgres).toEqual(onSqlite);
  });

  it('lets one of several instances starting at once migrate while the others wait, then find nothing to do', async () => {
    const url = await createPostgresTestDatabase();
    const instances = [openPostgresTestDatabase(url, 2), openPostgresTestDatabase(url, 2), openPostgresTestDatabase(url, 2)];
    opened.push(...instances);
    const applied = await Promise.all(instances.map((db) => migrateToLatest(db)));
    expect(applied.filter((names) => names.length > 0)).toEqual([ALL_MIGRATIONS]);
    expect(applied.filter((names) => names.length === 0)).toHaveLength(2);
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(instances[0]!);
    expect(rows.rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
  });

  it('does not touch the schema while another instance holds the migration lock, and goes on once it is released', async () => {
    const url = await createPostgresTestDatabase();
    const holder = openPostgresTestDatabase(url, 1);
    const starting = openPostgresTestDatabase(url, 1);
    opened.push(holder, starting);
    await holder.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${migrationLockKey})`.execute(connection);
      const migrating = migrateToLatest(starting);
      await new Promise((r) => setTimeout(r, 400));
      // Not even the migrator's bookkeeping table exists yet: the whole run waits for the lock.
      const tables = await sql<{ n: number }>`select count(*) as n from pg_tables where schemaname = 'public'`.execute(connection);
      expect(tables.rows[0]!.n).toBe(0);
      await sql`select pg_advisory_unlock(${migrationLockKey})`.execute(connection);
      expect(await migrating).toEqual(ALL_MIGRATIONS);
    });
  });

  it('keeps each instance within its pool limit', async () => {
    const url = await createPostgresTestDatabase();
    const db = openPostgresTestDatabase(url, 2);
    const observer = openPostgresTestDatabase(url, 1);
    opened.push(db, observer);
    const sleeping = Promise.all(Array.from({ length: 6 }, () => sql`select pg_sleep(0.3)`.execute(db)));
    await new Promise((r) => setTimeout(r, 150));
    const active = await sql<{ n: number }>`select count(*) as n from pg_stat_activity where datname = current_database() and query like '%pg_sleep%' and pid <> pg_backend_pid()`.execute(observer);
    expect(active.rows[0]!.n).toBe(2);
    await sleeping;
  });

  it('asks the server for TLS when told to, and fails clearly when it has none', async () => {
    const url = await createPostgresTestDatabase();
    const db = openDatabase(resolveDatabaseLocation(url, '.', { ssl: 'require', poolMax: 1 }));
    opened.push(db);
    await expect(pingDatabase(db)).rejects.toThrow(/does not support SSL/i);
  });

  it('gives up on a server that does not answer after the connect timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const db = openDatabase(resolveDatabaseLocation(`postgres://u@127.0.0.1:${port}/db`, '.', { poolMax: 1, connectTimeoutMs: 300 }));
    opened.push(db);
    const started = Date.now();
    try {
      await expect(pingDatabase(db)).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.close();
    }
  });

  it('is refused a CA file that does not exist, at open', () => {
    expect(() => openDatabase(resolveDatabaseLocation('postgres://u@127.0.0.1/db', '.', { ssl: 'verify-full', sslCaFile: '/nonexistent/ca.pem' }))).toThrow(/ENOENT/);
  });

  it('runs every migration down and up again', async () => {
    const db = await openTestDatabase({ engine: 'postgres' });
    opened.push(db);
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
    const tables = await sql<{ n: number }>`select count(*) as n from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`.execute(db);
    expect(tables.rows[0]!.n).toBe(0);
    expect(await migrateToLatest(db)).toEqual(ALL_MIGRATIONS);
  });
});
