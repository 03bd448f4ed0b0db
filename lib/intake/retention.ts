import 'server-only';
import type { JobHandler } from '@/lib/jobs/worker';
import type { JobQueue } from '@/lib/jobs/queue';
import { removeFilesOfPressesBefore } from '@/lib/presses/press-file-store';
import type { DeskbellDatabase } from '@/lib/store/database';

export const RETENTION_JOB_KIND = 'retention.sweep';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Screenshots and attachments older than the retention period lose their bytes (and their
 * thumbnails); the press and each file's row stay, marked as removed, so the record says what
 * was there.
 */
export async function removeExpiredPressFiles(db: DeskbellDatabase, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  return removeFilesOfPressesBefore(db, cutoff, now);
}

/** One sweep per day, durable like every job: the key makes a restart schedule nothing twice. */
export async function scheduleRetentionSweep(queue: JobQueue, now = new Date()): Promise<void> {
  const next = new Date(now.getTime() + DAY_MS);
  const day = next.toISOString().slice(0, 10);
  await queue.enqueue(RETENTION_JOB_KIND, {}, { runAt: next, dedupeKey: `retention:${day}`, maxAttempts: 3 });
}

export function createRetentionJobHandler(db: DeskbellDatabase, queue: JobQueue, retentionDays: number): JobHandler {
  return {
    async run() {
      const removed = await removeExpiredPressFiles(db, retentionDays);
      if (removed > 0) console.log(`[retention] removed the files of presses older than ${retentionDays} days (${removed} files)`);
      await scheduleRetentionSweep(queue);
    },
  };
}
