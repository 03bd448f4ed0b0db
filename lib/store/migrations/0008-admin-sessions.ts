import type { Kysely, Migration } from 'kysely';

/**
 * A per-admin session generation. Every admin session token carries the generation it was
 * issued under and is re-checked against the row on each request; raising the number (a
 * password reset) ends every session issued before, on every device, at its next request.
 */
export const adminSessionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('admin_users').addColumn('session_generation', 'integer', (col) => col.notNull().defaultTo(0)).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('admin_users').dropColumn('session_generation').execute();
  },
};
