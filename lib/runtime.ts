import 'server-only';
import { deskbellPublicUrl, serverEnv, type ServerEnv } from '@/lib/env';
import { describeAuthConfigProblem } from '@/lib/auth/auth-options';
import { getAppRuleEngine, type PythonRuleEngine } from '@/lib/rules/engine/python-engine';
import type { RuleEngine } from '@/lib/rules/engine/rule-engine';
import { pruneLoginThrottle, throttlePolicyFromEnv } from '@/lib/auth/login-throttle';
import { issueSetupCode } from '@/lib/auth/setup-code';
import { getAppManageContext, type ManageAvailability } from '@/lib/manage-client/manage-context';
import { warmManageCaches } from '@/lib/intake/warm-manage-caches';
import { findSecretKey } from '@/lib/secrets/secret-box';
import { clusterSignalReady, publish, runOncePerCluster, subscribe } from '@/lib/cluster/cluster-signal';
import { PRESS_JOB_KIND } from '@/lib/intake/accept-press';
import { createPressJobHandler } from '@/lib/intake/press-job';
import type { PressPipelineDeps } from '@/lib/intake/process-press';
import { generatePressThumbnails } from '@/lib/presses/thumbnails';
import { createRetentionJobHandler, RETENTION_JOB_KIND } from '@/lib/intake/retention';
import type { JobQueue } from '@/lib/jobs/queue';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { startJobWorker, type JobHandler, type JobWorker } from '@/lib/jobs/worker';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { createEmailJobHandler, createSmtpSender, type SendMail } from '@/lib/notifications/email';
import { EMAIL_JOB_KIND } from '@/lib/notifications/notify';
import { CALLBACK_JOB_KIND } from '@/lib/notifications/receive-callback';
import { createCallbackJobHandler, recordTicketCreated, type TicketEventDeps } from '@/lib/notifications/ticket-events';
import { loadNotificationSettings } from '@/lib/notifications/templates';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';

export type Runtime = {
  queue: JobQueue;
  worker: JobWorker;
  /** Tells every instance's workers that jobs are waiting. */
  announceJobs(): Promise<void>;
};

// Kept on globalThis: Next.js may load this module in more than one bundle, and there
// must be exactly one worker per process.
const key = Symbol.for('deskbell.runtime');
type Holder = { [key]?: Promise<Runtime> };

/** What the job handlers are built from: the app's values in production, a test's in tests/support/pipeline-harness.ts. */
export type JobWiringDeps = {
  db: DeskbellDatabase;
  queue: JobQueue;
  manage: () => Promise<ManageAvailability>;
  loadIntakeSettings: PressPipelineDeps['loadSettings'];
  rules: RuleEngine | null;
  /** Where the report page lives, for the ticket's link back to Deskbell. */
  publicUrl: string;
  /** Undefined: e-mail is not a channel (no SMTP). */
  sendMail: SendMail | undefined;
  mailFrom: string;
  retentionDays: number;
};

export type JobWiring = {
  /** The press pipeline's dependencies, its ticket-created hook included. */
  pipeline: PressPipelineDeps;
  /** Callbacks and notifications. */
  eventDeps: TicketEventDeps;
  /** One handler per job kind, for startJobWorker. */
  handlers: Record<string, JobHandler>;
};

/**
 * The one place the job handlers are wired together: the press pipeline tells the ticket
 * events when a ticket exists, callbacks and e-mails run on the same queue. The app's runtime
 * and the test harness both call it, so tests run exactly the production wiring.
 */
export function createJobWiring(deps: JobWiringDeps): JobWiring {
  const { db, queue } = deps;
  const eventDeps: TicketEventDeps = {
    db,
    queue,
    manage: deps.manage,
    loadSettings: loadNotificationSettings,
    emailEnabled: deps.sendMail !== undefined,
  };
  const pipeline: PressPipelineDeps = {
    db,
    manage: deps.manage,
    loadSettings: deps.loadIntakeSettings,
    rules: deps.rules,
    publicUrl: deps.publicUrl,
    onTicketCreated: (pressId, ticket) => recordTicketCreated(eventDeps, pressId, ticket),
    makeThumbnails: (pressId) => generatePressThumbnails(db, pressId),
  };
  const handlers: Record<string, JobHandler> = {
    [PRESS_JOB_KIND]: createPressJobHandler(pipeline),
    [CALLBACK_JOB_KIND]: createCallbackJobHandler(eventDeps),
    [EMAIL_JOB_KIND]: createEmailJobHandler({ db, send: deps.sendMail, from: deps.mailFrom }),
    [RETENTION_JOB_KIND]: oncePerCluster(db, RETENTION_LOCK_KEY, createRetentionJobHandler(db, queue, deps.retentionDays)),
  };
  return { pipeline, eventDeps, handlers };
}

/** The advisory lock that keeps two instances from sweeping at once. */
const RETENTION_LOCK_KEY = 0x72657465; // "rete"

/**
 * A handler for once-per-cluster work: while another instance runs it (a lease taken over from
 * a slow instance, or two days' sweeps), this one skips it instead of doing it twice.
 */
