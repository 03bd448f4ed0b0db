import 'server-only';
import { z } from 'zod';
import { serverEnv } from '@/lib/env';
import type { RuleEngine, RuleError, RulePool, RuleRun, RuleVariables } from './rule-engine';
import { findNamespaceWrapper, findSandboxPaths, type SandboxLimits, type SandboxPaths } from './sandbox-paths';
import { SandboxFailure, SandboxProcess } from './sandbox-process';

/**
 * MSPs' dispatcher rules, run as real Python 3 (Pyodide) in locked-down child processes (see
 * sandbox/sandbox-child.mjs, sandbox/harden.mjs, sandbox/rule-runner.py): Node's permission
 * model with read access to Pyodide and the sandbox folder only, an empty environment, heap
 * caps, no network, and a per-evaluation timeout that SIGKILLs the process and starts a fresh
 * one.
 *
 * Two pools that never share a process: `press` runs the saved rules for real presses (and
 * syntax checks, which run no rule code) and is warmed at server start; `test` runs what the
 * Rules step tries and retires its interpreter after every evaluation, so a test run can neither see nor change
 * the interpreter a press uses, nor the next test run's. In the press pool the runner puts back
 * what rules may change after each evaluation and retires the interpreter when anything else
 * changed or the rule ran into the fence.
 */

export type RuleCheck =
  | { ok: true }
  | { ok: false; error: { type: string; message: string; line: number | null; column: number | null } };

export type RuleEngineStats = {
  /** Live press-pool processes, and how many of them are warm (started, ready to evaluate). */
  processes: number;
  warmProcesses: number;
  evaluations: number;
  /** Press-pool processes replaced (timeout, crash, memory, or a changed interpreter). */
  restarts: number;
  cacheHits: number;
  /** Evaluations in the test pool, and how many interpreters it started for them. */
  testRuns: number;
  testInterpreters: number;
  /** Test-pool interpreters started and waiting, and how many it keeps: equal once no replacement is still starting. */
  testWarmProcesses: number;
  testPoolSize: number;
  /** Every process id each pool has used (most recent last, bounded). */
  pids: { press: number[]; test: number[] };
};

export type PythonRuleEngine = RuleEngine & {
  /** Syntax check only (Python's own parser and the fence's compile step); no rule code runs. */
  check(source: string): Promise<RuleCheck>;
  /** Start a pool now (press: server start); resolves when one of its sandboxes is warm. */
  warm(pool?: RulePool): Promise<void>;
  stats(): RuleEngineStats;
  close(): Promise<void>;
};

export type PythonRuleEngineOptions = {
  poolSize?: number;
  /** Processes kept for test runs; each serves one evaluation, so two keep a warm one ready. */
  testPoolSize?: number;
  timeoutMs?: number;
  heapMb?: number;
  outputLimitBytes?: number;
};

const START_TIMEOUT_MS = 60_000;
const COMPILE_CACHE_SIZE = 32;
const MAX_SOURCE_BYTES = 1024 * 1024;
const MAX_VARIABLES_BYTES = 2 * 1024 * 1024;
/** After a start failure, wait this long (doubling, capped) before spawning again. */
const RESTART_BACKOFF_MS = { first: 500, max: 30_000 };

const lineSchema = z.number().int().nullable();
const text = (max: number) => z.string().transform((s) => (s.length > max ? `${s.slice(0, max)}...` : s));
// What Python computed: resolution reports a value Manage cannot take (None, 2.5).
const nameOrNumber = z.union([z.string(), z.number()]).nullable();
const name = z.string().nullable();

// The child is untrusted: everything it says is validated, and read-only values are never taken from it.
const writableSchema = z.object({
  priority: nameOrNumber,
  state: name,
  team: name,
  type: name,
  subtype: name,
  item: name,
  msg: z.string(),
  subject: z.string(),
  source: name,
  impact: nameOrNumber,
  urgency: nameOrNumber,
  owner: name,
  board: name,
  append: z.string(),
  priv_append: z.string(),
  exception: z.string().nullable(),
});

