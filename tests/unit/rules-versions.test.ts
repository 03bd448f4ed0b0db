/**
 * Versioned rules storage over a real (in-memory) SQLite database. The syntax check is a test
 * double with the engine's `check` shape; the real engine's verdicts are covered by
 * tests/integration/rules-*.test.ts.
 */
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { findActiveRules } from '@/lib/settings/active-rules';
import {
  checkRuleSource,
  describeSyntaxProblem,
  diffRuleSources,
  hashRuleSource,
  listRuleVersions,
  rollbackRuleVersion,
  saveRuleVersion,
  type RuleSyntaxChecker,
} from '@/lib/rules/rule-versions';
import { loadIntakeSettings, rulesSourceSchema, SETTING_KEYS } from '@/lib/settings/intake-settings';
import { writeSetting } from '@/lib/settings/settings-store';
import { migrateToLatest, openDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { migrationProvider } from '@/lib/store/migrations';

const ADMIN = 'admin@msp.example';
const V1 = "if 'emergency' in selections:\n    priority = 0\n";
const V2 = "if 'emergency' in selections:\n    priority = 0\n    board = 'Alerts'\n";

/** Refuses any source containing `@@` at its position, the way Python reports a SyntaxError. */
function fakeChecker(): RuleSyntaxChecker & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async check(source) {
      calls.push(source);
      const lines = source.split('\n');
      const line = lines.findIndex((l) => l.includes('@@'));
      if (line === -1) return { ok: true };
      return { ok: false, error: { type: 'SyntaxError', message: 'invalid syntax', line: line + 1, column: lines[line]!.indexOf('@@') + 1 } };
    },
  };
}

async function apiError(promise: Promise<unknown>): Promise<DeskbellApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeskbellApiError);
  return error as DeskbellApiError;
}

let db: DeskbellDatabase;
beforeEach(async () => {
  db = openDatabase({ dialect: 'sqlite', memory: true });
  await migrateToLatest(db);
});
afterEach(async () => {
  await db.destroy();
});

