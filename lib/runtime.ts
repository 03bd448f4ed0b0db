import 'server-only';
import { serverEnv } from '@/lib/env';
import { getAppManageContext } from '@/lib/intake/manage-context';
import { PRESS_JOB_KIND, setPressAcceptedListener } from '@/lib/intake/accept-press';
import { createPressJobHandler } from '@/lib/intake/press-job';
import { createRetentionJobHandler, RETENTION_JOB_KIND } from '@/lib/intake/retention';
import type { JobQueue } from '@/lib/jobs/queue';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { startJobWorker, type JobWorker } from '@/lib/jobs/worker';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { getDatabase } from '@/lib/store/database';

export type Runtime = { queue: JobQueue; worker: JobWorker };

// Kept on globalThis: Next.js may load this module in more than one bundle, and there
// must be exactly one worker per process.
const key = Symbol.for('deskbell.runtime');
type Holder = { [key]?: Promise<Runtime> };

/** Starts the job worker once per process (from instrumentation.ts); later calls share it. */
export function startRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[key] ??= (async () => {
    const env = serverEnv();
    const db = await getDatabase();
    const queue = createSqlJobQueue(db);
    // SQLite means one Deskbell process: whatever is still "running" was cut off by a crash
    // or a kill, and must resume now rather than after its lease runs out.
    const released = await queue.releaseOrphanedLeases();
    if (released > 0) console.log(`[jobs] resuming ${released} job(s) interrupted by the previous shutdown`);
    const worker = startJobWorker({
      queue,
      concurrency: env.WORKER_CONCURRENCY,
      handlers: {
        [PRESS_JOB_KIND]: createPressJobHandler({
          db,
          manage: () => getAppManageContext(),
          loadSettings: loadIntakeSettings,
          rules: null,
          publicUrl: env.DESKBELL_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`,
        }),
        [RETENTION_JOB_KIND]: createRetentionJobHandler(db, queue, env.RETENTION_DAYS),
      },
    });
    // A press accepted in this process is picked up at once instead of at the next poll.
    setPressAcceptedListener(() => worker.wake());
    const today = new Date().toISOString().slice(0, 10);
    await queue.enqueue(RETENTION_JOB_KIND, {}, { dedupeKey: `retention:${today}`, maxAttempts: 3 });
    return { queue, worker };
  })();
  return holder[key];
}

/** Tells the worker new work is waiting; a no-op before the runtime has started. */
export function wakeWorker(): void {
  const running = (globalThis as Holder)[key];
  void running?.then((r) => r.worker.wake());
}