const evaluationSchema = z.object({
  id: z.number(),
  ms: z.number(),
  result: z.object({
    cached: z.boolean(),
    error: z.object({ type: text(200), message: text(2_000), line: lineSchema }).nullable(),
    warnings: z.array(text(500)).max(200),
    output: z.string(),
    after: writableSchema.optional(),
  }),
});

const checkSchema = z.object({
  id: z.number(),
  result: z.union([
    z.object({ ok: z.literal(true) }),
    z.object({
      ok: z.literal(false),
      error: z.object({ type: text(200), message: text(2_000), line: lineSchema, column: lineSchema }),
    }),
  ]),
});

const failureSchema = z.object({ id: z.number(), failure: text(2_000) });

type Job = {
  message: Record<string, unknown>;
  resolve: (frame: unknown) => void;
  reject: (error: Error) => void;
};

type Slot = { process: SandboxProcess | null; busy: boolean };

type SandboxPool = {
  submit(message: Record<string, unknown>): Promise<unknown>;
  warm(): Promise<void>;
  close(): Promise<void>;
  live(): number;
  warmCount(): number;
  counters: { restarts: number; started: number; pids: number[] };
};

type PoolOptions = {
  size: number;
  timeoutMs: number;
  limits: SandboxLimits;
  maxResponseBytes: number;
  locate: () => Promise<{ paths: SandboxPaths; wrapper: string[] }>;
};

const PID_HISTORY = 1_000;

/** Processes of one kind: started on first use (or warm()), replaced when one exits. */
function createSandboxPool(options: PoolOptions): SandboxPool {
  const slots: Slot[] = Array.from({ length: options.size }, () => ({ process: null, busy: false }));
  const queue: Job[] = [];
  const counters = { restarts: 0, started: 0, pids: [] as number[] };
  let located: { paths: SandboxPaths; wrapper: string[] } | null = null;
  let started: Promise<void> | null = null;
  let closed = false;
  let startFailures = 0;
  let lastStartError: Error | null = null;
  let retryTimer: NodeJS.Timeout | null = null;

  function spawnInto(slot: Slot): void {
    if (closed || !located) return;
    const sandbox: SandboxProcess = new SandboxProcess({
      paths: located.paths,
      wrapper: located.wrapper,
      limits: options.limits,
      startTimeoutMs: START_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes,
      onExit: () => {
        if (slot.process !== sandbox) return;
        slot.process = null;
        slot.busy = false;
        if (closed) return;
        counters.restarts++;
        scheduleSpawn(slot);
      },
    });
    slot.process = sandbox;
    slot.busy = false;
    if (sandbox.pid !== undefined) {
      counters.pids.push(sandbox.pid);
      if (counters.pids.length > PID_HISTORY) counters.pids.shift();
    }
    sandbox.ready.then(
      () => {
        counters.started++;
        startFailures = 0;
        lastStartError = null;
        pump();
        // The others start one at a time once one is warm: Pyodide's start is CPU-bound, and
        // starting them all at once would make the first one late.
        const empty = slots.find((s) => s.process === null);
        if (empty && !closed) spawnInto(empty);
      },
      (error: Error) => {
        startFailures++;
        lastStartError = error;
        // Nothing can run until a sandbox starts: answer the waiting jobs now rather than let them hang.
        if (slots.every((s) => s.process === null || s.process === sandbox || !s.process.alive)) failQueue(error);
      },
    );
  }

  function scheduleSpawn(slot: Slot): void {
    if (startFailures === 0) {
      spawnInto(slot);
      return;
    }
    const delay = Math.min(RESTART_BACKOFF_MS.first * 2 ** (startFailures - 1), RESTART_BACKOFF_MS.max);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (slot.process === null) spawnInto(slot);
    }, delay);
    retryTimer.unref();
  }

  function failQueue(error: Error): void {
    for (const job of queue.splice(0)) job.reject(error);
  }

  function start(): Promise<void> {
    started ??= options.locate().then((found) => {
      located = found;
      if (slots[0] && !slots[0].process) spawnInto(slots[0]);
    });
    return started;
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      const sandbox = slot.process;
      if (!sandbox || slot.busy || sandbox.startMs === null || !sandbox.alive) continue;
      const job = queue.shift() as Job;
      slot.busy = true;
      sandbox.request(job.message, options.timeoutMs).then(
        (frame) => {
          slot.busy = false;
          job.resolve(frame);
          pump();
        },
        (error: Error) => {
          slot.busy = false;
          job.reject(error);
          pump();
        },
      );
    }
  }

  return {
    counters,
    async submit(message) {
      if (closed) throw new SandboxFailure('crashed', 'the rule engine is closed');
      await start();
      // A sandbox that failed to start is retried on demand, not only on the backoff timer.
      for (const slot of slots) {
        if (!slot.process && retryTimer === null) spawnInto(slot);
      }
      if (lastStartError && slots.every((s) => !s.process || !s.process.alive)) throw lastStartError;
      return new Promise((resolve, reject) => {
        queue.push({ message, resolve, reject });
        pump();
      });
    },
    async warm() {
      await start();
      // Ready means a live process that can take the next evaluation: one retired a moment
      // ago still holds its slot until it has exited and its replacement is spawned.
      for (;;) {
        const live = slots.map((s) => s.process).filter((p): p is SandboxProcess => p !== null && p.alive);
        if (live.some((p) => p.startMs !== null)) return;
        if (live.length === 0) {
          if (closed) throw new SandboxFailure('crashed', 'the rule engine is closed');
          if (lastStartError) throw lastStartError;
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        await Promise.any(live.map((p) => p.ready)).catch((error: unknown) => {
          throw error instanceof AggregateError ? (error.errors[0] as Error) : error;
        });
      }
    },
    live() {
      return slots.filter((s) => s.process?.alive).length;
    },
    warmCount() {
      return slots.filter((s) => s.process?.alive && s.process.startMs !== null).length;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      failQueue(new SandboxFailure('crashed', 'the rule engine is closed'));
      const exits = slots.map((slot) => slot.process).filter((p): p is SandboxProcess => p !== null);
      for (const slot of slots) slot.process = null;
      await Promise.all(exits.map((p) => p.stop()));
    },
  };
}