function oncePerCluster(db: DeskbellDatabase, lockKey: number, handler: JobHandler): JobHandler {
  return {
    ...handler,
    async run(job, context) {
      const ran = await runOncePerCluster(db, lockKey, () => handler.run(job, context));
      if (!ran) console.log(`[jobs] ${job.kind} ${job.id} skipped: another instance is running it`);
    },
  };
}

/** Starts the job worker once per process (from instrumentation.ts); later calls share it. */
export function startRuntime(): Promise<Runtime> {
  const holder = globalThis as Holder;
  holder[key] ??= (async () => {
    const env = serverEnv();
    // A malformed DESKBELL_SECRET_KEY stops start-up here, not at the first saved secret.
    findSecretKey(env);
    const rules = getAppRuleEngine();
    warmRuleEngine(rules);
    const db = await getDatabase();
    await announceAdminSetup(db, env);
    const queue = createSqlJobQueue(db);
    // SQLite means one Deskbell process: whatever is still "running" was cut off by a crash
    // or a kill, and must resume now rather than after its lease runs out.
    const released = await queue.releaseOrphanedLeases();
    if (released > 0) console.log(`[jobs] resuming ${released} job(s) interrupted by the previous shutdown`);
    const sendMail = createSmtpSender(env.SMTP_URL);
    const wiring = createJobWiring({
      db,
      queue,
      manage: () => getAppManageContext(db),
      loadIntakeSettings,
      rules,
      publicUrl: deskbellPublicUrl(env),
      sendMail,
      mailFrom: env.NOTIFY_EMAIL_FROM,
      retentionDays: env.RETENTION_DAYS,
    });
    const worker = startJobWorker({ queue, concurrency: env.WORKER_CONCURRENCY, handlers: wiring.handlers });
    // A job enqueued on any instance (this one at once, others through NOTIFY) is picked up now
    // instead of at the next poll; after a lost LISTEN connection (null), look anyway.
    subscribe(db, 'jobs', () => worker.wake());
    void clusterSignalReady(db);
    warmManageCachesInBackground(db);
    const today = new Date().toISOString().slice(0, 10);
    await queue.enqueue(RETENTION_JOB_KIND, {}, { dedupeKey: `retention:${today}`, maxAttempts: 3 });
    // A closure, not the handle: a caller may be another bundle's copy of this module, whose
    // Kysely classes are not this handle's (databaseEngine's instanceof would not know it).
    return { queue, worker, announceJobs: () => publish(db, 'jobs') };
  })();
  return holder[key];
}

/**
 * The sandbox takes seconds to start cold: start it now, beside the rest of start-up, so no
 * press or admin test ever waits for it. A failure is logged, never fatal: presses still get
 * tickets (a rule that cannot run is reported under Submission Errors).
 */
function warmRuleEngine(engine: PythonRuleEngine): void {
  const started = performance.now();
  engine.warm().then(
    () => console.log(`[rules] sandbox warm in ${Math.round(performance.now() - started)} ms`),
    (err: unknown) => console.error('[rules] the rules sandbox did not start:', err instanceof Error ? err.message : err),
  );
}

/** The first press after a start should find the lookup tables warm, like every other press. */
function warmManageCachesInBackground(db: DeskbellDatabase): void {
  void (async () => {
    const manage = await getAppManageContext(db);
    if (!manage.ok) return;
    const started = performance.now();
    await warmManageCaches(manage.context, await loadIntakeSettings(db));
    console.log(`[manage] lookup tables warm in ${Math.round(performance.now() - started)} ms`);
  })().catch((err: unknown) => console.error('[manage] warming the lookup tables failed:', err instanceof Error ? err.message : err));
}

/**
 * First run has no default password: while no admin exists, each start prints a new
 * one-time setup code (only its hash is stored) for the "Create the first admin" form.
 */
async function announceAdminSetup(db: DeskbellDatabase, env: ServerEnv): Promise<void> {
  await pruneLoginThrottle(db, new Date(), throttlePolicyFromEnv(env));
  const problem = describeAuthConfigProblem(env);
  if (problem) console.warn(`[deskbell] ${problem}`);
  if (!env.DESKBELL_PUBLIC_URL && !env.NEXTAUTH_URL) {
    console.warn('[deskbell] Set DESKBELL_PUBLIC_URL to the address admins open (e.g. https://deskbell.example.com): sign-in redirects need it.');
  }
  const code = await issueSetupCode(db);
  if (!code) return;
  const publicUrl = !env.DESKBELL_PUBLIC_URL && env.NEXTAUTH_URL ? env.NEXTAUTH_URL : deskbellPublicUrl(env);
  console.log(`[deskbell] First run: open ${publicUrl.replace(/\/+$/, '')}/login and enter the setup code ${code}`);
  console.log('[deskbell] (or create an admin from a shell: npm run admin -- create --email you@example.com)');
}

/** Tells the workers of every instance that new work is waiting; a no-op before the runtime has started. */
export function wakeWorker(): void {
  const running = (globalThis as Holder)[key];
  void running?.then((r) => r.announceJobs());
}
