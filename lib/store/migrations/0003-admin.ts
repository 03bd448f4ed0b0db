import type { Kysely, Migration } from 'kysely';

/** Admin users, login throttling, the audit log, and when each press got its ticket. */
export const adminMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('admin_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text')
      // Null for users who only sign in through OIDC.
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_login_at', 'text')
      .addColumn('disabled_at', 'text')
      .execute();

    await db.schema
      .createTable('login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_started_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      // JSON; never holds a secret (callers pass what changed, not the values of secrets).
      .addColumn('details', 'text')
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

    await db.schema.alterTable('presses').addColumn('ticket_created_at', 'text').execute();
    await db.schema.createIndex('presses_status').on('presses').columns(['status', 'received_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('presses_status').execute();
    await db.schema.alterTable('presses').dropColumn('ticket_created_at').execute();
    for (const table of ['audit_log', 'login_throttle', 'admin_users']) await db.schema.dropTable(table).execute();
  },
};
