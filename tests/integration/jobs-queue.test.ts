import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureOutcome } from '@/lib/jobs/queue';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { computeBackoffMs, PermanentJobError, RetryLaterError, startJobWorker, type JobWorker } from '@/lib/jobs/worker';
import { migrateToLatest, openDatabase, type DeskbellDatabase } from '@/lib/store/database';

let db: DeskbellDatabase;
let worker: JobWorker | undefined;

beforeEach(async () => {
  db = openDatabase({ dialect: 'sqlite', memory: true });
  await migrateToLatest(db);
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await db.destroy();
});

describe('SQL job queue', () => {
  it('leases a due job once, and completes it', async () => {
    const queue = createSqlJobQueue(db);
    const id = await queue.enqueue('press', { pressId: 'p1' });
    const [job] = await queue.claim('a', ['press'], 5, 10_000);
    expect(job).toMatchObject({ id, kind: 'press', payload: { pressId: 'p1' }, attempts: 1 });
    expect(await queue.claim('b', ['press'], 5, 10_000)).toEqual([]);
    await queue.complete(id, 'a');
    expect(await queue.counts()).toEqual({ pending: 0, running: 0, done: 1, dead: 0 });
  });

  it('does not hand out jobs that are not due yet or of other kinds', async () => {
    const queue = createSqlJobQueue(db);
    await queue.enqueue('press', {}, { runAt: new Date(Date.now() + 60_000) });
    await queue.enqueue('callback', {});
    expect(await queue.claim('a', ['press'], 5, 10_000)).toEqual([]);
  });

  it('ignores a second enqueue with the same dedupe key', async () => {
    const queue = createSqlJobQueue(db);
    const first = await queue.enqueue('press', { n: 1 }, { dedupeKey: 'press:p1' });
    const second = await queue.enqueue('press', { n: 2 }, { dedupeKey: 'press:p1' });
    expect(second).toBe(first);
    expect((await queue.counts()).pending).toBe(1);
  });

  it('creates no job when the enclosing transaction rolls back', async () => {
    const queue = createSqlJobQueue(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await queue.enqueue('press', {}, { transaction: trx });
        throw new Error('the press insert failed');
      }),
    ).rejects.toThrow('the press insert failed');
    expect((await queue.counts()).pending).toBe(0);
  });

  it('gives a job whose worker died to another worker once the lease runs out', async () => {
    let now = new Date('2026-01-01T00:00:00.000Z');
    const queue = createSqlJobQueue(db, () => now);
    const id = await queue.enqueue('press', {});
    await queue.claim('dead-worker', ['press'], 1, 30_000);
    now = new Date(now.getTime() + 29_000);
    expect(await queue.claim('b', ['press'], 1, 30_000)).toEqual([]);
    now = new Date(now.getTime() + 2_000);
    const [again] = await queue.claim('b', ['press'], 1, 30_000);
    expect(again).toMatchObject({ id, attempts: 2 });
    // The first worker coming back late must not overwrite the new lease holder's work.
    await queue.complete(id, 'dead-worker');
    expect((await queue.counts()).running).toBe(1);
    await queue.complete(id, 'b');
    expect((await queue.counts()).done).toBe(1);
  });

  it('hands jobs a dead process left running back to the queue at start-up', async () => {
    const queue = createSqlJobQueue(db);
    const id = await queue.enqueue('press', {});
    await queue.claim('killed-process', ['press'], 1, 60_000);
    expect(await queue.claim('new-process', ['press'], 1, 60_000)).toEqual([]);
    expect(await queue.releaseOrphanedLeases()).toBe(1);
    const [job] = await queue.claim('new-process', ['press'], 1, 60_000);
    expect(job).toMatchObject({ id, attempts: 2 });
  });

  it('revives a dead job', async () => {
    const queue = createSqlJobQueue(db);
    const id = await queue.enqueue('press', {}, { maxAttempts: 1 });
    await queue.claim('a', ['press'], 1, 1_000);
    await queue.fail(id, 'a', 'boom', { kind: 'dead', reason: 'boom' });
    expect(await queue.revive(id)).toBe(true);
    expect(await queue.revive(id)).toBe(false);
    const [job] = await queue.claim('a', ['press'], 1, 1_000);
    expect(job).toMatchObject({ id, attempts: 1 });
  });
});

