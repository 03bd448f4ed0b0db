/**
 * Press-to-ticket time against a slow Manage: the simulator (child process) adds a fixed
 * latency to every API request, so each Manage round trip costs about one RTT and the time
 * from the 202 to `ticket_created` shows how many round trips the pipeline waits for in a
 * row. That count is also computed directly: every Manage call's start and end are recorded
 * (the client's onCall fires at the end with the duration), and the longest chain of calls
 * in which each starts after the previous one ended is the critical path.
 *
 * The pipeline is the production one, in this process: handleCreatePress (in-process, no
 * HTTP), the SQL queue and job worker over a SQLite file in WAL mode, createPressJobHandler,
 * and a Manage context built like the app's. Presses run one at a time.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import type { ManageCallRecord } from '@/lib/connectwise/client';
import { serverEnv } from '@/lib/env';
import { PRESS_JOB_KIND } from '@/lib/intake/accept-press';
import { createManageContext, type ManageContext } from '@/lib/manage-client/manage-context';
import { createPressJobHandler } from '@/lib/intake/press-job';
import { waitForPressStatus } from '@/lib/intake/press-status';
import type { PressPipelineDeps } from '@/lib/intake/process-press';
import type { PressOutcome } from '@/lib/presses/press-outcome';
import { generatePressThumbnails } from '@/lib/presses/thumbnails';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { startJobWorker } from '@/lib/jobs/worker';
import type { IntakeSettings } from '@/lib/settings/intake-settings';
import { migrateToLatest, openDatabase } from '@/lib/store/database';
import { demoDefaults } from '../support/pipeline-harness';
import { buildBenchPress, createScreenshotFactory } from './accept.bench';
import type { SimChild } from './sim-child';
import { percentile } from './stats';
import { handleCreatePress } from '@/tests/support/agent-routes';

/** One Manage call as seen by the client, in ms on this process's performance clock. */
export type CallSpan = { method: string; path: string; status: number | null; attempt: number; start: number; end: number };

/** A call on a printed critical path, with times relative to the press's 202. */
export type PathCall = { call: string; status: number | null; startMs: number; endMs: number };

export type PressTiming = {
  pressToTicketMs: number;
  acceptMs: number;
  /** 202 to the first Manage call's start: job pick-up, press load, settings. */
  firstCallAtMs: number;
  /** 202 to the last Manage call's end; the rest is storing the outcome and noticing it. */
  lastCallEndMs: number;
  calls: number;
  /** API requests in the simulator's log during this press (retries included). */
  simulatorRequests: number;
  criticalPath: PathCall[];
  steps: { name: string; ms: number }[];
  documents: number;
  configurationLinked: boolean;
};

export type PressGroupResult = {
  presses: PressTiming[];
  medianPressToTicketMs: number;
  ratioToRtt: number;
  /** Critical-path round trips per press, and the chains (calls in order) with how often each occurred. */
  criticalPathRoundTrips: number[];
  chains: { chain: string[]; presses: number }[];
  callsPerPress: number[];
  medianStepMs: Record<string, number>;
};

export type PressToTicketResult = {
  latencyMs: number;
  rttSamples: number;
  rttMedianMs: number;
  rttMinMs: number;
  rttMaxMs: number;
  screenshotsPerPress: number;
  screenshotBytes: number;
  hostname: string;
  email: string;
  setup: string;
  cold: PressGroupResult;
  warm: PressGroupResult;
};

export type PressToTicketOptions = { presses: number; coldPresses: number; latencyMs: number; rttSamples: number; apiVersion: string; ttlSeconds: number };

const PRESS_TIMEOUT_MS = 60_000;

/**
 * The longest chain of calls where each one starts after the previous one ended: dynamic
 * programming over the calls sorted by end time (a predecessor always ends before its
 * successor starts, hence before it ends). Ties prefer the chain that ends last.
 */
export function findCriticalPath(spans: readonly CallSpan[]): CallSpan[] {
  const sorted = [...spans].sort((a, b) => a.end - b.end);
  const length: number[] = [];
  const previous: number[] = [];
  let best = -1;
  for (let i = 0; i < sorted.length; i++) {
    length[i] = 1;
    previous[i] = -1;
    for (let j = 0; j < i; j++) {
      if (sorted[j]!.end <= sorted[i]!.start && length[j]! + 1 > length[i]!) {
        length[i] = length[j]! + 1;
        previous[i] = j;
      }
    }
    if (best === -1 || length[i]! >= length[best]!) best = i;
  }
  const chain: CallSpan[] = [];
  for (let i = best; i !== -1; i = previous[i]!) chain.unshift(sorted[i]!);
  return chain;
}

