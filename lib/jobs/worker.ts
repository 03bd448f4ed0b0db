import 'server-only';
import { randomUUID } from 'node:crypto';
import type { FailureOutcome, JobQueue, JobRecord } from './queue';

/** Thrown by a handler for a failure that will not get better by retrying. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** Thrown by a handler that knows when to come back (Manage's Retry-After, say). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export type JobContext = { owner: string; signal: AbortSignal };

export type JobHandler = {
  run(job: JobRecord, context: JobContext): Promise<void>;
  /** Told about every failure and what happens next, so domain rows (a press) can follow. */
  onFailure?(job: JobRecord, error: unknown, outcome: FailureOutcome): Promise<void>;
};

export type JobWorkerOptions = {
  queue: JobQueue;
  handlers: Record<string, JobHandler>;
  concurrency: number;
  pollMs?: number;
  leaseMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  log?: (message: string) => void;
};

export type JobWorker = {
  /** Look for work now instead of at the next poll (called after an enqueue). */
  wake(): void;
  /** Resolves when no job is running or waiting (retries included). For tests and shutdown. */
  drain(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
};

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Exponential backoff with equal jitter: half fixed, half random, capped. */
export function computeBackoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const owner = `worker-${randomUUID()}`;
  const kinds = Object.keys(options.handlers);
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const backoff = options.backoff ?? { baseMs: 2_000, maxMs: 5 * 60_000 };
  const random = options.random ?? Math.random;
  const log = options.log ?? ((m: string) => console.log(m));
  const abort = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let wakeUp: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  async function runJob(job: JobRecord): Promise<void> {
    const handler = options.handlers[job.kind];
    const heartbeat = setInterval(() => {
      options.queue.extendLease(job.id, owner, leaseMs).catch(() => undefined);
    }, Math.max(1_000, leaseMs / 3));
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler.run(job, { owner, signal: abort.signal });
      await options.queue.complete(job.id, owner);
    } catch (error) {
      const outcome = decideOutcome(job, error);
      await options.queue.fail(job.id, owner, describeError(error), outcome);
      if (outcome.kind === 'dead') log(`[jobs] ${job.kind} ${job.id} is dead: ${outcome.reason}`);
      await handler?.onFailure?.(job, error, outcome).catch((e: unknown) => {
        log(`[jobs] onFailure for ${job.id} failed: ${describeError(e)}`);
      });
    } finally {
      clearInterval(heartbeat);
    }
  }

  function decideOutcome(job: JobRecord, error: unknown): FailureOutcome {
    if (error instanceof PermanentJobError) return { kind: 'dead', reason: error.message };
    if (job.attempts >= job.maxAttempts) {
      return { kind: 'dead', reason: `gave up after ${job.attempts} attempts: ${describeError(error)}` };
    }
    const delay =
      error instanceof RetryLaterError
        ? Math.max(error.retryAfterMs, computeBackoffMs(job.attempts, backoff.baseMs, backoff.maxMs, random) / 4)
        : computeBackoffMs(job.attempts, backoff.baseMs, backoff.maxMs, random);
    return { kind: 'retry', runAt: new Date(Date.now() + delay) };
  }

  async function loop(): Promise<void> {
    while (!abort.signal.aborted) {
      const free = options.concurrency - inFlight.size;
      let claimed: JobRecord[] = [];
      if (free > 0) {
        try {
          claimed = await options.queue.claim(owner, kinds, free, leaseMs);
        } catch (error) {
          log(`[jobs] claim failed: ${describeError(error)}`);
        }
      }
      for (const job of claimed) {
        const running = runJob(job).finally(() => {
          inFlight.delete(running);
          wakeUp?.();
        });
        inFlight.add(running);
      }
      if (claimed.length === 0 || inFlight.size >= options.concurrency) await sleep(pollMs);
    }
  }

  const looping = loop();

  return {
    wake() {
      wakeUp?.();
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (inFlight.size === 0) {
          const counts = await options.queue.counts();
          if (counts.pending === 0 && counts.running === 0) return;
        }
        wakeUp?.();
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`jobs still running after ${timeoutMs} ms`);
    },
    async stop() {
      abort.abort();
      wakeUp?.();
      await looping;
      await Promise.allSettled([...inFlight]);
    },
  };
}
