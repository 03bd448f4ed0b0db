/**
 * Moving an SQLite install to PostgreSQL (`npm run db:copy`): the target is migrated to the
 * latest schema, then every table's rows are copied in foreign-key order, in batches, inside one
 * PostgreSQL transaction (all or nothing) from one SQLite read snapshot, and the row counts of
 * both sides are compared per table. The tables and their order are read from the source's own
 * schema, so a table a later migration adds is copied without a change here.
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseLocation, type DeskbellDatabase } from '../../lib/store/database';

export type TableCount = { table: string; source: number; target: number };

export type CopyResult = { tables: TableCount[]; ok: boolean; applied: { source: string[]; target: string[] } };

export type CopyOptions = {
  /** The SQLite file to copy from; it is migrated to the latest schema first, as the app would at start. */
  fromFile: string;
  to: Extract<DatabaseLocation, { dialect: 'postgres' }>;
  /** Replace whatever the target's Deskbell tables hold instead of refusing. */
  force?: boolean;
  /** Rows per insert for tables without byte columns. */
  batchRows?: number;
  /** Rows per insert for tables with byte columns (files, thumbnails, logos: up to megabytes each). */
  byteBatchRows?: number;
  log?: (line: string) => void;
};

export class CopyRefusedError extends Error {}

// Kysely's own bookkeeping: the target has its own from migrating, and must keep it.
const MIGRATION_TABLES = /^kysely_migration/;

type SourceTable = { name: string; columns: string[]; hasBytes: boolean; parents: string[] };

export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyResult> {
  const log = options.log ?? (() => undefined);
  if (!fs.existsSync(options.fromFile)) throw new CopyRefusedError(`${options.fromFile}: no such SQLite file.`);
  const source = openDatabase({ dialect: 'sqlite', file: options.fromFile });
  const target = openDatabase(options.to);
  try {
    const appliedSource = await migrateToLatest(source);
    if (appliedSource.length) log(`Source brought to the latest schema first: ${appliedSource.join(', ')}.`);
    const appliedTarget = await migrateToLatest(target);
    log(appliedTarget.length ? `Target migrated: ${appliedTarget.length} migrations.` : 'Target schema already current.');

    const tables = orderByForeignKeys(await readSourceTables(source));
    await checkTargetTables(target, tables);

    const counts = await source.transaction().execute(async (snapshot) => {
      // One read snapshot of the source (an app still writing to it cannot tear the copy), one
      // transaction on the target (a failed copy leaves it as it was).
      return target.transaction().execute(async (into) => {
        const filled = await nonEmptyTables(into, tables);
        if (filled.length && !options.force) {
          throw new CopyRefusedError(`The target already holds data (${filled.join(', ')}). Copy into an empty database, or pass --force to replace it.`);
        }
        if (filled.length) {
          await sql`truncate table ${sql.join(tables.map((t) => sql.table(t.name)))}`.execute(into);
          log(`--force: emptied ${filled.join(', ')} on the target.`);
        }
        const copied: Record<string, number> = {};
        for (const table of tables) {
          copied[table.name] = await copyTable(snapshot, into, table, table.hasBytes ? (options.byteBatchRows ?? 16) : (options.batchRows ?? 500));
        }
        return copied;
      });
    });

    // Counted again after the commit: what the target holds now, against what the snapshot held.
    const result: TableCount[] = [];
    for (const table of tables) result.push({ table: table.name, source: counts[table.name] ?? 0, target: await countRows(target, table.name) });
    const ok = result.every((r) => r.source === r.target);
    return { tables: result, ok, applied: { source: appliedSource, target: appliedTarget } };
  } finally {
    await source.destroy();
    await target.destroy();
  }
}

async function readSourceTables(db: DeskbellDatabase): Promise<SourceTable[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const tables: SourceTable[] = [];
  for (const { name } of rows) {
    if (MIGRATION_TABLES.test(name)) continue;
    const columns = (await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${name})`.execute(db)).rows;
    const parents = (await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(db)).rows.map((r) => r.table);
    tables.push({
      name,
      columns: columns.map((c) => c.name),
      hasBytes: columns.some((c) => /blob|bytea/i.test(c.type)),
      parents: [...new Set(parents)].filter((p) => p !== name),
    });
  }
  return tables;
}

/** Parents before children, so every foreign key finds its row; alphabetical among equals, for a stable order. */
export function orderByForeignKeys(tables: SourceTable[]): SourceTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: SourceTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: SourceTable, path: string[]) => {
    if (state.get(table.name) === 'done') return;
    if (state.get(table.name) === 'visiting') throw new Error(`foreign keys form a cycle: ${[...path, table.name].join(' -> ')}`);
    state.set(table.name, 'visiting');
    for (const parent of table.parents) {
      const found = byName.get(parent);
      if (found) visit(found, [...path, table.name]);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(table, []);
  return ordered;
}

async function checkTargetTables(db: DeskbellDatabase, tables: SourceTable[]): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns where table_schema = current_schema()`.execute(db);
  const columns = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!columns.has(row.table_name)) columns.set(row.table_name, new Set());
    columns.get(row.table_name)!.add(row.column_name);
  }
  for (const table of tables) {
    const have = columns.get(table.name);
    if (!have) throw new CopyRefusedError(`The target has no table ${table.name}: is the source from a newer Deskbell than this one?`);
    const missing = table.columns.filter((c) => !have.has(c));
    if (missing.length) throw new CopyRefusedError(`The target's ${table.name} lacks ${missing.join(', ')}: is the source from a newer Deskbell than this one?`);
  }
}

async function nonEmptyTables(db: DeskbellDatabase, tables: SourceTable[]): Promise<string[]> {
  const filled: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<{ found: boolean }>`select exists (select 1 from ${sql.table(table.name)}) as found`.execute(db);
    if (rows[0]?.found) filled.push(table.name);
  }
  return filled;
}

async function countRows(db: DeskbellDatabase, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Reads the source in rowid order, a batch at a time (files stay a few at a time in memory), and inserts each batch as one statement. */
async function copyTable(source: DeskbellDatabase, target: DeskbellDatabase, table: SourceTable, batch: number): Promise<number> {
  let after = Number.MIN_SAFE_INTEGER;
  let copied = 0;
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  for (;;) {
    const { rows } = await sql<Record<string, unknown> & { deskbell_copy_rowid: number }>`
      select rowid as deskbell_copy_rowid, ${columns} from ${sql.table(table.name)}
      where rowid > ${after} order by rowid limit ${batch}`.execute(source);
    if (rows.length === 0) return copied;
    const values = rows.map((row) => sql`(${sql.join(table.columns.map((c) => toPostgresValue(row[c])))})`);
    await sql`insert into ${sql.table(table.name)} (${columns}) values ${sql.join(values)}`.execute(target);
    copied += rows.length;
    after = rows[rows.length - 1]!.deskbell_copy_rowid;
  }
}

/** SQLite hands bytes back as Buffers (bytea for node-postgres) and everything else as what the portable schema stores. */
function toPostgresValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value;
}