describe('saving and rolling back', () => {
  it('save v1, save v2, roll back to v1: v3 has v1’s source, v3 is active, and each step is audited', async () => {
    const checker = fakeChecker();
    const v1 = await saveRuleVersion(db, checker, { source: V1, note: 'emergencies first' }, ADMIN);
    const v2 = await saveRuleVersion(db, checker, { source: V2, baseVersion: 1 }, 'other@msp.example');
    expect([v1.version.version, v2.version.version]).toEqual([1, 2]);

    const v3 = await rollbackRuleVersion(db, checker, 1, ADMIN);
    expect(v3).toMatchObject({ unchanged: false, version: { version: 3, active: true, note: 'Rolled back to v1', createdBy: ADMIN } });
    expect(await findActiveRules(db)).toMatchObject({ version: 3, source: V1, sha256: hashRuleSource(V1) });
    expect((await loadIntakeSettings(db)).rulesSource).toBe(V1);

    const list = await listRuleVersions(db);
    expect(list.total).toBe(3);
    expect(list.versions.map((v) => [v.version, v.active, v.createdBy])).toEqual([
      [3, true, ADMIN],
      [2, false, 'other@msp.example'],
      [1, false, ADMIN],
    ]);
    // Each diff is from the version before: v2 added a line, v3 took it out again.
    expect(list.versions[1]).toMatchObject({ added: 1, removed: 0, note: null });
    expect(list.versions[1]!.diff).toContain("+    board = 'Alerts'");
    expect(list.versions[1]!.diff).toContain('--- rules v1');
    expect(list.versions[0]).toMatchObject({ added: 0, removed: 1 });
    expect(list.versions[0]!.diff).toContain("-    board = 'Alerts'");
    expect(list.versions[2]).toMatchObject({ added: 2, removed: 0, lines: 2, note: 'emergencies first' });
    expect(list.versions[2]!.diff).toContain('--- no rules');

    const audit = (await listAuditEntries(db)).reverse();
    expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
      ['rules.saved', ADMIN, 'rules v1'],
      ['rules.saved', 'other@msp.example', 'rules v2'],
      ['rules.rolled_back', ADMIN, 'rules v3'],
    ]);
    expect(audit[2]!.details).toMatchObject({ version: 3, previousVersion: 2, rollbackOf: 1 });
    // The audit says what changed, not the whole source.
    expect(JSON.stringify(audit)).not.toContain('emergency');
  });

  it('refuses invalid rules with line, column and message, and stores nothing', async () => {
    const error = await apiError(saveRuleVersion(db, fakeChecker(), { source: 'priority = 1\nif x @@ 2:\n    pass\n' }, ADMIN));
    expect(error.code).toBe('unprocessable_entity');
    expect(error.status).toBe(422);
    expect(error.details).toEqual([{ path: 'source', message: 'SyntaxError: invalid syntax', line: 2, column: 6 }]);
    expect(error.message).toBe('Line 2, column 6: SyntaxError: invalid syntax. The rules were not saved.');
    expect(await findActiveRules(db)).toBeNull();
    expect(await listAuditEntries(db)).toEqual([]);
  });

  it('saving the active rules again adds no version', async () => {
    const checker = fakeChecker();
    await saveRuleVersion(db, checker, { source: V1 }, ADMIN);
    // CRLF from a pasted file is the same rules.
    const again = await saveRuleVersion(db, checker, { source: V1.replace(/\n/g, '\r\n') }, ADMIN);
    expect(again).toMatchObject({ unchanged: true, version: { version: 1 } });
    expect((await listRuleVersions(db)).total).toBe(1);
    expect(await listAuditEntries(db)).toHaveLength(1);
  });

  it('refuses a save based on a version someone else replaced meanwhile', async () => {
    const checker = fakeChecker();
    await saveRuleVersion(db, checker, { source: V1, baseVersion: null }, ADMIN);
    await saveRuleVersion(db, checker, { source: V2, baseVersion: 1 }, 'other@msp.example');
    const error = await apiError(saveRuleVersion(db, checker, { source: 'priority = 2\n', baseVersion: 1 }, ADMIN));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('version 2 was saved by other@msp.example');
    // A first save that expected no rules also conflicts once rules exist.
    expect((await apiError(saveRuleVersion(db, checker, { source: 'x = 1\n', baseVersion: null }, ADMIN))).code).toBe('conflict');
    expect((await findActiveRules(db))?.version).toBe(2);
  });

  it('empty rules turn the rules off without a check, and win over the old setting', async () => {
    const checker = fakeChecker();
    await writeSetting(db, SETTING_KEYS.rules, rulesSourceSchema, 'priority = 1');
    expect((await loadIntakeSettings(db)).rulesSource).toBe('priority = 1');
    await saveRuleVersion(db, checker, { source: '   \n' }, ADMIN);
    expect(checker.calls).toEqual([]);
    const settings = await loadIntakeSettings(db);
    expect(settings.rulesSource).toBe('   \n');
    expect(settings.rulesVersion).toBe(1);
  });

  it('an engine that cannot check means 503, nothing saved', async () => {
    const broken: RuleSyntaxChecker = { check: vi.fn(async () => Promise.reject(new Error('sandbox exited'))) };
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const error = await apiError(saveRuleVersion(db, broken, { source: V1 }, ADMIN));
    spy.mockRestore();
    expect(error.code).toBe('service_unavailable');
    expect(await findActiveRules(db)).toBeNull();
  });

  it('refuses an oversized source, a missing version, and an invalid old version on rollback', async () => {
    expect((await apiError(saveRuleVersion(db, fakeChecker(), { source: 'x'.repeat(200_001) }, ADMIN))).code).toBe('unprocessable_entity');
    expect((await apiError(rollbackRuleVersion(db, fakeChecker(), 7, ADMIN))).code).toBe('not_found');
    // A version that predates the check (imported) is held to it when it would become active again.
    await db.insertInto('rule_versions').values({ id: 'old', version: 1, source: 'if @@:\n', sha256: hashRuleSource('if @@:\n'), created_at: '2026-01-01T00:00:00Z', created_by: 'system', note: null }).execute();
    await saveRuleVersion(db, fakeChecker(), { source: V1 }, ADMIN);
    const error = await apiError(rollbackRuleVersion(db, fakeChecker(), 1, ADMIN));
    expect(error.code).toBe('unprocessable_entity');
    expect((await findActiveRules(db))?.version).toBe(2);
  });

  it('rolling back to rules equal to the active ones changes nothing', async () => {
    const checker = fakeChecker();
    await saveRuleVersion(db, checker, { source: V1 }, ADMIN);
    await saveRuleVersion(db, checker, { source: V2 }, ADMIN);
    await rollbackRuleVersion(db, checker, 1, ADMIN);
    expect(await rollbackRuleVersion(db, checker, 1, ADMIN)).toMatchObject({ unchanged: true, version: { version: 3 } });
    expect((await listRuleVersions(db)).total).toBe(3);
  });
});