/** Ids vary per press; the shape of the call is what repeats. */
function describeCall(span: Pick<CallSpan, 'method' | 'path' | 'attempt'>): string {
  const retry = span.attempt > 1 ? ` (attempt ${span.attempt})` : '';
  return `${span.method} ${span.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}${retry}`;
}

async function setSimFaults(sim: SimChild, rules: unknown[] | null): Promise<void> {
  const res = await fetch(`${sim.url}/__sim/faults`, {
    method: rules === null ? 'DELETE' : 'PUT',
    headers: { 'content-type': 'application/json' },
    body: rules === null ? undefined : JSON.stringify(rules),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`simulator PUT /__sim/faults answered ${res.status}: ${await res.text()}`);
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

function summariseGroup(presses: PressTiming[], rttMs: number): PressGroupResult {
  const chains = new Map<string, { chain: string[]; presses: number }>();
  for (const p of presses) {
    const chain = p.criticalPath.map((c) => c.call);
    const key = chain.join(' -> ');
    const entry = chains.get(key) ?? { chain, presses: 0 };
    entry.presses++;
    chains.set(key, entry);
  }
  const stepNames = [...new Set(presses.flatMap((p) => p.steps.map((s) => s.name)))];
  const medianPressToTicketMs = median(presses.map((p) => p.pressToTicketMs));
  return {
    presses,
    medianPressToTicketMs,
    ratioToRtt: medianPressToTicketMs / rttMs,
    criticalPathRoundTrips: presses.map((p) => p.criticalPath.length),
    chains: [...chains.values()].sort((a, b) => b.presses - a.presses),
    callsPerPress: presses.map((p) => p.calls),
    medianStepMs: Object.fromEntries(
      stepNames.map((name) => [name, median(presses.flatMap((p) => p.steps.filter((s) => s.name === name).map((s) => s.ms)))]),
    ),
  };
}

export async function benchPressToTicket(sim: SimChild, options: PressToTicketOptions): Promise<PressToTicketResult> {
  const env = serverEnv();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-bench-ticket-'));
  const db = openDatabase({ dialect: 'sqlite', file: path.join(dir, 'deskbell.sqlite') });
  const factory = createScreenshotFactory({ width: 1024, height: 500, pool: 3 });
  const screenshotsPerPress = 3;

  // Calls land in the current press's list; null while measuring the RTT.
  let recording: CallSpan[] | null = null;
  const newContext = (): ManageContext =>
    createManageContext(
      {
        baseUrl: sim.baseUrl,
        ...sim.credentials,
        apiVersion: options.apiVersion,
        // As the app builds them (lib/connectwise/connection.ts).
        timeouts: { connectMs: env.MANAGE_CONNECT_TIMEOUT_MS, headersMs: env.MANAGE_HEADERS_TIMEOUT_MS, bodyMs: env.MANAGE_BODY_TIMEOUT_MS },
        retry: { maxRetries: env.MANAGE_MAX_RETRIES },
        onCall: (call: ManageCallRecord) => {
          const end = performance.now();
          recording?.push({ method: call.method, path: call.path, status: call.status, attempt: call.attempt, start: end - call.ms, end });
        },
      },
      options.ttlSeconds * 1000,
    );
  let context = newContext();
  const workerLog: string[] = [];

  try {
    await migrateToLatest(db);
    const queue = createSqlJobQueue(db);
    const { token, agentToken } = await createAgentToken(db, 'bench agent');
    const settings: IntakeSettings = {
      defaults: demoDefaults,
      unregistered: { email: 'unregistered@helpdeskbuttons.com' },
      rulesSource: null,
      selections: [],
    };
    const deps: PressPipelineDeps = {
      db,
      manage: () => ({ ok: true, context }),
      loadSettings: async () => settings,
      rules: null,
      publicUrl: 'https://deskbell.bench',
      // As the app runs: the pod's previews are made after each press, beside the next ones.
      makeThumbnails: (pressId) => generatePressThumbnails(db, pressId),
    };
    const worker = startJobWorker({
      queue,
      concurrency: env.WORKER_CONCURRENCY,
      handlers: { [PRESS_JOB_KIND]: createPressJobHandler(deps) },
      log: (m) => workerLog.push(m),
    });

    let pressIndex = 0;
    const runPress = async (): Promise<PressTiming> => {
      const calls: CallSpan[] = [];
      await sim.clearRequests();
      recording = calls;
      const { body, contentType } = buildBenchPress(factory, pressIndex++, screenshotsPerPress);
      const request = new Request('http://deskbell.bench/api/v1/presses', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'idempotency-key': randomUUID() },
        body: new Uint8Array(body),
      });
      const started = performance.now();
      const res = await handleCreatePress(request, { db, queue, publicUrl: null, onAccepted: () => worker.wake() });
      const accepted = performance.now();
      const answer = (await res.json()) as { id?: string };
      if (res.status !== 202 || !answer.id) throw new Error(`the press was not accepted: ${res.status} ${JSON.stringify(answer)}`);

      // The pipeline notifies long-polls on every status change, so this sees ticket_created at once.
      const deadline = accepted + PRESS_TIMEOUT_MS;
      let status = 'queued';
      while (status !== 'ticket_created') {
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new Error(`press ${answer.id} still ${status} after ${PRESS_TIMEOUT_MS} ms`);
        const view = await waitForPressStatus(db, agentToken.id, answer.id, { waitMs: remaining });
        status = view?.status ?? 'missing';
        if (status === 'refused' || status === 'dead' || status === 'missing') {
          throw new Error(`press ${answer.id} ended ${status}: ${JSON.stringify(view)}\n${workerLog.join('\n')}`);
        }
      }
      const done = performance.now();
      recording = null;

      const row = await db.selectFrom('presses').select('outcome').where('id', '=', answer.id).executeTakeFirstOrThrow();
      const outcome = JSON.parse(row.outcome ?? 'null') as PressOutcome | null;
      const rel = (t: number) => Math.round((t - accepted) * 10) / 10;
      return {
        pressToTicketMs: done - accepted,
        acceptMs: accepted - started,
        firstCallAtMs: calls.length ? rel(Math.min(...calls.map((c) => c.start))) : 0,
        lastCallEndMs: calls.length ? rel(Math.max(...calls.map((c) => c.end))) : 0,
        calls: calls.length,
        simulatorRequests: await sim.countRequests(),
        criticalPath: findCriticalPath(calls).map((c) => ({ call: describeCall(c), status: c.status, startMs: rel(c.start), endMs: rel(c.end) })),
        steps: outcome?.steps ?? [],
        documents: outcome?.documents.length ?? 0,
        configurationLinked: outcome?.configuration !== null && outcome?.configuration !== undefined,
      };
    };

    try {
      // Unmeasured, without latency: loads this process's code paths and SQLite pages.
      await runPress();

      await setSimFaults(sim, [{ kind: 'latency', ms: options.latencyMs }]);
      try {
        // Cold: a new context per press, i.e. an empty lookup cache and a new connection pool
        // (the first press after start-up, or after the cache TTL passed).
        const cold: PressTiming[] = [];
        for (let i = 0; i < options.coldPresses; i++) {
          await context.client.close();
          context = newContext();
          cold.push(await runPress());
        }
        // The last cold press warmed this context's cache and pool: the steady state.
        const rtt: number[] = [];
        for (let i = 0; i < options.rttSamples; i++) {
          const t0 = performance.now();
          const res = await context.client.request({ method: 'GET', path: '/system/info' });
          rtt.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`GET /system/info answered ${res.status}`);
        }
        const warm: PressTiming[] = [];
        for (let i = 0; i < options.presses; i++) warm.push(await runPress());

        const rttSorted = [...rtt].sort((a, b) => a - b);
        const rttMedianMs = percentile(rttSorted, 50);
        return {
          latencyMs: options.latencyMs,
          rttSamples: options.rttSamples,
          rttMedianMs,
          rttMinMs: rttSorted[0]!,
          rttMaxMs: rttSorted[rttSorted.length - 1]!,
          screenshotsPerPress,
          screenshotBytes: factory.sizes[0]!,
          hostname: 'ACME-PC-01',
          email: 'dana.whitfield@acme-mfg.example',
          setup:
            'pipeline in the benchmark process (handleCreatePress in-process, SQL queue + job worker on a SQLite file in WAL, ' +
            `worker concurrency ${env.WORKER_CONCURRENCY}, Manage client with the app's timeouts and ${env.MANAGE_MAX_RETRIES} retries); ` +
            `simulator in a child process with a ${options.latencyMs} ms latency fault on every API request`,
          cold: summariseGroup(cold, rttMedianMs),
          warm: summariseGroup(warm, rttMedianMs),
        };
      } finally {
        await setSimFaults(sim, null);
      }
    } finally {
      await worker.stop();
    }
  } finally {
    await context.client.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
