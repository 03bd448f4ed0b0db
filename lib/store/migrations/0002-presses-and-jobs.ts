import type { Kysely, Migration } from 'kysely';
import { bytesColumnType } from '../engine/database-engine';

/**
 * Presses, their files, the agent tokens that send them, and the durable job queue.
 * Times are ISO-8601 UTC text (always toISOString(), so they compare as text on SQLite and
 * PostgreSQL alike); ids are random text so they can serve as Manage's externalXRef.
 */
export const pressesAndJobsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agent_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema
      .createTable('presses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('agent_token_id', 'text', (c) => c.notNull().references('agent_tokens.id'))
      .addColumn('idempotency_key', 'text')
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('ticket_id', 'integer')
      .addColumn('ticket_number', 'text')
      .addColumn('refused_message', 'text')
      .addColumn('dead_reason', 'text')
      .addColumn('outcome', 'text')
      .addColumn('files_removed_at', 'text')
      .execute();
    await db.schema
      .createIndex('presses_idempotency')
      .on('presses')
      .columns(['agent_token_id', 'idempotency_key'])
      .unique()
      .execute();
    await db.schema.createIndex('presses_received_at').on('presses').column('received_at').execute();
    await db.schema.createIndex('presses_ticket_id').on('presses').column('ticket_id').execute();

    await db.schema
      .createTable('press_files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('press_id', 'text', (c) => c.notNull().references('presses.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('captured_at', 'text')
      .addColumn('monitor', 'integer')
      .addColumn('bytes', bytesColumnType(db))
      .addColumn('removed_at', 'text')
      .addColumn('manage_document_id', 'integer')
      .execute();
    await db.schema
      .createIndex('press_files_press')
      .on('press_files')
      .columns(['press_id', 'position'])
      .unique()
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('dead_reason', 'text')
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['jobs', 'press_files', 'presses', 'agent_tokens']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
