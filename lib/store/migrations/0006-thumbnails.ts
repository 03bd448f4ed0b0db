import type { Kysely, Migration } from 'kysely';
import { bytesColumnType } from '../engine/database-engine';

/**
 * Small WebP previews of press images, made once and kept beside the file they show, so the
 * Manage pod can show every screenshot at once without sending megabytes of PNG. A row with
 * no bytes records that the file could not be made into one (not decodable), so a broken
 * image is tried once, not on every view. Retention deletes the row with the file's bytes.
 */
export const thumbnailsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('press_file_thumbnails')
      .addColumn('file_id', 'text', (c) => c.primaryKey().references('press_files.id').onDelete('cascade'))
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', bytesColumnType(db))
      .addColumn('width', 'integer')
      .addColumn('height', 'integer')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('press_file_thumbnails').execute();
  },
};
