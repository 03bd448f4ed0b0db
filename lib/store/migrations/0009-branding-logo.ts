import type { Kysely, Migration } from 'kysely';
import { bytesColumnType } from '../engine/database-engine';

/**
 * The MSP's logo, as uploaded in the admin UI: bytes in the database like every press file,
 * keyed by their SHA-256 so the URL that serves them can be cached for ever (a new logo is a
 * new URL). Only the current logo is kept; the branding setting names it.
 */
export const brandingLogoMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('branding_logos')
      .addColumn('sha256', 'text', (c) => c.primaryKey())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', bytesColumnType(db), (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('branding_logos').execute();
  },
};
