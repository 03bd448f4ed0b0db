import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { pressIdSchema } from '@/lib/presses/press-report';
import { findPressForRetry, notifyPressStatusChanged, pressJobDedupeKey, requeueDeadPress } from '@/lib/presses/press-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { PRESS_JOB_KIND, type PressJobPayload } from './accept-press';

export type RetryPressResult = { id: string; status: 'queued' };

/**
 * An admin's "Retry" on a dead press: its job goes back in line and the press shows queued
 * again, in one transaction with the audit entry. Only a dead press can be retried, so two
 * clicks (or two admins) revive it once.
 */
export async function retryDeadPress(
  db: DeskbellDatabase,
  input: { pressId: string; actor: string },
  now: () => Date = () => new Date(),
): Promise<RetryPressResult> {
  const parsed = pressIdSchema.safeParse(input.pressId);
  if (!parsed.success) throw new DeskbellApiError('not_found', 'There is no press with this id.');
  const pressId = parsed.data;

  await db.transaction().execute(async (trx) => {
    const press = await findPressForRetry(trx, pressId);
    if (!press) throw new DeskbellApiError('not_found', 'There is no press with this id.');
    if (press.status !== 'dead') {
      throw new DeskbellApiError('conflict', `Only a press that gave up can be retried; this one is ${press.status.replace('_', ' ')}.`);
    }

    if (!(await requeueDeadPress(trx, pressId, now()))) {
      throw new DeskbellApiError('conflict', 'The press changed while retrying it; reload and try again.');
    }

    const queue = createSqlJobQueue(trx, now);
    const job = await trx
      .selectFrom('jobs')
      .select(['id', 'status'])
      .where('dedupe_key', '=', pressJobDedupeKey(pressId))
      .executeTakeFirst();
    let jobId: string;
    if (!job) {
      // The job row is gone (cleaned up by hand): a new one with the same key takes its place.
      const payload: PressJobPayload = { pressId };
      jobId = await queue.enqueue(PRESS_JOB_KIND, payload, { dedupeKey: pressJobDedupeKey(pressId), transaction: trx });
    } else if (job.status === 'dead') {
      if (!(await queue.revive(job.id))) {
        throw new DeskbellApiError('conflict', 'The press changed while retrying it; reload and try again.');
      }
      jobId = job.id;
    } else {
      throw new DeskbellApiError('conflict', `The press's job is ${job.status}, not dead; it will run without a retry.`);
    }

    await recordAudit(trx, {
      actor: input.actor,
      action: 'press.retry',
      target: pressId,
      details: { jobId, previousAttempts: press.attempt, deadReason: press.deadReason },
    });
  });

  notifyPressStatusChanged(db, pressId);
  return { id: pressId, status: 'queued' };
}
