import 'server-only';
import { createManageClient, getSystemInfo, ManageError } from '@/lib/connectwise';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import { findNamespaceWrapper } from '@/lib/rules/engine/sandbox-paths';
import { loadManageConnection } from '@/lib/settings/manage-connection';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { databaseEngine, getDatabase, pingDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { deskbellVersion } from '@/lib/version';

export type ComponentHealth =
  | { status: 'ok'; latencyMs: number; detail?: string }
  | { status: 'not_configured'; detail: string }
  | { status: 'error'; latencyMs?: number; code: string; detail: string };

/** How the rule sandbox is kept off the network: its own empty network namespace, or JavaScript only. */
export type RulesSandboxHealth = { networkContainment: 'namespace' | 'javascript'; detail: string };

/** How far the workers are behind: jobs due but not taken, and how long the oldest has waited. */
export type QueueHealth =
  | { status: 'ok'; due: number; running: number; dead: number; oldestDueAt: string | null; oldestWaitSeconds: number | null }
  | { status: 'error'; code: string; detail: string };

export type HealthReport = {
  /** `degraded`: presses are still accepted and stored, tickets wait for Manage. */
  status: 'ok' | 'degraded' | 'error';
  version: string;
  /** `detail` names the engine: sqlite or postgres. */
  database: ComponentHealth;
  queue: QueueHealth;
  manage: ComponentHealth;
  rulesSandbox: RulesSandboxHealth;
};

// Load balancers may poll health every few seconds; Manage must not see that traffic.
const MANAGE_CHECK_TTL_MS = 30_000;
let manageCheck: { at: number; result: Promise<ComponentHealth> } | undefined;

export type HealthSources = {
  database: () => Promise<DeskbellDatabase>;
  manageConnection: () => ManageConnectionState | Promise<ManageConnectionState>;
  now: number;
};

const appSources = (): HealthSources => ({
  database: getDatabase,
  manageConnection: async () => loadManageConnection(await getDatabase()),
  now: Date.now(),
});

/** The app's health; tests pass their own sources and get an uncached Manage check. */
export async function checkHealth(sources?: Partial<HealthSources>): Promise<HealthReport> {
  const from = { ...appSources(), ...sources };
  const manageResult = sources ? checkManage(from.manageConnection) : checkManageCached(from);
  const [database, queue, manage, rulesSandbox] = await Promise.all([
    checkDatabase(from.database),
    checkQueue(from.database, from.now),
    manageResult,
    describeRulesSandbox(),
  ]);
  const status =
    database.status !== 'ok' ? 'error' : manage.status === 'error' ? 'degraded' : 'ok';
  return { status, version: deskbellVersion, database, queue, manage, rulesSandbox };
}

/** Operators must know when nothing below JavaScript keeps rule code off the network. */
export async function describeRulesSandbox(): Promise<RulesSandboxHealth> {
  const wrapper = await findNamespaceWrapper();
  return wrapper.length > 0
    ? { networkContainment: 'namespace', detail: 'Rules run in their own network namespace with no interfaces.' }
    : {
        networkContainment: 'javascript',
        detail: 'No network namespace is available on this host: rules are kept off the network by the JavaScript layer only.',
      };
}

async function checkDatabase(open: HealthSources['database']): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    const db = await open();
    await pingDatabase(db);
    return { status: 'ok', latencyMs: elapsedSince(started), detail: databaseEngine(db) };
  } catch (err) {
    console.error('[health] database check failed', err);
    return { status: 'error', code: 'database_unavailable', detail: 'The database did not answer.' };
  }
}

async function checkQueue(open: HealthSources['database'], now: number): Promise<QueueHealth> {
  try {
    const { due, oldestDueAt, running, dead } = await createSqlJobQueue(await open(), () => new Date(now)).backlog();
    const oldestWaitSeconds = oldestDueAt === null ? null : Math.max(0, Math.round((now - Date.parse(oldestDueAt)) / 1000));
    return { status: 'ok', due, running, dead, oldestDueAt, oldestWaitSeconds };
  } catch (err) {
    console.error('[health] queue check failed', err instanceof Error ? err.message : err);
    return { status: 'error', code: 'queue_unreadable', detail: 'The job queue could not be read.' };
  }
}

function checkManageCached({ now, manageConnection }: HealthSources): Promise<ComponentHealth> {
  if (!manageCheck || now - manageCheck.at > MANAGE_CHECK_TTL_MS) {
    manageCheck = { at: now, result: checkManage(manageConnection) };
  }
  return manageCheck.result;
}

async function checkManage(load: HealthSources['manageConnection']): Promise<ComponentHealth> {
  let connection: ManageConnectionState;
  try {
    connection = await load();
  } catch (err) {
    console.error('[health] reading the Manage connection failed', err instanceof Error ? err.message : err);
    return { status: 'error', code: 'settings_unreadable', detail: 'The saved Manage connection could not be read.' };
  }
  if (!connection.configured) {
    const detail =
      'problem' in connection
        ? connection.problem.message
        : `Manage is not connected yet (missing ${connection.missing.join(', ')}).`;
    return { status: 'not_configured', detail };
  }
  const client = createManageClient({
    ...connection.options,
    timeouts: { connectMs: 3_000, headersMs: 3_000, bodyMs: 3_000 },
    retry: { maxRetries: 0 },
  });
  const started = performance.now();
  try {
    const info = await getSystemInfo(client);
    return { status: 'ok', latencyMs: elapsedSince(started), detail: `Manage ${info.version}` };
  } catch (err) {
    const code = err instanceof ManageError ? err.code : 'unexpected';
    const detail = err instanceof ManageError ? err.message : 'Manage check failed unexpectedly.';
    return { status: 'error', latencyMs: elapsedSince(started), code, detail };
  } finally {
    await client.close();
  }
}

function elapsedSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
