/**
 * Moving an SQLite install to PostgreSQL (npm run db:copy): an SQLite file filled through the
 * app's own functions (presses with files through the intake route, settings, agent tokens, rule
 * versions, an admin, the audit log) is copied into an empty PostgreSQL database and read back
 * there through the same functions; a non-empty target is refused unless forced.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAdminUser, verifyAdminPassword } from '@/lib/auth/admin-users';
import { createAgentToken, listAgentTokens, revokeAgentToken, verifyAgentToken } from '@/lib/auth/agent-tokens';
import { listAuditEntries, recordAudit } from '@/lib/audit/audit-log';
import { listPressFiles, readPressFileBytes } from '@/lib/presses/press-file-store';
import { findPressRecord } from '@/lib/presses/press-read-store';
import { listRuleVersions, saveRuleVersion } from '@/lib/rules/rule-versions';
import { findActiveRules } from '@/lib/settings/active-rules';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import { migrateToLatest, openDatabase, resolveDatabaseLocation, type DeskbellDatabase } from '@/lib/store/database';
import { CopyRefusedError, copySqliteToPostgres, type CopyResult } from '@/scripts/lib/copy-database';
import { handleCreatePress } from '@/tests/support/agent-routes';
import { basePress, buildMultipart, buildPng } from '@/tests/support/press-fixtures';
import { createPostgresTestDatabase, openPostgresTestDatabase, skipEngine } from '@/tests/support/test-database';

// The copy is about rows, not Python: the rule versions are saved with a checker that accepts them.
const acceptingChecker = { check: async () => ({ ok: true as const }) };
const settingSchema = z.object({ colour: z.string(), names: z.array(z.string()) });

type Filled = {
  file: string;
  liveToken: string;
  revokedToken: string;
  presses: { id: string; files: { filename: string; bytes: Buffer }[] }[];
  admin: { email: string; password: string };
};

async function fillSqlite(dir: string): Promise<Filled> {
  const file = path.join(dir, 'deskbell.sqlite');
  const db = openDatabase({ dialect: 'sqlite', file });
  try {
    await migrateToLatest(db);
    const live = await createAgentToken(db, 'Front desk');
    const revoked = await createAgentToken(db, 'Old laptop');
    await revokeAgentToken(db, revoked.agentToken.id);
    await writeSetting(db, 'copy-test', settingSchema, { colour: '#123456', names: ['ä', '✓', "O'Brien"] });
    await saveRuleVersion(db, acceptingChecker, { source: "board = 'Alerts'\n", note: 'first' }, 'admin@example.com');
    await saveRuleVersion(db, acceptingChecker, { source: "board = 'Service'\npriority = 2\n", note: 'second' }, 'admin@example.com');
    const admin = { email: 'owner@example.com', password: 'a long and careful passphrase' };
    await createAdminUser(db, { email: admin.email, name: 'Owner', password: admin.password }, 'cli');
    await recordAudit(db, { actor: 'cli', action: 'test.copy', target: 'x', details: { n: 1 } });

    const presses: Filled['presses'] = [];
    for (let i = 0; i < 5; i++) {
      const files = [
        { filename: `screen-${i}.png`, bytes: buildPng({ width: 40 + i, height: 30, shade: i * 7 }) },
        // Every byte value, so an encoding slip anywhere (text instead of bytes) shows.
        { filename: `log-${i}.bin`, bytes: Buffer.from(Array.from({ length: 256 * (i + 1) }, (_, b) => (b + i) % 256)) },
      ];
      const form = buildMultipart(basePress({ message: `Press ${i}: the printer is jammed` }), [
        { name: 'screenshot', bytes: files[0]!.bytes, filename: files[0]!.filename, type: 'image/png' },
        { name: 'attachment', bytes: files[1]!.bytes, filename: files[1]!.filename, type: 'application/octet-stream' },
      ]);
      const response = await handleCreatePress(
        new Request('http://127.0.0.1/api/v1/presses', { method: 'POST', body: form, headers: { authorization: `Bearer ${live.token}` } }),
        { db, publicUrl: null },
      );
      expect(response.status).toBe(202);
      presses.push({ id: ((await response.json()) as { id: string }).id, files });
    }
    return { file, liveToken: live.token, revokedToken: revoked.token, presses, admin };
  } finally {
    await db.destroy();
  }
}

function counts(result: CopyResult): Record<string, [number, number]> {
  return Object.fromEntries(result.tables.map((t) => [t.table, [t.source, t.target]]));
}

describe.skipIf(skipEngine('postgres'))('copying an SQLite install to PostgreSQL', () => {
  let dir: string;
  let filled: Filled;
  let targetUrl: string;
  let target: DeskbellDatabase;
  let first: CopyResult;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-copy-'));
    filled = await fillSqlite(dir);
    targetUrl = await createPostgresTestDatabase();
    const location = resolveDatabaseLocation(targetUrl, dir, { poolMax: 2 });
    if (location.dialect !== 'postgres') throw new Error('not a PostgreSQL location');
    // Tiny batches, so the batching itself is exercised by a handful of rows.
    first = await copySqliteToPostgres({ fromFile: filled.file, to: location, batchRows: 2, byteBatchRows: 3 });
    target = openPostgresTestDatabase(targetUrl, 2);
  });

  afterAll(async () => {
    await target?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table, parents before children, and the counts match', () => {
    expect(first.ok).toBe(true);
    const names = first.tables.map((t) => t.table);
    expect(names.indexOf('agent_tokens')).toBeLessThan(names.indexOf('presses'));
    expect(names.indexOf('presses')).toBeLessThan(names.indexOf('press_files'));
    expect(names.indexOf('press_files')).toBeLessThan(names.indexOf('press_file_thumbnails'));
    const c = counts(first);
    expect(c.presses).toEqual([5, 5]);
    expect(c.press_files).toEqual([10, 10]);
    expect(c.agent_tokens).toEqual([2, 2]);
    expect(c.rule_versions).toEqual([2, 2]);
    expect(c.jobs).toEqual([5, 5]);
    expect(c.admin_users).toEqual([1, 1]);
    expect(names).not.toContain('kysely_migration');
  });

  it('answers the app functions on PostgreSQL as it did on SQLite: tokens, presses, file bytes, settings, rules, admin', async () => {
    expect((await verifyAgentToken(target, filled.liveToken)).ok).toBe(true);
    expect((await verifyAgentToken(target, filled.revokedToken)).ok).toBe(false);
    expect((await listAgentTokens(target)).map((t) => t.name).sort()).toEqual(['Front desk', 'Old laptop']);

    for (const press of filled.presses) {
      const record = await findPressRecord(target, press.id);
      expect(record?.status).toBe('queued');
      const files = await listPressFiles(target, press.id);
      expect(files.map((f) => f.filename)).toEqual(press.files.map((f) => f.filename));
      for (const [i, file] of files.entries()) {
        const bytes = await readPressFileBytes(target, file.id);
        expect(Buffer.from(bytes!).equals(press.files[i]!.bytes)).toBe(true);
      }
    }

    expect(await readSetting(target, 'copy-test', settingSchema)).toEqual({ colour: '#123456', names: ['ä', '✓', "O'Brien"] });
    const rules = await listRuleVersions(target);
    expect(rules.versions.map((v) => v.version)).toEqual([2, 1]);
    expect((await findActiveRules(target))?.source).toBe("board = 'Service'\npriority = 2\n");
    expect(await verifyAdminPassword(target, filled.admin.email, filled.admin.password)).toBeTruthy();
    expect((await listAuditEntries(target, { limit: 50 })).map((e) => e.action)).toContain('test.copy');
  });

  it('refuses a target that already holds data and leaves it as it was; --force replaces it instead of doubling it', async () => {
    const location = resolveDatabaseLocation(targetUrl, dir, { poolMax: 2 });
    if (location.dialect !== 'postgres') throw new Error('not a PostgreSQL location');
    await expect(copySqliteToPostgres({ fromFile: filled.file, to: location })).rejects.toThrow(CopyRefusedError);
    const forced = await copySqliteToPostgres({ fromFile: filled.file, to: location, force: true });
    expect(forced.ok).toBe(true);
    expect(counts(forced).presses).toEqual([5, 5]);
    expect(counts(forced).press_files).toEqual([10, 10]);
  });

  it('refuses a source file that does not exist, creating nothing', async () => {
    const location = resolveDatabaseLocation(targetUrl, dir, { poolMax: 2 });
    if (location.dialect !== 'postgres') throw new Error('not a PostgreSQL location');
    const missing = path.join(dir, 'nope.sqlite');
    await expect(copySqliteToPostgres({ fromFile: missing, to: location })).rejects.toThrow(/no such SQLite file/);
    expect(fs.existsSync(missing)).toBe(false);
  });
});
