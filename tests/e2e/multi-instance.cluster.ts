/**
 * Several Deskbell instances on one PostgreSQL, as real processes: the built server three times
 * (`next start`), the round-robin front, the Manage simulator (scripts/lib/start-cluster.ts).
 * - an agent long-polling instance A learns of the ticket of a press instance B accepted;
 * - a callback delivered to instance C notifies the agent polling instance A exactly once,
 *   even when Manage delivers it again;
 * - 300 presses through the front while one instance is killed with SIGKILL and started again:
 *   every press becomes exactly one ticket in the simulator (counted by externalXRef = press id).
 *
 * Run with `npm run test:cluster` after `npx next build` (it builds when the build is stale).
 * Ports: DESKBELL_E2E_PORT + 20 … + 30.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createAgentToken } from '../../lib/auth/agent-tokens';
import { testHarnessEnv } from '../../lib/env';
import { openDatabase, resolveDatabaseLocation, type DeskbellDatabase } from '../../lib/store/database';
import { startCluster, type RunningCluster } from '../../scripts/lib/start-cluster';

const PRESSES = 300;
const SENDERS = 10;
const base = testHarnessEnv().DESKBELL_E2E_PORT + 20;

let cluster: RunningCluster;
let db: DeskbellDatabase;
let dataDir: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pressBody(message: string): string {
  return JSON.stringify({
    v: 1,
    name: 'Dana Whitfield',
    email: 'dana.whitfield@acme-mfg.example',
    message,
    host: { hostname: 'ACME-PC-01' },
  });
}

type PressStatus = { id: string; status: string; ticketNumber?: string };
type Notification = { id: string; kind: string; pressId: string };

async function postPress(server: string, token: string, message: string, idempotencyKey: string): Promise<Response> {
  return fetch(`${server}/api/v1/presses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: pressBody(message),
    signal: AbortSignal.timeout(60_000),
  });
}

async function readInbox(server: string, token: string, waitSeconds: number): Promise<Notification[]> {
  const res = await fetch(`${server}/api/v1/agent/notifications?wait=${waitSeconds}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout((waitSeconds + 30) * 1000) });
  assert.equal(res.status, 200);
  return ((await res.json()) as { notifications: Notification[] }).notifications;
}

async function acknowledge(server: string, token: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const res = await fetch(`${server}/api/v1/agent/notifications/ack`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ids }),
  });
  assert.equal(res.status, 200, await res.text());
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-cluster-'));
  cluster = await startCluster({
    instances: 3,
    frontPort: base,
    firstInstancePort: base + 1,
    simPort: base + 10,
    dataDir,
    quiet: true,
  });
  assert.ok(cluster.setup?.ok, `the demo set-up did not finish: ${JSON.stringify(cluster.setup?.steps)}`);
  db = openDatabase(resolveDatabaseLocation(cluster.databaseUrl, dataDir, { poolMax: 2 }));
});

after(async () => {
  await db?.destroy();
  await cluster?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let crossPress: { id: string; ticketNumber: string } | undefined;

test('an agent long-polling instance A learns of the ticket of a press instance B accepted', async () => {
  const [a, b] = cluster.instances;
  const accepted = await postPress(b!.url, cluster.agentToken, 'Accepted by B, awaited on A', 'cross-instance-1');
  assert.equal(accepted.status, 202, await accepted.clone().text());
  const { id } = (await accepted.json()) as PressStatus;
  const started = Date.now();
  let status: PressStatus | undefined;
  while (Date.now() - started < 120_000) {
    const res = await fetch(`${a!.url}/api/v1/presses/${id}?wait=25`, { headers: { authorization: `Bearer ${cluster.agentToken}` }, signal: AbortSignal.timeout(60_000) });
    assert.equal(res.status, 200);
    status = (await res.json()) as PressStatus;
    if (status.status === 'ticket_created') break;
  }
  assert.equal(status?.status, 'ticket_created', `instance A still says ${status?.status}`);
  console.log(`[cluster] A's long-poll saw B's press ticketed after ${Date.now() - started} ms`);
  crossPress = { id, ticketNumber: status!.ticketNumber! };
});

test('a callback delivered to instance C notifies the agent polling instance A exactly once', async () => {
  assert.ok(crossPress, 'needs the press of the previous test');
  const press = crossPress;
  const [a, , c] = cluster.instances;
  // Nothing left over: the ticket's "opened" notification is taken and acknowledged first.
  const waiting = await readInbox(a!.url, cluster.agentToken, 0);
  await acknowledge(a!.url, cluster.agentToken, waiting.map((n) => n.id));

  // Manage posts to whatever instance the balancer picks; here it is made to be C.
  for (const callback of cluster.sim.store.callbacks.list()) {
    cluster.sim.store.callbacks.replace({ ...callback, url: callback.url.replace(cluster.frontUrl, c!.url) });
  }
  const deliveredBefore = cluster.sim.callbackDeliveries().length;
  const moved = await fetch(`${cluster.sim.url}/__sim/tickets/${press.ticketNumber}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'In Progress', member: 'akhan' }),
  });
  assert.equal(moved.status, 200, await moved.text());

  const started = Date.now();
  const seen: Notification[] = [];
  while (Date.now() - started < 90_000 && !seen.some((n) => n.kind === 'status_changed' && n.pressId === press.id)) {
    seen.push(...(await readInbox(a!.url, cluster.agentToken, 25)));
  }
  const changed = seen.filter((n) => n.kind === 'status_changed' && n.pressId === press.id);
  assert.equal(changed.length, 1, `notifications seen on A: ${JSON.stringify(seen)}`);
  console.log(`[cluster] A's inbox long-poll saw the callback C received after ${Date.now() - started} ms`);

  await cluster.sim.flushCallbacks();
  const ticketId = await ticketIdOf(press.id);
  const deliveries = cluster.sim.callbackDeliveries().slice(deliveredBefore).filter((d) => d.ticketId === ticketId);
  assert.ok(deliveries.length >= 1, 'the simulator delivered no callback for the ticket');
  for (const delivery of deliveries) {
    assert.ok(delivery.url.startsWith(c!.url), `delivered to ${delivery.url}, not instance C`);
    assert.ok(delivery.status !== null && delivery.status >= 200 && delivery.status < 300, `instance C answered ${delivery.status}`);
  }
  await acknowledge(a!.url, cluster.agentToken, seen.map((n) => n.id));

  // Manage delivers the same message again (to C): no second notification anywhere.
  const again = await cluster.sim.redeliverCallback(deliveries[deliveries.length - 1]!.messageId);
  assert.ok(again.status !== null && again.status >= 200 && again.status < 300, `the redelivery was answered ${again.status}`);
  const later = await readInbox(a!.url, cluster.agentToken, 5);
  assert.deepEqual(later.filter((n) => n.pressId === press.id), []);
  const { rows } = await sql<{ n: number }>`select count(*) as n from notifications where press_id = ${press.id} and kind = 'status_changed' and channel = 'agent'`.execute(db);
  assert.equal(Number(rows[0]!.n), 1);

  for (const callback of cluster.sim.store.callbacks.list()) {
    cluster.sim.store.callbacks.replace({ ...callback, url: callback.url.replace(c!.url, cluster.frontUrl) });
  }
});

async function ticketIdOf(pressId: string): Promise<number> {
  const { rows } = await sql<{ ticket_id: number }>`select ticket_id from presses where id = ${pressId}`.execute(db);
  return Number(rows[0]!.ticket_id);
}

test(`${PRESSES} presses through the front, one instance killed with SIGKILL mid-run and restarted: every press is exactly one ticket`, async () => {
  const { token } = await createAgentToken(db, 'Cluster flood');
  const victim = cluster.instances[1]!;
  const ids = new Map<number, string>();
  let retries = 0;
  let next = 0;
  let killedAt = 0;
  let restart: Promise<void> | undefined;
  const started = Date.now();

  const sendOne = async (i: number) => {
    for (let attempt = 1; ; attempt++) {
      try {
        // As a real agent does: the same Idempotency-Key on every retry, so a retry never makes a second press.
        const res = await postPress(cluster.frontUrl, token, `Cluster press ${i}`, `cluster-press-${i}`);
        if (res.status === 202 || res.status === 200) {
          ids.set(i, ((await res.json()) as PressStatus).id);
          return;
        }
        await res.body?.cancel();
        if (res.status < 500 && res.status !== 429) assert.fail(`press ${i} refused with ${res.status}`);
      } catch (error) {
        if (attempt > 30) throw error;
      }
      retries++;
      await sleep(250 * Math.min(attempt, 8));
    }
  };

  const sender = async () => {
    while (next < PRESSES) {
      const i = next++;
      if (i === Math.floor(PRESSES / 3) && !killedAt) {
        killedAt = Date.now();
        await victim.kill('SIGKILL');
        console.log(`[cluster] killed ${victim.name} with SIGKILL at press ${i}`);
      }
      if (i === Math.floor((2 * PRESSES) / 3) && !restart) {
        restart = victim.start().then(() => console.log(`[cluster] ${victim.name} answers /api/health again`));
      }
      await sendOne(i);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const acceptedMs = Date.now() - started;
  await restart;
  console.log(`[cluster] ${ids.size} presses accepted in ${acceptedMs} ms (${retries} retries); per instance through the front: ${cluster.front.forwarded().join(', ')}`);
  assert.equal(ids.size, PRESSES);
  assert.equal(new Set(ids.values()).size, PRESSES, 'two presses got the same id');

  const pressIds = [...ids.values()];
  const drainStarted = Date.now();
  let pending = PRESSES;
  while (Date.now() - drainStarted < 8 * 60_000) {
    const { rows } = await sql<{ status: string; n: number }>`select status, count(*) as n from presses where id in (${sql.join(pressIds)}) group by status`.execute(db);
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    pending = PRESSES - (byStatus.ticket_created ?? 0);
    assert.equal(byStatus.dead ?? 0, 0, `dead presses: ${JSON.stringify(byStatus)}`);
    assert.equal(byStatus.refused ?? 0, 0, `refused presses: ${JSON.stringify(byStatus)}`);
    if (pending === 0) break;
    await sleep(1_000);
  }
  console.log(`[cluster] all presses ticketed ${Date.now() - started} ms after the first was sent (drain after the last accept: ${Date.now() - drainStarted} ms)`);
  assert.equal(pending, 0, `${pending} presses have no ticket`);
  const { rows: retried } = await sql<{ n: number }>`select count(*) as n from jobs where attempts > 1`.execute(db);
  console.log(`[cluster] jobs that ran more than once (taken over after the kill, or retried): ${Number(retried[0]!.n)}`);

  // In Manage (the simulator): exactly one ticket per press, none lost, none doubled.
  const tickets = new Map<string, number>();
  for (const ticket of cluster.sim.store.tickets.list()) {
    if (ticket.externalXRef) tickets.set(ticket.externalXRef, (tickets.get(ticket.externalXRef) ?? 0) + 1);
  }
  const missing = pressIds.filter((id) => !tickets.has(id));
  const doubled = pressIds.filter((id) => (tickets.get(id) ?? 0) > 1);
  console.log(`[cluster] tickets in the simulator for the ${PRESSES} presses: ${pressIds.filter((id) => tickets.get(id) === 1).length} exactly once, ${missing.length} missing, ${doubled.length} doubled`);
  assert.deepEqual(missing, []);
  assert.deepEqual(doubled, []);
  const { rows } = await sql<{ n: number }>`select count(*) as n from presses where agent_token_id in (select id from agent_tokens where name = 'Cluster flood')`.execute(db);
  assert.equal(Number(rows[0]!.n), PRESSES, 'retries made extra presses');
});
