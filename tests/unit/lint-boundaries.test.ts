/**
 * The boundary lint rules (eslint.config.mjs over scripts/lib/architecture.mjs), run through
 * ESLint with the project's own configuration on code that breaks them and code that does not.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The boundary messages ESLint reports for `code` as if it were the file at `file`. */
async function boundaryProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId?.startsWith('deskbell/')).map((m) => `${m.ruleId}: ${m.message}`);
}

// Loading the project's configuration (Next's plugins, the TypeScript parser) takes seconds, once.
beforeAll(() => boundaryProblems('lib/env.ts', 'export {};\n'), 60_000);

describe('import boundaries', () => {
  it('stops UI from reaching the store or the adapter, type imports and dynamic imports included', async () => {
    expect(await boundaryProblems('components/x/y.tsx', "import type { TicketEventKind } from '@/lib/store/schema';\nexport type K = TicketEventKind;\n")).toEqual([
      expect.stringContaining('UI code never imports lib/store'),
    ]);
    expect(await boundaryProblems('app/x/page.tsx', "export async function f() { return import('@/lib/connectwise/tickets'); }\n")).toEqual([
      expect.stringContaining('never imports lib/connectwise'),
    ]);
    expect(await boundaryProblems('app/x/actions.ts', "export { getDatabase } from '@/lib/store/database';\n")).toEqual([
      expect.stringContaining('app code never imports lib/store'),
    ]);
    expect(await boundaryProblems('app/x/page.tsx', "export { isFirstRun } from '@/lib/auth/admin-pages';\n")).toEqual([]);
  });

  it('keeps lib folders importing downward only, relative paths included', async () => {
    const problems = await boundaryProblems('lib/presses/x.ts', "import { acceptPress } from '../intake/accept-press';\nexport const f = acceptPress;\n");
    expect(problems).toEqual([expect.stringContaining('lib/presses may not import lib/intake: a lib folder imports only folders below it (api > setup')]);
    expect(await boundaryProblems('lib/intake/x.ts', "export { hasAnyPress } from '@/lib/presses/press-stats';\n")).toEqual([]);
  });

  it('keeps lib off app/ and components/, lib/api for route files, and the adapter off settings', async () => {
    expect(await boundaryProblems('lib/presses/x.ts', "export { f } from '@/components/ui/format';\n")).toEqual([expect.stringContaining('lib never imports components/')]);
    expect(await boundaryProblems('app/x/page.tsx', "export { withAdmin } from '@/lib/api/with-admin';\n")).toEqual([expect.stringContaining('app/api/**/route.ts')]);
    expect(await boundaryProblems('lib/connectwise/x.ts', "export { loadManageConnection } from '@/lib/settings/manage-connection';\n")).toEqual([
      expect.stringContaining('lib/connectwise (the Manage adapter) imports only lib/env.ts, lib/text'),
    ]);
  });
});

describe('the press tables', () => {
  const query = [
    "import { sql } from 'kysely';",
    'type Db = any;',
    "export const a = (db: Db) => db.selectFrom('presses as p').selectAll().execute();",
    "export const b = (db: Db) => db.selectFrom('jobs').innerJoin('press_files', 'press_files.press_id', 'jobs.id').execute();",
    "export const c = (db: Db, id: string) => sql`update presses set status = 'dead' where id = ${id}`.execute(db);",
    "export const d = (db: Db) => db.selectFrom('jobs').where('kind', '=', 'presses').execute();",
    '',
  ].join('\n');

  it('are named only by the press store', async () => {
    const problems = await boundaryProblems('lib/intake/x.ts', query);
    expect(problems).toEqual([
      expect.stringContaining('queries `presses`'),
      expect.stringContaining('queries `press_files`'),
      expect.stringContaining('queries `presses`'),
    ]);
    expect(await boundaryProblems('lib/presses/press-store.ts', query)).toEqual([]);
    expect(await boundaryProblems('lib/presses/press-file-store.ts', query)).toEqual([]);
  });
});
