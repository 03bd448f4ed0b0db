/**
 * `npm run db:copy -- --from ./data/deskbell.sqlite --to postgres://user:password@host/deskbell [--force]`:
 * moves an SQLite install's data to PostgreSQL (scripts/lib/copy-database.ts). Stop Deskbell
 * first; afterwards start it with DATABASE_URL set to the PostgreSQL URL. The target's TLS and
 * connection settings are the app's (DATABASE_SSL, DATABASE_SSL_CA, sslmode in the URL).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serverEnv } from '../lib/env';
import { postgresOptionsFromEnv, resolveDatabaseLocation } from '../lib/store/database';
import { CopyRefusedError, copySqliteToPostgres } from './lib/copy-database';

const usage = `usage: npm run db:copy -- --to postgres://user:password@host:5432/database [--from <file.sqlite>] [--force]
  --from   the SQLite file (default: DESKBELL_DATA_DIR's deskbell.sqlite)
  --to     the PostgreSQL database (default: DATABASE_URL when it is a postgres:// URL)
  --force  replace what the target's Deskbell tables hold (otherwise a non-empty target is refused)`;

async function main(): Promise<number> {
  const env = serverEnv();
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const from = values.from ? path.resolve(values.from) : path.resolve(env.DESKBELL_DATA_DIR, 'deskbell.sqlite');
  const to = values.to ?? (env.DATABASE_URL && /^postgres(ql)?:\/\//i.test(env.DATABASE_URL) ? env.DATABASE_URL : undefined);
  if (!to) {
    console.error(`No target: pass --to postgres://…\n${usage}`);
    return 2;
  }
  const location = resolveDatabaseLocation(to, env.DESKBELL_DATA_DIR, { ...postgresOptionsFromEnv(env), poolMax: 2 });
  if (location.dialect !== 'postgres') {
    console.error(`--to must be a postgres:// URL.\n${usage}`);
    return 2;
  }
  const shown = new URL(location.url);
  if (shown.password) shown.password = '***';
  console.log(`Copying ${from} to ${shown.toString()} ...`);
  const started = Date.now();
  const result = await copySqliteToPostgres({ fromFile: from, to: location, force: values.force ?? false, log: (line) => console.log(line) });
  const width = Math.max(...result.tables.map((t) => t.table.length), 5);
  console.log(`\n${'table'.padEnd(width)}  ${'sqlite'.padStart(8)}  ${'postgres'.padStart(8)}`);
  for (const t of result.tables) console.log(`${t.table.padEnd(width)}  ${String(t.source).padStart(8)}  ${String(t.target).padStart(8)}${t.source === t.target ? '' : '  MISMATCH'}`);
  if (!result.ok) {
    console.error('\nThe row counts differ: do not switch to PostgreSQL yet; run the copy again with --force.');
    return 1;
  }
  console.log(`\nEvery row copied in ${((Date.now() - started) / 1000).toFixed(1)} s. Start Deskbell with DATABASE_URL=<the PostgreSQL URL>.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof CopyRefusedError ? `Refused: ${error.message}` : `The copy failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof CopyRefusedError ? 3 : 1);
  },
);