describe('job worker', () => {
  const fast = { pollMs: 10, leaseMs: 5_000, backoff: { baseMs: 5, maxMs: 20 } };

  it('retries with backoff until the handler succeeds', async () => {
    const queue = createSqlJobQueue(db);
    let calls = 0;
    worker = startJobWorker({
      ...fast,
      queue,
      concurrency: 1,
      handlers: {
        press: {
          async run() {
            calls += 1;
            if (calls < 3) throw new Error(`Manage said 503 (${calls})`);
          },
        },
      },
    });
    await queue.enqueue('press', {});
    await worker.drain(5_000);
    expect(calls).toBe(3);
    expect(await queue.counts()).toEqual({ pending: 0, running: 0, done: 1, dead: 0 });
  });

  it('marks a job dead after its last attempt, keeps the reason, and says so', async () => {
    const queue = createSqlJobQueue(db);
    const outcomes: FailureOutcome['kind'][] = [];
    worker = startJobWorker({
      ...fast,
      queue,
      concurrency: 1,
      handlers: {
        press: {
          async run() {
            throw new Error('Manage is down');
          },
          async onFailure(_job, _error, outcome) {
            outcomes.push(outcome.kind);
          },
        },
      },
    });
    const id = await queue.enqueue('press', {}, { maxAttempts: 3 });
    await worker.drain(5_000);
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
    const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(3);
    expect(row.dead_reason).toContain('gave up after 3 attempts');
    expect(row.dead_reason).toContain('Manage is down');
  });

  it('does not retry a permanent failure', async () => {
    const queue = createSqlJobQueue(db);
    let calls = 0;
    worker = startJobWorker({
      ...fast,
      queue,
      concurrency: 1,
      handlers: {
        press: {
          async run() {
            calls += 1;
            throw new PermanentJobError('the press was deleted');
          },
        },
      },
    });
    await queue.enqueue('press', {});
    await worker.drain(5_000);
    expect(calls).toBe(1);
    expect((await queue.counts()).dead).toBe(1);
  });

  it('waits at least as long as a RetryLaterError asks', async () => {
    const queue = createSqlJobQueue(db);
    const seen: number[] = [];
    worker = startJobWorker({
      ...fast,
      queue,
      concurrency: 1,
      handlers: {
        press: {
          async run() {
            seen.push(Date.now());
            if (seen.length === 1) throw new RetryLaterError('429', 300);
          },
        },
      },
    });
    await queue.enqueue('press', {});
    await worker.drain(5_000);
    expect(seen).toHaveLength(2);
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(290);
  });

  it('never runs more jobs at once than its concurrency', async () => {
    const queue = createSqlJobQueue(db);
    let running = 0;
    let peak = 0;
    worker = startJobWorker({
      ...fast,
      queue,
      concurrency: 3,
      handlers: {
        press: {
          async run() {
            running += 1;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 30));
            running -= 1;
          },
        },
      },
    });
    for (let i = 0; i < 10; i++) await queue.enqueue('press', { i });
    worker.wake();
    await worker.drain(10_000);
    expect(peak).toBe(3);
    expect((await queue.counts()).done).toBe(10);
  });
});

describe('computeBackoffMs', () => {
  it('doubles per attempt, jitters within the upper half, and is capped', () => {
    expect(computeBackoffMs(1, 1_000, 60_000, () => 0)).toBe(500);
    expect(computeBackoffMs(1, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(computeBackoffMs(3, 1_000, 60_000, () => 1)).toBe(4_000);
    expect(computeBackoffMs(20, 1_000, 60_000, () => 1)).toBe(60_000);
  });
});
