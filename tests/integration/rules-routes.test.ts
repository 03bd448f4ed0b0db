/**
 * The rules API as Next calls it: session first, zod, one lib call, errors mapped. The session
 * and the app database are replaced (next-auth needs a request scope); the engine is the
 * app's real one (getAppRuleEngine), so the syntax check and test runs are Python's own.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { getAppRuleEngine } from '@/lib/rules/engine/python-engine';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import type { RuleTestResult, RuleVersionList, SaveRulesResult } from '@/lib/rules/types';

const state = vi.hoisted(() => ({ session: null as AdminSession | null, db: null as unknown }));

vi.mock('@/lib/auth/admin-session', () => ({
  requireAdminApi: async () => {
    if (!state.session) throw new DeskbellApiError('unauthorized', 'Sign in as a Deskbell admin to use this API.');
    return state.session;
  },
}));

vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

const versionsRoute = await import('@/app/api/admin/rules/versions/route');
const checkRoute = await import('@/app/api/admin/rules/check/route');
const rollbackRoute = await import('@/app/api/admin/rules/rollback/[version]/route');
const testRoute = await import('@/app/api/admin/rules/test/route');

const ADMIN = 'admin@msp.example';
let db: DeskbellDatabase;

const post = (path: string, body?: unknown) =>
  new Request(`http://deskbell.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const params = (version: string) => ({ params: Promise.resolve({ version }) });
const signIn = () => {
  state.session = { userId: 'u1', email: ADMIN, name: 'Admin' } as AdminSession;
};
const sample = { message: 'EVERYTHING IS DOWN AND NOTHING WORKS', selections: ['This is an emergency'], email: 'dana.whitfield@acme-mfg.example', company: 'Acme Manufacturing', registered: true };

beforeAll(async () => {
  // Test runs have their own pool; the Rules page starts it, here the test does.
  await Promise.all([getAppRuleEngine().warm(), getAppRuleEngine().warm('test')]);
}, 120_000);
afterAll(async () => {
  await getAppRuleEngine().close();
});
beforeEach(async () => {
  db = await openTestDatabase();
  state.db = db;
  state.session = null;
});
afterEach(async () => {
  await db.destroy();
});

describe('without a session', () => {
  it('every rules route answers 401 and changes nothing', async () => {
    const answers = await Promise.all([
      versionsRoute.GET(new Request('http://deskbell.test/api/admin/rules/versions')),
      versionsRoute.POST(post('/api/admin/rules/versions', { source: 'x = 1' })),
      checkRoute.POST(post('/api/admin/rules/check', { source: 'x = 1' })),
      rollbackRoute.POST(post('/api/admin/rules/rollback/1'), params('1')),
      testRoute.POST(post('/api/admin/rules/test', { source: 'x = 1', sample })),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await db.selectFrom('rule_versions').selectAll().execute()).toEqual([]);
  });
});

describe('saving, listing, rolling back', () => {
  it('refuses invalid rules with 422 and the line, column and message from Python', async () => {
    signIn();
    const res = await versionsRoute.POST(post('/api/admin/rules/versions', { source: "priority = 1\nif board == 'Alerts'\n    priority = 0\n" }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown[] } };
    expect(body.error.code).toBe('unprocessable_entity');
    expect(body.error.details).toEqual([{ path: 'source', message: expect.stringMatching(/^SyntaxError: /), line: 2, column: expect.any(Number) }]);
    expect(body.error.message).toMatch(/^Line 2, column \d+: SyntaxError: .*The rules were not saved\.$/);
    expect(await db.selectFrom('rule_versions').selectAll().execute()).toEqual([]);
  });

  it('v1, v2, then one click back to v1 makes v3 active, with diffs and audit entries', async () => {
    signIn();
    const v1 = await versionsRoute.POST(post('/api/admin/rules/versions', { source: "board = 'Alerts'\n", note: 'all to Alerts', baseVersion: null }));
    expect(v1.status).toBe(201);
    expect(((await v1.json()) as SaveRulesResult).version).toMatchObject({ version: 1, createdBy: ADMIN, note: 'all to Alerts', active: true });
    const v2 = await versionsRoute.POST(post('/api/admin/rules/versions', { source: "board = 'Professional Services'\n", baseVersion: 1 }));
    expect(v2.status).toBe(201);

    const back = await rollbackRoute.POST(post('/api/admin/rules/rollback/1'), params('1'));
    expect(back.status).toBe(201);
    expect(((await back.json()) as SaveRulesResult).version).toMatchObject({ version: 3, note: 'Rolled back to v1' });

    const list = (await (await versionsRoute.GET(new Request('http://deskbell.test/api/admin/rules/versions'))).json()) as RuleVersionList;
    expect(list.active).toMatchObject({ version: 3, source: "board = 'Alerts'\n" });
    expect(list.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(list.versions[0]!.diff).toContain("-board = 'Professional Services'\n+board = 'Alerts'");
    const actions = (await listAuditEntries(db)).map((a) => a.action).reverse();
    expect(actions).toEqual(['rules.saved', 'rules.saved', 'rules.rolled_back']);

    // Saving from a stale editor (based on v1) is refused: someone moved on.
    const stale = await versionsRoute.POST(post('/api/admin/rules/versions', { source: 'priority = 1\n', baseVersion: 1 }));
    expect(stale.status).toBe(409);
    const same = await versionsRoute.POST(post('/api/admin/rules/versions', { source: "board = 'Alerts'\n" }));
    expect(same.status).toBe(200);
    expect(((await same.json()) as SaveRulesResult).unchanged).toBe(true);
  });

  it('bad input is refused in words', async () => {
    signIn();
    expect((await rollbackRoute.POST(post('/api/admin/rules/rollback/abc'), params('abc'))).status).toBe(422);
    const missing = await rollbackRoute.POST(post('/api/admin/rules/rollback/9'), params('9'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('There is no rules version 9.');
    expect((await versionsRoute.POST(post('/api/admin/rules/versions', 'not json'))).status).toBe(400);
    expect((await versionsRoute.POST(post('/api/admin/rules/versions', { note: 'no source' }))).status).toBe(422);
    expect((await versionsRoute.GET(new Request('http://deskbell.test/api/admin/rules/versions?limit=0'))).status).toBe(422);
  });
});

describe('check and test', () => {
  it('Check answers with Python’s verdict without saving', async () => {
    signIn();
    const bad = await checkRoute.POST(post('/api/admin/rules/check', { source: 'x = 1\ny = (\n' }));
    expect(bad.status).toBe(200);
    expect(await bad.json()).toEqual({ ok: false, error: { type: 'SyntaxError', message: expect.any(String), line: 2, column: expect.any(Number) } });
    expect(await (await checkRoute.POST(post('/api/admin/rules/check', { source: "board = 'Alerts'\n" }))).json()).toEqual({ ok: true });
    expect(await db.selectFrom('rule_versions').selectAll().execute()).toEqual([]);
  });

  it('POST /api/admin/rules/test runs the engine: variables with changes marked, output, time', async () => {
    signIn();
    const source = [
      "if 'emergency' in selections:",
      '    priority = 0',
      'if sum(1 for c in msg if c.isupper()) / len(msg) > 0.75:',
      "    subject = '**EMERGENCY** ' + subject",
      "name = 'Someone Else'",
      "print('priority is', priority)",
    ].join('\n');
    const res = await testRoute.POST(post('/api/admin/rules/test', { source, sample }));
    expect(res.status).toBe(200);
    const result = (await res.json()) as RuleTestResult;
    expect(result.verdict).toBe('ticket');
    expect(result.variables.filter((v) => v.changed).map((v) => v.name).sort()).toEqual(['priority', 'subject']);
    expect(result.variables.find((v) => v.name === 'priority')).toMatchObject({ after: 0, changed: true });
    expect(result.variables.find((v) => v.name === 'subject')!.after).toBe('**EMERGENCY** EVERYTHING IS DOWN AND NOTHING WORKS');
    expect(result.variables.find((v) => v.name === 'name')).toMatchObject({ readOnly: true, changed: false });
    expect(result.output).toBe('priority is 0\n');
    expect(result.warnings).toEqual([expect.stringContaining('name is read-only')]);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.totalMs).toBeGreaterThanOrEqual(result.durationMs);
  });

  it('a crash in a test run comes back with its line; the values stay as before', async () => {
    signIn();
    const res = await testRoute.POST(post('/api/admin/rules/test', { source: "board = 'Alerts'\n\nboard = undefined_name\n", sample }));
    const result = (await res.json()) as RuleTestResult;
    expect(result).toMatchObject({ verdict: 'ticket_despite_error', error: { type: 'NameError', line: 3 } });
    expect(result.variables.some((v) => v.changed)).toBe(false);
  });

  it('a test run starts read/write variables where the admin says, as saved defaults would', async () => {
    signIn();
    const source = 'priority = priority - 1\nif business_name == "Acme Manufacturing":\n    board = board + " (Acme)"\n';
    const res = await testRoute.POST(post('/api/admin/rules/test', { source, sample, start: { priority: 3, board: 'Desk' } }));
    expect(res.status).toBe(200);
    const result = (await res.json()) as RuleTestResult;
    expect(result.error).toBeNull();
    expect(result.variables.find((v) => v.name === 'priority')).toMatchObject({ before: 3, after: 2, changed: true });
    expect(result.variables.find((v) => v.name === 'board')).toMatchObject({ before: 'Desk', after: 'Desk (Acme)', changed: true });
    // An unknown variable or a fraction is refused before anything runs, naming the field.
    const bad = await testRoute.POST(post('/api/admin/rules/test', { source, sample, start: { priority: 2.5, colour: 'red' } }));
    expect(bad.status).toBe(422);
    const paths = ((await bad.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['start.priority', 'start']));
    // Each test run retires its interpreter: runs in quick succession wait for a replacement.
  }, 120_000);

  it('a test with no message is refused, naming the field', async () => {
    signIn();
    const res = await testRoute.POST(post('/api/admin/rules/test', { source: 'x = 1', sample: { ...sample, message: ' ' } }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { details: unknown[] } }).error.details).toEqual([{ path: 'sample.message', message: 'Type a sample message, as an end user would.' }]);
  });
});
