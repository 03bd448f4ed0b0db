/**
 * The press pipeline wired for tests: the real simulator over HTTP, a real SQLite database,
 * the real queue and worker with the app's own job wiring (createJobWiring in lib/runtime.ts),
 * and the real route logic (handleCreatePress). Only the clock knobs are turned down (short
 * backoffs) so fault tests finish in seconds.
 */
import { createAgentToken } from '@/lib/auth/agent-tokens';
import type { ManageClientOptions } from '@/lib/connectwise/client';
import { createManageContext, type ManageContext } from '@/lib/manage-client/manage-context';
import type { PressPipelineDeps } from '@/lib/intake/process-press';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { startJobWorker, type JobWorker } from '@/lib/jobs/worker';
import type { RuleEngine } from '@/lib/rules/engine/rule-engine';
import { findActiveRules } from '@/lib/settings/active-rules';
import type { IntakeSettings, TicketDefaults } from '@/lib/settings/intake-settings';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import type { JobQueue } from '@/lib/jobs/queue';
import type { SendMail } from '@/lib/notifications/email';
import type { TicketEventDeps } from '@/lib/notifications/ticket-events';
import { createJobWiring } from '@/lib/runtime';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';
import { basePress, buildMultipart, buildPng, type FilePart, type PressFields } from './press-fixtures';
import { DEMO_TICKET_DEFAULTS } from '@/lib/setup/demo-setup';
import { handleCreatePress, handleReadPressStatus } from '@/tests/support/agent-routes';

export const demoDefaults = DEMO_TICKET_DEFAULTS;

export type HarnessOptions = {
  defaults?: Partial<TicketDefaults>;
  /** Without `source`, each press reads the active saved rules version, as the app does. */
  rules?: { engine: RuleEngine; source?: string };
  client?: Partial<ManageClientOptions>;
  maxAttempts?: number;
  /** E-mail notifications go out through this sender (a real SMTP server in tests); none by default. */
  sendMail?: SendMail;
};

export type PipelineHarness = {
  sim: ManageSim;
  db: DeskbellDatabase;
  token: string;
  context: ManageContext;
  worker: JobWorker;
  /** The pipeline's dependencies, for tests that drive processPress by hand. */
  deps: PressPipelineDeps;
  /** Callback and notification wiring, as lib/runtime.ts builds it. */
  eventDeps: TicketEventDeps;
  queue: JobQueue;
  press(fields?: PressFields, files?: FilePart[], headers?: Record<string, string>): Promise<{ status: number; body: { id: string } & Record<string, unknown> }>;
  status(id: string, wait?: number): Promise<Record<string, unknown>>;
  /** Waits until every job finished (or is dead). */
  settle(timeoutMs?: number): Promise<void>;
  ticketsFor(pressId: string): { id: number; [k: string]: unknown }[];
  close(): Promise<void>;
};

export async function startPipelineHarness(options: HarnessOptions = {}): Promise<PipelineHarness> {
  const sim = await startManageSim({ port: 0, seed: 'demo' });
  const db = await openTestDatabase();
  const queue = createSqlJobQueue(db);
  const { token } = await createAgentToken(db, 'test agent');
  const context = createManageContext(
    {
      baseUrl: sim.baseUrl,
      ...sim.credentials,
      timeouts: { connectMs: 1_000, headersMs: 1_500, bodyMs: 2_000 },
      retry: { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 300 },
      ...options.client,
    },
    60_000,
  );
  const settings: IntakeSettings = {
    defaults: { ...demoDefaults, ...options.defaults },
    unregistered: { email: 'unregistered@helpdeskbuttons.com' },
    rulesSource: options.rules?.source ?? null,
    selections: [],
  };
  const wiring = createJobWiring({
    db,
    queue,
    manage: async () => ({ ok: true, context }),
    loadIntakeSettings: async (database) => {
      if (!options.rules || options.rules.source !== undefined) return settings;
      const active = await findActiveRules(database);
      return { ...settings, rulesSource: active?.source ?? null, rulesVersion: active?.version ?? null };
    },
    rules: options.rules?.engine ?? null,
    publicUrl: 'https://deskbell.test',
    sendMail: options.sendMail,
    mailFrom: 'Deskbell <deskbell@test.example>',
    retentionDays: 90,
  });
  const { pipeline: deps, eventDeps } = wiring;
  // The production handlers; only the clock knobs are test-sized.
  const worker = startJobWorker({
    queue,
    concurrency: 4,
    pollMs: 20,
    leaseMs: 10_000,
    backoff: { baseMs: 50, maxMs: 400 },
    handlers: wiring.handlers,
  });

  return {
    sim,
    db,
    token,
    context,
    worker,
    deps,
    eventDeps,
    queue,
    async press(fields = basePress(), files = [], headers = {}) {
      const request = new Request('http://deskbell.test/api/v1/presses', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...headers },
        body: buildMultipart(fields, files),
      });
      const res = await handleCreatePress(request, { db, queue, publicUrl: null, onAccepted: () => worker.wake() });
      return { status: res.status, body: (await res.json()) as { id: string } & Record<string, unknown> };
    },
    async status(id, wait) {
      const url = `http://deskbell.test/api/v1/presses/${id}${wait ? `?wait=${wait}` : ''}`;
      const res = await handleReadPressStatus(new Request(url, { headers: { authorization: `Bearer ${token}` } }), id, { db });
      return (await res.json()) as Record<string, unknown>;
    },
    settle: (timeoutMs = 20_000) => worker.drain(timeoutMs),
    ticketsFor: (pressId) =>
      sim.store.tickets.list().filter((t) => (t as { externalXRef?: string }).externalXRef === pressId) as {
        id: number;
      }[],
    async close() {
      await worker.stop();
      await context.client.close();
      await db.destroy();
      await sim.close();
    },
  };
}

export const screenshot = (shade: number, filename = `shot-${shade}.png`): FilePart => ({
  name: 'screenshot',
  bytes: buildPng({ width: 64, height: 40, shade }),
  filename,
  type: 'image/png',
});

export const shotsMeta = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ capturedAt: `2026-11-28T10:00:0${i}Z`, monitor: i }));
