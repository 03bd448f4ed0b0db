/**
 * The durable job queue's contract. sql-queue.ts implements it over the app's database, on
 * SQLite (one process) and PostgreSQL (several instances claiming with SKIP LOCKED).
 */
import type { Transaction } from 'kysely';
import type { Database } from '@/lib/store/schema';

export type JobRecord = {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
};

export type EnqueueOptions = {
  runAt?: Date;
  maxAttempts?: number;
  /** A second enqueue with the same key is ignored: one job per press, per callback... */
  dedupeKey?: string;
  /** Enqueue inside the caller's transaction, so the job exists only if the caller's rows do. */
  transaction?: Transaction<Database>;
};

export type FailureOutcome = { kind: 'retry'; runAt: Date } | { kind: 'dead'; reason: string };

export interface JobQueue {
  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /** Leases up to `limit` due jobs to `owner`; a job whose lease expired (its worker died) is due again. */
  claim(owner: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<JobRecord[]>;
  extendLease(jobId: string, owner: string, leaseMs: number): Promise<boolean>;
  complete(jobId: string, owner: string): Promise<void>;
  fail(jobId: string, owner: string, error: string, outcome: FailureOutcome): Promise<void>;
  /**
   * Hands jobs still marked running back to the queue at once, for start-up. On SQLite (one
   * process) such jobs belonged to a process that died; on PostgreSQL they may belong to another
   * live instance, so nothing is released there and an expiring lease hands a job over instead.
   */
  releaseOrphanedLeases(): Promise<number>;
  /** Puts a dead job back in line (admin "retry"). */
  revive(jobId: string): Promise<boolean>;
  counts(): Promise<Record<'pending' | 'running' | 'done' | 'dead', number>>;
  /** For health: jobs due now but not yet taken, since when the oldest of them waits, jobs running and dead. */
  backlog(): Promise<{ due: number; oldestDueAt: string | null; running: number; dead: number }>;
}
