import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Dispatcher rules, versioned. History is append-only: a save or a rollback adds a row, and
 * the highest version is the one presses use, so "which version is active" can never
 * disagree with the history.
 */
export const rulesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rule_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Unique: two admins saving at once cannot both become version N.
      .addColumn('version', 'integer', (c) => c.notNull().unique())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();

    // Rules kept in the old single setting become version 1, so their history starts there.
    const legacy = await sql<{ value: string }>`select value from settings where key = 'intake.rules'`.execute(db);
    const value = legacy.rows[0]?.value;
    const source = value === undefined ? null : parseJson(value);
    if (typeof source === 'string' && source.trim() !== '') {
      const sha256 = createHash('sha256').update(source, 'utf8').digest('hex');
      await sql`insert into rule_versions (id, version, source, sha256, created_at, created_by, note)
        values (${randomUUID()}, 1, ${source}, ${sha256}, ${new Date().toISOString()}, 'system', 'Imported from the intake.rules setting')`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rule_versions').execute();
  },
};

// A hand-edited, unreadable setting must not stop the upgrade; it stays where it is.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
