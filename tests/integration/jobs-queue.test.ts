import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureOutcome, JobQueue } from '@/lib/jobs/queue';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { computeBackoffMs, PermanentJobError, RetryLaterError, startJobWorker, type JobWorker } from '@/lib/jobs/worker';
import type { DatabaseEngine, DeskbellDatabase } from '@/lib/store/database';
import { openSecondInstance, openTestDatabase, skipEngine, testEngines } from '@/tests/support/test-database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testEngines)('on %s', (engine: DatabaseEngine) => {
  describe.skipIf(skipEngine(engine))('the durable queue', () => {
    let db: DeskbellDatabase;
    let worker: JobWorker | undefined;
    const cleanups: (() => Promise<void>)[] = [];

    beforeEach(async () => {
      db = await openTestDatabase({ engine });
    });

    afterEach(async () => {
      await worker?.stop();
      worker = undefined;
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await db.destroy();
    });

    /** Another Deskbell instance on the same database (its own pool on PostgreSQL). */
    function secondInstance(): DeskbellDatabase {
      const second = openSecondInstance(db);
      cleanups.push(second.close);
      return second.db;
    }

    function startWorker(options: Parameters<typeof startJobWorker>[0]): JobWorker {
      const started = startJobWorker({ log: () => undefined, ...options });
      cleanups.push(() => started.stop());
      return started;
    }

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

    describe('several instances', () => {
      it('never lease the same job twice when they claim at the same moment', async () => {
        // One frozen clock: the queue's guard on updated_at cannot tell the claims apart, only row locks can.
        const now = new Date('2026-01-01T00:00:00.000Z');
        const first = createSqlJobQueue(db, () => now);
        const second = createSqlJobQueue(secondInstance(), () => now);
        const ids = new Set<string>();
        for (let i = 0; i < 120; i++) ids.add(await first.enqueue('press', { i }));
        const claimed: Record<string, string[]> = { a: [], b: [] };
        const drain = async (owner: 'a' | 'b', queue: JobQueue) => {
          for (;;) {
            const jobs = await queue.claim(owner, ['press'], 4, 60_000);
            if (jobs.length === 0) return;
            claimed[owner]!.push(...jobs.map((j) => j.id));
          }
        };
        await Promise.all([drain('a', first), drain('b', second), drain('a', first), drain('b', second)]);
        const all = [...claimed.a!, ...claimed.b!];
        expect(all).toHaveLength(ids.size);
        expect(new Set(all)).toEqual(ids);
        expect(claimed.a!.length).toBeGreaterThan(0);
        expect(claimed.b!.length).toBeGreaterThan(0);
      });

      it('run every job exactly once between two workers', async () => {
        const ran: Record<string, string[]> = {};
        const handler = (name: string) => ({
          press: {
            async run(job: { payload: unknown }) {
              const key = (job.payload as { key: string }).key;
              (ran[key] ??= []).push(name);
              await sleep(5);
            },
          },
        });
        const first = createSqlJobQueue(db);
        const second = createSqlJobQueue(secondInstance());
        for (let i = 0; i < 60; i++) await first.enqueue('press', { key: `job-${i}` });
        const a = startWorker({ queue: first, concurrency: 4, pollMs: 10, handlers: handler('a') });
        const b = startWorker({ queue: second, concurrency: 4, pollMs: 10, handlers: handler('b') });
        await Promise.all([a.drain(20_000), b.drain(20_000)]);
        expect(Object.keys(ran)).toHaveLength(60);
        expect(Object.values(ran).filter((runs) => runs.length !== 1)).toEqual([]);
        const by = Object.values(ran).flat();
        expect(by.filter((w) => w === 'a').length).toBeGreaterThan(0);
        expect(by.filter((w) => w === 'b').length).toBeGreaterThan(0);
        expect(await first.counts()).toEqual({ pending: 0, running: 0, done: 60, dead: 0 });
      });

      it("take over a dead worker's job once its lease runs out, and ignore the dead worker coming back", async () => {
        const queue = createSqlJobQueue(db);
        const id = await queue.enqueue('press', { key: 'orphan' });
        // The first worker leases the job and dies: no heartbeat, no completion.
        const [leased] = await queue.claim('dead-worker', ['press'], 1, 1_200);
        expect(leased?.id).toBe(id);
        const leasedAt = Date.now();
        const runs: { at: number; attempts: number }[] = [];
        startWorker({
          queue: createSqlJobQueue(secondInstance()),
          concurrency: 1,
          pollMs: 50,
          handlers: { press: { async run(job) { runs.push({ at: Date.now(), attempts: job.attempts }); } } },
        });
        while (runs.length === 0 && Date.now() - leasedAt < 10_000) await sleep(25);
        expect(runs).toHaveLength(1);
        expect(runs[0]!.at - leasedAt).toBeGreaterThanOrEqual(1_100);
        expect(runs[0]!.attempts).toBe(2);
        await queue.complete(id, 'dead-worker');
        await queue.fail(id, 'dead-worker', 'late', { kind: 'dead', reason: 'late' });
        await sleep(100);
        const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(row).toMatchObject({ status: 'done', dead_reason: null, last_error: null });
      });

      it('leave a long job with its worker while heartbeats extend the lease', async () => {
        const queue = createSqlJobQueue(db);
        const rival = createSqlJobQueue(secondInstance());
        let runs = 0;
        // A 1.5 s lease with a heartbeat every second; the job takes 3.5 s.
        startWorker({
          queue,
          concurrency: 1,
          pollMs: 20,
          leaseMs: 1_500,
          handlers: { press: { async run() { runs += 1; await sleep(3_500); } } },
        });
        const id = await queue.enqueue('press', {});
        while (runs === 0) await sleep(10);
        const started = Date.now();
        const stolen: string[] = [];
        while (Date.now() - started < 4_500) {
          stolen.push(...(await rival.claim('rival', ['press'], 1, 1_500)).map((j) => j.id));
          const row = await db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow();
          if (row.status === 'done') break;
          await sleep(100);
        }
        expect(stolen).toEqual([]);
        expect(runs).toBe(1);
        expect(Date.now() - started).toBeGreaterThanOrEqual(3_300);
        expect(await queue.counts()).toMatchObject({ done: 1, running: 0 });
      });
    });

    describe('start-up', () => {
      if (engine === 'sqlite') {
        it('hands jobs a dead process left running back to the queue at start-up (one process owns SQLite)', async () => {
          const queue = createSqlJobQueue(db);
          const id = await queue.enqueue('press', {});
          await queue.claim('killed-process', ['press'], 1, 60_000);
          expect(await queue.claim('new-process', ['press'], 1, 60_000)).toEqual([]);
          expect(await queue.releaseOrphanedLeases()).toBe(1);
          const [job] = await queue.claim('new-process', ['press'], 1, 60_000);
          expect(job).toMatchObject({ id, attempts: 2 });
        });
      } else {
        it('leaves jobs another live instance is running alone at start-up: only an expired lease hands them over', async () => {
          let now = new Date('2026-01-01T00:00:00.000Z');
          const running = createSqlJobQueue(db, () => now);
          const starting = createSqlJobQueue(secondInstance(), () => now);
          const id = await running.enqueue('press', {});
          await running.claim('live-instance', ['press'], 1, 60_000);
          expect(await starting.releaseOrphanedLeases()).toBe(0);
          expect(await starting.claim('new-instance', ['press'], 1, 60_000)).toEqual([]);
          now = new Date(now.getTime() + 61_000);
          expect(await starting.claim('new-instance', ['press'], 1, 60_000)).toMatchObject([{ id, attempts: 2 }]);
        });
      }

      it('says how many jobs are due, since when the oldest waits, and how many run or are dead', async () => {
        const now = new Date('2026-01-01T00:10:00.000Z');
        const queue = createSqlJobQueue(db, () => now);
        expect(await queue.backlog()).toEqual({ due: 0, oldestDueAt: null, running: 0, dead: 0 });
        await queue.enqueue('press', {}, { runAt: new Date('2026-01-01T00:05:00.000Z') });
        await queue.enqueue('press', {}, { runAt: new Date('2026-01-01T00:01:00.000Z') });
        await queue.enqueue('press', {}, { runAt: new Date('2026-01-01T00:20:00.000Z') });
        await queue.enqueue('callback', {}, { runAt: new Date('2026-01-01T00:00:00.000Z') });
        await queue.claim('a', ['callback'], 1, 60_000);
        const dead = await queue.enqueue('email', {});
        await queue.claim('a', ['email'], 1, 60_000);
        await queue.fail(dead, 'a', 'no SMTP', { kind: 'dead', reason: 'no SMTP' });
        const done = await queue.enqueue('email', {}, { runAt: new Date('2026-01-01T00:00:30.000Z') });
        await queue.claim('a', ['email'], 1, 60_000);
        await queue.complete(done, 'a');
        expect(await queue.backlog()).toEqual({ due: 2, oldestDueAt: '2026-01-01T00:01:00.000Z', running: 1, dead: 1 });
      });
    });
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
