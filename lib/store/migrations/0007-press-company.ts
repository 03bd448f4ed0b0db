import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The Manage company a press was filed under, as a column: the pod's company tab lists a
 * company's presses, which must not mean scanning every press's outcome JSON. Filled from
 * the stored outcomes once; the pipeline writes it with each outcome from now on.
 */
export const pressCompanyMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('presses').addColumn('company_id', 'integer').execute();
    await db.schema.createIndex('presses_company_received').on('presses').columns(['company_id', 'received_at']).execute();

    const rows = await sql<{ id: string; outcome: string }>`select id, outcome from presses where outcome is not null`.execute(db);
    for (const row of rows.rows) {
      const companyId = companyOf(row.outcome);
      if (companyId !== null) await sql`update presses set company_id = ${companyId} where id = ${row.id}`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('presses_company_received').execute();
    await db.schema.alterTable('presses').dropColumn('company_id').execute();
  },
};

// An unreadable outcome leaves the column empty rather than stopping the upgrade.
function companyOf(outcome: string): number | null {
  try {
    const id = (JSON.parse(outcome) as { contact?: { companyId?: unknown } | null }).contact?.companyId;
    return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
  } catch {
    return null;
  }
}
