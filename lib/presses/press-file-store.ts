import 'server-only';
import { randomUUID } from 'node:crypto';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { PressFileKind } from '@/lib/store/schema';

/**
 * The only code that reads or writes `press_files` and their thumbnails
 * (`press_file_thumbnails`); presses themselves are press-store.ts's. Bytes are read one file
 * at a time and only where they are served or uploaded, never with a list.
 */

export type NewPressFile = {
  kind: PressFileKind;
  /** Safe display name: no path, no control characters, bounded length. */
  filename: string;
  /** Sniffed for images; for other attachments the declared type when well-formed. */
  contentType: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  capturedAt: string | null;
  monitor: number | null;
  bytes: Uint8Array;
};

/** Part of insertPress: the files of a new press, in order. */
export async function insertPressFiles(db: DeskbellDatabase, pressId: string, files: readonly NewPressFile[]): Promise<void> {
  if (files.length === 0) return;
  await db
    .insertInto('press_files')
    .values(
      files.map((file, position) => ({
        id: randomUUID(),
        press_id: pressId,
        position,
        kind: file.kind,
        filename: file.filename,
        content_type: file.contentType,
        size: file.size,
        sha256: file.sha256,
        width: file.width,
        height: file.height,
        captured_at: file.capturedAt,
        monitor: file.monitor,
        bytes: file.bytes,
        removed_at: null,
        manage_document_id: null,
      })),
    )
    .execute();
}

/** A press file's metadata. */
export type StoredPressFile = {
  id: string;
  position: number;
  kind: PressFileKind;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  capturedAt: string | null;
  monitor: number | null;
  /** When retention removed the bytes; null while they are kept. */
  removedAt: string | null;
  /** Set once uploaded to the ticket, so a retried job never uploads the same file twice. */
  manageDocumentId: number | null;
};

/** A press's files in order, metadata only. */
export async function listPressFiles(db: DeskbellDatabase, pressId: string): Promise<StoredPressFile[]> {
  const rows = await db
    .selectFrom('press_files')
    .select(['id', 'position', 'kind', 'filename', 'content_type', 'size', 'width', 'height', 'captured_at', 'monitor', 'removed_at', 'manage_document_id'])
    .where('press_id', '=', pressId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    kind: r.kind,
    filename: r.filename,
    contentType: r.content_type,
    size: r.size,
    width: r.width,
    height: r.height,
    capturedAt: r.captured_at,
    monitor: r.monitor,
    removedAt: r.removed_at,
    manageDocumentId: r.manage_document_id,
  }));
}

/** One file of one press: undefined for an unknown id and for another press's file alike. */
export async function findPressFile(
  db: DeskbellDatabase,
  pressId: string,
  fileId: string,
): Promise<{ filename: string; contentType: string; removedAt: string | null } | undefined> {
  const row = await db
    .selectFrom('press_files')
    .select(['filename', 'content_type', 'removed_at'])
    .where('id', '=', fileId)
    .where('press_id', '=', pressId)
    .executeTakeFirst();
  return row && { filename: row.filename, contentType: row.content_type, removedAt: row.removed_at };
}

/** A file's bytes; null once retention removed them (or for an unknown file). */
export async function readPressFileBytes(db: DeskbellDatabase, fileId: string): Promise<Uint8Array | null> {
  const row = await db.selectFrom('press_files').select('bytes').where('id', '=', fileId).executeTakeFirst();
  return row?.bytes ?? null;
}

/** The file is on the ticket as this Manage document. */
export async function recordDocumentUpload(db: DeskbellDatabase, fileId: string, documentId: number): Promise<void> {
  await db.updateTable('press_files').set({ manage_document_id: documentId }).where('id', '=', fileId).execute();
}

/**
 * Retention: the files of presses received before `cutoff` lose their bytes and thumbnails;
 * the rows stay, marked removed, and so does the press, so the record says what was there.
 * Returns how many files were removed now.
 */
export async function removeFilesOfPressesBefore(db: DeskbellDatabase, cutoff: string, now: Date): Promise<number> {
  const nowIso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const expired = trx.selectFrom('presses').select('id').where('received_at', '<', cutoff);
    // A thumbnail is a copy of the screenshot: it goes with the bytes it was made from.
    await trx
      .deleteFrom('press_file_thumbnails')
      .where('file_id', 'in', trx.selectFrom('press_files').select('id').where('press_id', 'in', expired))
      .execute();
    const result = await trx
      .updateTable('press_files')
      .set({ bytes: null, removed_at: nowIso })
      .where('removed_at', 'is', null)
      .where('press_id', 'in', expired)
      .executeTakeFirst();
    await trx
      .updateTable('presses')
      .set({ files_removed_at: nowIso })
      .where('received_at', '<', cutoff)
      .where('files_removed_at', 'is', null)
      .where('id', 'in', trx.selectFrom('press_files').select('press_id').where('removed_at', 'is not', null))
      .execute();
    return Number(result.numUpdatedRows);
  });
}

// ---------------------------------------------------------------------------------------------
// Thumbnails

export type StoredThumbnail = { bytes: Uint8Array; contentType: 'image/webp' };

/** The stored thumbnail; null for a removed file or one that cannot have one; 'missing' when none was made yet. */
export async function readStoredThumbnail(db: DeskbellDatabase, fileId: string): Promise<StoredThumbnail | null | 'missing'> {
  const row = await db
    .selectFrom('press_files as f')
    .leftJoin('press_file_thumbnails as t', 't.file_id', 'f.id')
    .select(['f.removed_at', 't.file_id as thumbnail_of', 't.bytes'])
    .where('f.id', '=', fileId)
    .executeTakeFirst();
  if (!row || row.removed_at !== null) return null;
  if (row.thumbnail_of === null) return 'missing';
  return row.bytes ? { bytes: new Uint8Array(row.bytes), contentType: 'image/webp' } : null;
}

/** The files of a press that are kept and have no thumbnail row yet, in order. */
export async function listFilesWithoutThumbnail(
  db: DeskbellDatabase,
  pressId: string,
): Promise<{ id: string; kind: PressFileKind; contentType: string }[]> {
  const rows = await db
    .selectFrom('press_files as f')
    .leftJoin('press_file_thumbnails as t', 't.file_id', 'f.id')
    .select(['f.id', 'f.kind', 'f.content_type'])
    .where('f.press_id', '=', pressId)
    .where('f.removed_at', 'is', null)
    .where('t.file_id', 'is', null)
    .orderBy('f.position')
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, contentType: r.content_type }));
}

export type ThumbnailResult =
  | { bytes: Uint8Array; width: number; height: number; error: null }
  /** Not decodable: recorded so it is tried once, not on every view. */
  | { bytes: null; width: null; height: null; error: string };

/**
 * Keeps a thumbnail (or why there is none) unless one is already stored. False when the file
 * was removed meanwhile (retention ran while it decoded): then nothing of it is kept.
 */
export async function storeThumbnail(db: DeskbellDatabase, fileId: string, result: ThumbnailResult, now = new Date()): Promise<boolean> {
  await db
    .insertInto('press_file_thumbnails')
    .values({
      file_id: fileId,
      content_type: 'image/webp',
      bytes: result.bytes,
      width: result.width,
      height: result.height,
      size: result.bytes?.byteLength ?? 0,
      error: result.error,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('file_id').doNothing())
    .execute();
  const still = await db.selectFrom('press_files').select('removed_at').where('id', '=', fileId).executeTakeFirst();
  if (!still || still.removed_at !== null) {
    await db.deleteFrom('press_file_thumbnails').where('file_id', '=', fileId).execute();
    return false;
  }
  return true;
}
