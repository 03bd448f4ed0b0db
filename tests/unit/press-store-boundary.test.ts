import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The press store is the only code that queries the press tables: a query written anywhere
 * else would parse the JSON columns its own way again and keep SQL dialect details out of the
 * one place the PostgreSQL work has to change. Migrations create the tables and may name them.
 */

const root = path.resolve(import.meta.dirname, '../..');
const STORE_FILES = new Set(['lib/presses/press-store.ts', 'lib/presses/press-read-store.ts', 'lib/presses/press-file-store.ts']);
const TABLE_QUERY = /\b(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|(?:inner|left|right|full|cross)?[jJ]oin)\(\s*['"`](?:presses|press_files|press_file_thumbnails)\b/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(?:ts|tsx)$/.test(entry.name) ? [relative] : [];
  });
}

function pressTableQueriesOutsideStore(files: readonly string[], read: (file: string) => string): string[] {
  return files.filter((file) => !STORE_FILES.has(file) && !file.startsWith('lib/store/migrations/') && TABLE_QUERY.test(read(file)));
}

describe('press store boundary', () => {
  it('no code in lib/ or app/ outside the press store queries presses, press_files or their thumbnails', () => {
    const files = [...sourceFiles('lib'), ...sourceFiles('app')];
    expect(files.length).toBeGreaterThan(50);
    expect(pressTableQueriesOutsideStore(files, (file) => fs.readFileSync(path.join(root, file), 'utf8'))).toEqual([]);
  });

  it('notices a query written outside the store, joins and aliases included', () => {
    const sources: Record<string, string> = {
      'lib/notifications/a.ts': "db.selectFrom('notifications as n').leftJoin('presses as p', 'p.id', 'n.press_id')",
      'lib/pod/b.ts': "await db.updateTable('press_files').set({ bytes: null })",
      'app/c.ts': "db.deleteFrom('press_file_thumbnails')",
      'lib/presses/press-store.ts': "db.selectFrom('presses')",
      'lib/store/migrations/0002-presses-and-jobs.ts': "db.insertInto('presses')",
      'lib/jobs/d.ts': "db.selectFrom('jobs') // presses are elsewhere",
    };
    expect(pressTableQueriesOutsideStore(Object.keys(sources), (file) => sources[file]!)).toEqual([
      'lib/notifications/a.ts',
      'lib/pod/b.ts',
      'app/c.ts',
    ]);
  });
});
