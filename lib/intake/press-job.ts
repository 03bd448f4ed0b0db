import 'server-only';
import { z } from 'zod';
import { PermanentJobError, type JobHandler } from '@/lib/jobs/worker';
import type { PressPipelineDeps } from './process-press';
import { processPress } from './process-press';
import { classifyPressFailure, describePressFailure } from './press-failure';
import { markPressDead, markPressRetrying } from '@/lib/presses/press-store';

const pressJobPayload = z.object({ pressId: z.string().min(1) });

/** The durable job behind every press; its failures show on the press's status. */
export function createPressJobHandler(deps: PressPipelineDeps): JobHandler {
  return {
    async run(job) {
      const { pressId } = pressJobPayload.parse(job.payload);
      try {
        await processPress(deps, pressId, job.attempts);
      } catch (error) {
        // Decided here, where Manage's answer is known: a refusal only an admin can lift is not retried.
        throw classifyPressFailure(error);
      }
    },
    async onFailure(job, error, outcome) {
      const parsed = pressJobPayload.safeParse(job.payload);
      if (!parsed.success) return;
      const { pressId } = parsed.data;
      if (outcome.kind === 'retry') {
        await markPressRetrying(deps.db, pressId, { attempt: job.attempts, nextAttemptAt: outcome.runAt, lastError: describePressFailure(error) });
      } else {
        await markPressDead(deps.db, pressId, {
          attempt: job.attempts,
          // A permanent failure's message is its reason (for one needing an admin: the fix).
          reason:
            error instanceof PermanentJobError
              ? error.message
              : `gave up after ${job.attempts} ${job.attempts === 1 ? 'attempt' : 'attempts'}: ${describePressFailure(error)}`,
          lastError: describePressFailure(error),
        });
      }
    },
  };
}
