import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { databaseEngine } from '@/lib/store/engine/database-engine';
import type { Database, JobStatus } from '@/lib/store/schema';
import type { EnqueueOptions, FailureOutcome, JobQueue, JobRecord } from './queue';

const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * One queue for both engines; only the claim differs. SQLite has one writer at a time, so a
 * select then a guarded update is enough. On PostgreSQL several instances claim at once: the
 * select locks the rows it hands out (FOR UPDATE) and skips rows another claim holds (SKIP
 * LOCKED), so no job is leased twice and no claimer waits for another. A job whose worker died
 * is due again once its lease runs out; running workers keep theirs with extendLease (heartbeats).
 */
export function createSqlJobQueue(db: Kysely<Database>, clock: () => Date = () => new Date()): JobQueue {
  const engine = databaseEngine(db);
  return {
    async enqueue(kind, payload, options: EnqueueOptions = {}) {
      const now = clock().toISOString();
      const id = randomUUID();
      const runner = options.transaction ?? db;
      const result = await runner
        .insertInto('jobs')
        .values({
          id,
          kind,
          payload: JSON.stringify(payload),
          status: 'pending',
          attempts: 0,
          max_attempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          run_at: (options.runAt ?? clock()).toISOString(),
          dedupe_key: options.dedupeKey ?? null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0 || !options.dedupeKey) return id;
      const existing = await runner
        .selectFrom('jobs')
        .select('id')
        .where('dedupe_key', '=', options.dedupeKey)
        .executeTakeFirstOrThrow();
      return existing.id;
    },

    async claim(owner, kinds, limit, leaseMs) {
      if (kinds.length === 0 || limit <= 0) return [];
      const now = clock();
      const nowIso = now.toISOString();
      const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
      return db.transaction().execute(async (trx) => {
        const due = await trx
          .selectFrom('jobs')
          .selectAll()
          .where('kind', 'in', kinds)
          .where((eb) =>
            eb.or([
              eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', nowIso)]),
              eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', nowIso)]),
            ]),
          )
          .orderBy('run_at')
          .limit(limit)
          .$if(engine === 'postgres', (qb) => qb.forUpdate().skipLocked())
          .execute();
        const claimed: JobRecord[] = [];
        for (const job of due) {
          const updated = await trx
            .updateTable('jobs')
            .set({
              status: 'running',
              lease_owner: owner,
              lease_expires_at: leaseUntil,
              attempts: job.attempts + 1,
              updated_at: nowIso,
            })
            .where('id', '=', job.id)
            .where('updated_at', '=', job.updated_at)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows) !== 1) continue;
          claimed.push({
            id: job.id,
            kind: job.kind,
            payload: JSON.parse(job.payload) as unknown,
            attempts: job.attempts + 1,
            maxAttempts: job.max_attempts,
            runAt: job.run_at,
            lastError: job.last_error,
          });
        }
        return claimed;
      });
    },

    async extendLease(jobId, owner, leaseMs) {
      const result = await db
        .updateTable('jobs')
        .set({ lease_expires_at: new Date(clock().getTime() + leaseMs).toISOString() })
        .where('id', '=', jobId)
        .where('lease_owner', '=', owner)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async complete(jobId, owner) {
      await db
        .updateTable('jobs')
        .set({ status: 'done', lease_owner: null, lease_expires_at: null, updated_at: clock().toISOString() })
        .where('id', '=', jobId)
        .where('lease_owner', '=', owner)
        .execute();
    },

    async fail(jobId, owner, error, outcome: FailureOutcome) {
      const base = {
        lease_owner: null,
        lease_expires_at: null,
        last_error: error.slice(0, 2000),
        updated_at: clock().toISOString(),
      };
      const update =
        outcome.kind === 'retry'
          ? { ...base, status: 'pending' as JobStatus, run_at: outcome.runAt.toISOString() }
          : { ...base, status: 'dead' as JobStatus, dead_reason: outcome.reason.slice(0, 2000) };
      await db.updateTable('jobs').set(update).where('id', '=', jobId).where('lease_owner', '=', owner).execute();
    },

    async releaseOrphanedLeases() {
      // On PostgreSQL a running job may belong to another live instance: only its lease expiring says it died.
      if (engine === 'postgres') return 0;
      const now = clock().toISOString();
      const result = await db
        .updateTable('jobs')
        .set({ status: 'pending', lease_owner: null, lease_expires_at: null, run_at: now, updated_at: now })
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async revive(jobId) {
      const now = clock().toISOString();
      const result = await db
        .updateTable('jobs')
        .set({ status: 'pending', attempts: 0, run_at: now, dead_reason: null, updated_at: now })
        .where('id', '=', jobId)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async backlog() {
      // Filtered on status, so the (status, run_at) index answers without reading the done jobs.
      const [due, held] = await Promise.all([
        db
          .selectFrom('jobs')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('run_at').as('oldest')])
          .where('status', '=', 'pending')
          .where('run_at', '<=', clock().toISOString())
          .executeTakeFirst(),
        db
          .selectFrom('jobs')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .where('status', 'in', ['running', 'dead'])
          .groupBy('status')
          .execute(),
      ]);
      const count = (status: JobStatus) => Number(held.find((row) => row.status === status)?.n ?? 0);
      return { due: Number(due?.n ?? 0), oldestDueAt: due?.oldest ?? null, running: count('running'), dead: count('dead') };
    },

    async counts() {
      const rows = await db
        .selectFrom('jobs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const counts = { pending: 0, running: 0, done: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },
  };
}
