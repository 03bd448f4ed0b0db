import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  migrateToLatest,
  openDatabase,
  pingDatabase,
  resolveDatabaseLocation,
  type DeskbellDatabase,
} from '@/lib/store/database';

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

  it('refuses PostgreSQL clearly until it is supported', () => {
    expect(() => resolveDatabaseLocation('postgres://u@h/db', '.')).toThrowError(/PostgreSQL is not supported yet/);
  });
});

describe('openDatabase + migrateToLatest', () => {
  it('creates the file and its folder on first run, then migrates once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-db-'));
    const file = path.join(dir, 'nested', 'deskbell.sqlite');
    const db = openDatabase({ dialect: 'sqlite', file });
    opened.push(db);

    expect(await migrateToLatest(db)).toEqual(['0001-settings', '0002-presses-and-jobs', '0003-admin', '0004-rules', '0005-ticket-events', '0006-thumbnails', '0007-press-company', '0008-admin-sessions', '0009-branding-logo']);
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

describe('migration 0007-press-company', () => {
  it("fills presses.company_id from the outcomes already stored, and leaves unreadable ones empty", async () => {
    const { Migrator } = await import('kysely');
    const { migrationProvider } = await import('@/lib/store/migrations');
    const db = openDatabase({ dialect: 'sqlite', memory: true });
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
