import 'server-only';
import { z } from 'zod';
import { describeError, type JobHandler } from '@/lib/jobs/worker';
import type { PressPipelineDeps } from './process-press';
import { processPress } from './process-press';
import { updatePress } from './press-records';

const pressJobPayload = z.object({ pressId: z.string().min(1) });

/** The durable job behind every press; its failures show on the press's status. */
export function createPressJobHandler(deps: PressPipelineDeps): JobHandler {
  return {
    async run(job) {
      const { pressId } = pressJobPayload.parse(job.payload);
      await processPress(deps, pressId, job.attempts);
    },
    async onFailure(job, error, outcome) {
      const parsed = pressJobPayload.safeParse(job.payload);
      if (!parsed.success) return;
      if (outcome.kind === 'retry') {
        await updatePress(deps.db, parsed.data.pressId, {
          status: 'retrying',
          attempt: job.attempts,
          next_attempt_at: outcome.runAt.toISOString(),
          last_error: describeError(error).slice(0, 1000),
        });
      } else {
        await updatePress(deps.db, parsed.data.pressId, {
          status: 'dead',
          attempt: job.attempts,
          next_attempt_at: null,
          dead_reason: outcome.reason.slice(0, 2000),
          last_error: describeError(error).slice(0, 1000),
        });
      }
    },
  };
}
