import 'server-only';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { PressOutcome } from './process-press';
import { notifyPressStatusChanged } from './press-status';
import type { Updateable } from 'kysely';
import type { PressesTable, PressStatus } from '@/lib/store/schema';

/** Reads and state changes of stored presses, for the pipeline and the status endpoint. */

export type StoredPress = {
  id: string;
  status: PressStatus;
  payload: unknown;
  receivedAt: string;
  ticketId: number | null;
  ticketNumber: string | null;
  /** What the last attempt got done, so a retry continues instead of repeating. */
  previousOutcome: PressOutcome | null;
};

export type StoredPressFile = {
  id: string;
  position: number;
  kind: 'screenshot' | 'attachment';
  filename: string;
  contentType: string;
  size: number;
  capturedAt: string | null;
  monitor: number | null;
  removed: boolean;
  manageDocumentId: number | null;
};

export async function loadPress(db: DeskbellDatabase, pressId: string): Promise<StoredPress | undefined> {
  const row = await db
    .selectFrom('presses')
    .select(['id', 'status', 'payload', 'received_at', 'ticket_id', 'ticket_number', 'outcome'])
    .where('id', '=', pressId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    payload: JSON.parse(row.payload) as unknown,
    receivedAt: row.received_at,
    ticketId: row.ticket_id,
    ticketNumber: row.ticket_number,
    previousOutcome: row.outcome ? (JSON.parse(row.outcome) as PressOutcome) : null,
  };
}

/** File metadata only: bytes are read one file at a time while uploading. */
export async function listPressFiles(db: DeskbellDatabase, pressId: string): Promise<StoredPressFile[]> {
  const rows = await db
    .selectFrom('press_files')
    .select(['id', 'position', 'kind', 'filename', 'content_type', 'size', 'captured_at', 'monitor', 'removed_at', 'manage_document_id'])
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
    capturedAt: r.captured_at,
    monitor: r.monitor,
    removed: r.removed_at !== null,
    manageDocumentId: r.manage_document_id,
  }));
}

export async function readPressFileBytes(db: DeskbellDatabase, fileId: string): Promise<Uint8Array | null> {
  const row = await db.selectFrom('press_files').select('bytes').where('id', '=', fileId).executeTakeFirst();
  return row?.bytes ?? null;
}

export async function recordDocumentUpload(db: DeskbellDatabase, fileId: string, documentId: number): Promise<void> {
  await db.updateTable('press_files').set({ manage_document_id: documentId }).where('id', '=', fileId).execute();
}

type PressUpdate = Omit<Updateable<PressesTable>, 'id' | 'updated_at'>;

export async function updatePress(db: DeskbellDatabase, pressId: string, update: PressUpdate): Promise<void> {
  await db
    .updateTable('presses')
    .set({ ...update, updated_at: new Date().toISOString() })
    .where('id', '=', pressId)
    .execute();
  // Agents long-polling this press hear about the change now rather than at their next check.
  if (update.status !== undefined || update.attempt !== undefined) notifyPressStatusChanged(pressId);
}