describe('listing', () => {
  it('pages to older versions, each still diffed against its predecessor', async () => {
    const checker = fakeChecker();
    for (let i = 1; i <= 5; i += 1) await saveRuleVersion(db, checker, { source: `priority = ${i}\n` }, ADMIN);
    const first = await listRuleVersions(db, { limit: 2 });
    expect(first.versions.map((v) => v.version)).toEqual([5, 4]);
    const older = await listRuleVersions(db, { limit: 2, before: 4 });
    expect(older.versions.map((v) => [v.version, v.active])).toEqual([
      [3, false],
      [2, false],
    ]);
    expect(older.versions[1]!.diff).toContain('-priority = 1');
    expect(older.versions[1]!.diff).toContain('+priority = 2');
    expect(older.active?.version).toBe(5);
  });

  it('diffs identical text as empty, and counts lines', () => {
    expect(diffRuleSources({ version: 1, source: 'a\n' }, { version: 2, source: 'a\n' })).toEqual({ diff: '', added: 0, removed: 0 });
    expect(diffRuleSources(null, { version: 1, source: 'a\nb\n' })).toMatchObject({ added: 2, removed: 0 });
  });
});

describe('checking without saving', () => {
  it('reports the problem, and empty rules are fine', async () => {
    expect(await checkRuleSource(fakeChecker(), 'x = 1\n  @@\n')).toEqual({ ok: false, error: { type: 'SyntaxError', message: 'invalid syntax', line: 2, column: 3 } });
    expect(await checkRuleSource(fakeChecker(), '')).toEqual({ ok: true });
    expect(describeSyntaxProblem({ type: 'IndentationError', message: 'unexpected indent', line: 4, column: null })).toBe('Line 4: IndentationError: unexpected indent');
    expect(describeSyntaxProblem({ type: 'SyntaxError', message: 'bad', line: null, column: null })).toBe('SyntaxError: bad');
  });
});

describe('migration 0004', () => {
  it('imports rules from the old intake.rules setting as version 1', async () => {
    const fresh = openDatabase({ dialect: 'sqlite', memory: true });
    try {
      await new Migrator({ db: fresh, provider: migrationProvider }).migrateTo('0003-admin');
      await writeSetting(fresh, SETTING_KEYS.rules, rulesSourceSchema, V1);
      await migrateToLatest(fresh);
      expect(await findActiveRules(fresh)).toMatchObject({ version: 1, source: V1, createdBy: 'system', sha256: hashRuleSource(V1) });
    } finally {
      await fresh.destroy();
    }
  });

  it('starts with no versions when there were no rules', async () => {
    expect(await findActiveRules(db)).toBeNull();
    expect((await loadIntakeSettings(db)).rulesSource).toBeNull();
  });
});
