/**
 * What must hold the same on SQLite and on PostgreSQL, where several instances share one
 * database: counts that concurrent writers cannot lose, a rules save that loses a race with a
 * clean conflict, the dashboard's search folding and escaping alike, and its keyset pages.
 * Each case runs on both engines; "two instances" are two pools on one PostgreSQL database
 * (one handle on SQLite, which is one process by design).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { recordLoginFailure, type ThrottlePolicy } from '@/lib/auth/login-throttle';
import { DeskbellApiError } from '@/lib/http/errors';
import { acceptPress } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { listPresses, pressListQuerySchema } from '@/lib/presses/list-presses';
import { listRuleVersions, saveRuleVersion, type RuleSyntaxChecker } from '@/lib/rules/rule-versions';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openSecondInstance, openTestDatabase, skipEngine, testEngines } from '@/tests/support/test-database';
import { basePress, buildMultipart } from '../support/press-fixtures';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function twoInstances(engine: (typeof testEngines)[number]): Promise<[DeskbellDatabase, DeskbellDatabase]> {
  const db = await openTestDatabase({ engine });
  cleanups.push(() => db.destroy());
  const second = openSecondInstance(db);
  cleanups.push(() => second.close());
  return [db, second.db];
}

const alwaysValid: RuleSyntaxChecker = { check: async () => ({ ok: true }) };

describe.each(testEngines)('on %s', (engine) => {
  it.skipIf(skipEngine(engine))('counts every one of many sign-in failures fired at once from two instances', async () => {
    const [a, b] = await twoInstances(engine);
    const policy: ThrottlePolicy = { maxFailures: 25, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
    const key = 'email-client:ann@msp.example|203.0.113.9';
    const now = new Date('2026-12-01T10:00:00.000Z');
    const counts = await Promise.all(Array.from({ length: 24 }, (_, i) => recordLoginFailure(i % 2 ? a : b, [key], now, policy)));
    // Each failure saw its own count: none was lost, none counted twice.
    expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    const row = await a.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ failures: 24, window_started_at: now.toISOString(), locked_until: null });

    // The 25th locks; a failure after the lock ran out starts a new window at 1.
    expect(await recordLoginFailure(a, [key], now, policy)).toBe(25);
    const locked = await b.selectFrom('login_throttle').select('locked_until').where('key', '=', key).executeTakeFirstOrThrow();
    expect(locked.locked_until).toBe(new Date(now.getTime() + policy.lockMs).toISOString());
    const later = new Date(now.getTime() + policy.lockMs + 1);
    expect(await recordLoginFailure(b, [key], later, policy)).toBe(1);
    expect(await a.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirstOrThrow()).toMatchObject({
      failures: 1,
      window_started_at: later.toISOString(),
      locked_until: null,
    });
  });

  it.skipIf(skipEngine(engine))('answers a conflict to the loser of rules saves made at the same moment, never a raw database error', async () => {
    const [a, b] = await twoInstances(engine);
    const saves = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => saveRuleVersion(i % 2 ? a : b, alwaysValid, { source: `set_priority("P${i}")\n` }, `admin${i}@msp.example`)),
    );
    const saved = saves.flatMap((s) => (s.status === 'fulfilled' ? [s.value.version.version] : []));
    const refused = saves.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(DeskbellApiError);
      expect((reason as DeskbellApiError).code).toBe('conflict');
    }
    // The winners got consecutive versions, and the history holds exactly them.
    expect([...saved].sort((x, y) => x - y)).toEqual(Array.from({ length: saved.length }, (_, i) => i + 1));
    const list = await listRuleVersions(a, { limit: 100 });
    expect(list.total).toBe(saved.length);
    expect(list.active?.version).toBe(saved.length);

    // Two editors who both started from the newest version: one saves, the other is told so.
    const base = saved.length;
    const both = await Promise.allSettled([
      saveRuleVersion(a, alwaysValid, { source: 'set_priority("mine")\n', baseVersion: base }, 'ann@msp.example'),
      saveRuleVersion(b, alwaysValid, { source: 'set_priority("theirs")\n', baseVersion: base }, 'bob@msp.example'),
    ]);
    expect(both.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const loser = both.find((s) => s.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(DeskbellApiError);
    expect((loser!.reason as DeskbellApiError).code).toBe('conflict');
    expect((await listRuleVersions(b)).total).toBe(base + 1);
  });

  describe('the dashboard list', () => {
    async function storePresses(db: DeskbellDatabase, presses: { at: string; message: string }[]): Promise<string[]> {
      const { agentToken } = await createAgentToken(db, 'portability');
      const ids: string[] = [];
      for (const { at, message } of presses) {
        const body = buildMultipart(basePress({ message, host: { ...(basePress().host as object), hostname: 'PC-9.corp.local' } }), []);
        const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body }), pressLimitsFromEnv());
        ids.push((await acceptPress({ db, now: () => new Date(at) }, { agentTokenId: agentToken.id, submission })).press.id);
      }
      return ids;
    }

    const search = async (db: DeskbellDatabase, q: string) =>
      (await listPresses(db, pressListQuerySchema.parse({ q }))).items.map((item) => item.messagePreview).sort();

    it.skipIf(skipEngine(engine))('searches non-ASCII text and literal % and _ the same way', async () => {
      const db = await openTestDatabase({ engine });
      cleanups.push(() => db.destroy());
      await storePresses(db, [
        { at: '2026-12-01T10:00:00.000Z', message: 'The office in Zürich has no network' },
        { at: '2026-12-01T10:01:00.000Z', message: 'ZÜRICH OFFICE PRINTER JAMMED' },
        { at: '2026-12-01T10:02:00.000Z', message: 'Disk is 100% full' },
        { at: '2026-12-01T10:03:00.000Z', message: 'Disk is 1000 GB' },
        { at: '2026-12-01T10:04:00.000Z', message: 'Share a_b is gone' },
        { at: '2026-12-01T10:05:00.000Z', message: 'Share axb is gone' },
        { at: '2026-12-01T10:06:00.000Z', message: 'Ошибка: принтер не печатает' },
      ]);
      // ASCII letters fold; other letters match as typed, on both engines alike.
      expect(await search(db, 'zürich')).toEqual(['The office in Zürich has no network']);
      expect(await search(db, 'ZüRICH')).toEqual(['The office in Zürich has no network']);
      expect(await search(db, 'ZÜRICH')).toEqual(['ZÜRICH OFFICE PRINTER JAMMED']);
      expect(await search(db, 'принтер')).toEqual(['Ошибка: принтер не печатает']);
      expect(await search(db, 'ПРИНТЕР')).toEqual([]);
      // % and _ are literal characters, not wildcards.
      expect(await search(db, '100%')).toEqual(['Disk is 100% full']);
      expect(await search(db, 'a_b')).toEqual(['Share a_b is gone']);
      expect(await search(db, '%')).toEqual(['Disk is 100% full']);
      expect(await search(db, 'office')).toEqual(['The office in Zürich has no network', 'ZÜRICH OFFICE PRINTER JAMMED']);
    });

    it.skipIf(skipEngine(engine))('pages by keyset through presses that share a time, each exactly once, newest first', async () => {
      const db = await openTestDatabase({ engine });
      cleanups.push(() => db.destroy());
      const times = ['2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.000Z', '2026-12-01T23:59:59.999Z', '2026-12-02T00:00:00.000Z', '2026-12-01T10:00:00.000Z'];
      const ids = await storePresses(db, times.map((at, i) => ({ at, message: `press ${i}` })));
      const expected = ids
        .map((id, i) => ({ id, at: times[i]! }))
        .sort((x, y) => (x.at === y.at ? (x.id < y.id ? 1 : -1) : x.at < y.at ? 1 : -1))
        .map((p) => p.id);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const result = await listPresses(db, pressListQuerySchema.parse({ limit: 2, cursor }));
        seen.push(...result.items.map((item) => item.id));
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      expect(seen).toEqual(expected);
    });
  });
});