export function createPythonRuleEngine(options: PythonRuleEngineOptions = {}): PythonRuleEngine {
  const poolSize = options.poolSize ?? 1;
  const testPoolSize = options.testPoolSize ?? 2;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const heapMb = options.heapMb ?? 256;
  const outputLimitBytes = options.outputLimitBytes ?? 64 * 1024;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error('poolSize must be a positive integer');
  if (!Number.isInteger(testPoolSize) || testPoolSize < 1) throw new Error('testPoolSize must be a positive integer');

  let location: Promise<{ paths: SandboxPaths; wrapper: string[] }> | null = null;
  const locate = () => {
    location ??= (async () => ({ paths: findSandboxPaths(), wrapper: await findNamespaceWrapper() }))();
    return location;
  };
  const limits: SandboxLimits = { heapMb, outputLimitBytes, cacheSize: COMPILE_CACHE_SIZE, maxRequestBytes: MAX_SOURCE_BYTES + MAX_VARIABLES_BYTES + 4096 };
  // Output is bounded by the child; the rest is the variables (the message can be long) and JSON escaping.
  const maxResponseBytes = outputLimitBytes * 6 + 16 * 1024 * 1024;
  const pools: Record<RulePool, SandboxPool> = {
    // One process more than asked for: when an interpreter is retired (it changed, met the
    // fence, timed out), the next press finds a warm one instead of waiting for Pyodide.
    press: createSandboxPool({ size: poolSize + 1, timeoutMs, limits, maxResponseBytes, locate }),
    test: createSandboxPool({ size: testPoolSize, timeoutMs, limits: { ...limits, retireAfterEvaluate: true }, maxResponseBytes, locate }),
  };
  const counters = { evaluations: 0, cacheHits: 0, testRuns: 0 };

  function errorRun(variables: RuleVariables, error: RuleError, durationMs: number): Omit<RuleRun, 'before'> {
    return { after: variables, refusal: null, error, output: '', warnings: [], durationMs };
  }

  return {
    async evaluate(source, variables, evaluateOptions) {
      const pool = evaluateOptions?.pool ?? 'press';
      const began = performance.now();
      counters.evaluations++;
      if (pool === 'test') counters.testRuns++;
      if (Buffer.byteLength(source, 'utf8') > MAX_SOURCE_BYTES) {
        return errorRun(variables, { type: 'SandboxError', message: `the rules are longer than ${MAX_SOURCE_BYTES} bytes`, line: null }, 0);
      }
      if (Buffer.byteLength(JSON.stringify(variables), 'utf8') > MAX_VARIABLES_BYTES) {
        return errorRun(variables, { type: 'SandboxError', message: `the press is larger than ${MAX_VARIABLES_BYTES} bytes`, line: null }, 0);
      }
      let frame: unknown;
      try {
        frame = await pools[pool].submit({ op: 'evaluate', source, variables });
      } catch (error) {
        return errorRun(variables, sandboxError(error), performance.now() - began);
      }
      const failure = failureSchema.safeParse(frame);
      if (failure.success) {
        return errorRun(variables, { type: 'SandboxError', message: `the rule runner failed: ${failure.data.failure}`, line: null }, performance.now() - began);
      }
      const parsed = evaluationSchema.safeParse(frame);
      if (!parsed.success) {
        return errorRun(variables, { type: 'SandboxError', message: 'the rule sandbox sent an answer that is not valid', line: null }, performance.now() - began);
      }
      const { result, ms } = parsed.data;
      if (result.cached) counters.cacheHits++;
      const after: RuleVariables = result.error || !result.after ? variables : { ...variables, ...result.after };
      const refusal = !result.error && after.exception !== null && after.exception !== '' ? after.exception : null;
      return { after, refusal, error: result.error, output: result.output, warnings: result.warnings, durationMs: ms };
    },

    async check(source) {
      if (Buffer.byteLength(source, 'utf8') > MAX_SOURCE_BYTES) {
        return { ok: false, error: { type: 'SandboxError', message: `the rules are longer than ${MAX_SOURCE_BYTES} bytes`, line: null, column: null } };
      }
      let frame: unknown;
      try {
        // Compiling runs no rule code, so a check cannot change an interpreter: it uses the
        // always-warm press pool and a save never waits for a cold sandbox.
        frame = await pools.press.submit({ op: 'check', source });
      } catch (error) {
        return { ok: false, error: { ...sandboxError(error), column: null } };
      }
      const parsed = checkSchema.safeParse(frame);
      if (!parsed.success) {
        return { ok: false, error: { type: 'SandboxError', message: 'the rule sandbox sent an answer that is not valid', line: null, column: null } };
      }
      return parsed.data.result;
    },

    warm(pool = 'press') {
      return pools[pool].warm();
    },

    stats() {
      return {
        processes: pools.press.live(),
        warmProcesses: pools.press.warmCount(),
        ...counters,
        restarts: pools.press.counters.restarts,
        testInterpreters: pools.test.counters.started,
        testWarmProcesses: pools.test.warmCount(),
        testPoolSize,
        pids: { press: [...pools.press.counters.pids], test: [...pools.test.counters.pids] },
      };
    },

    async close() {
      await Promise.all([pools.press.close(), pools.test.close()]);
    },
  };
}

function sandboxError(error: unknown): RuleError {
  if (error instanceof SandboxFailure) {
    const type = error.kind === 'timeout' ? 'TimeoutError' : 'SandboxError';
    return { type, message: error.message, line: null };
  }
  return { type: 'SandboxError', message: error instanceof Error ? error.message : String(error), line: null };
}

const singletonKey = Symbol.for('deskbell.ruleEngine');
type Holder = { [singletonKey]?: PythonRuleEngine };

/** The process-wide engine (Next.js may load this module in several bundles), configured from env. */
export function getAppRuleEngine(): PythonRuleEngine {
  const holder = globalThis as Holder;
  if (!holder[singletonKey]) {
    const env = serverEnv();
    holder[singletonKey] = createPythonRuleEngine({
      poolSize: env.RULES_POOL_SIZE,
      testPoolSize: env.RULES_TEST_POOL_SIZE,
      timeoutMs: env.RULES_TIMEOUT_MS,
      heapMb: env.RULES_HEAP_MB,
      outputLimitBytes: env.RULES_OUTPUT_LIMIT_BYTES,
    });
  }
  return holder[singletonKey];
}
