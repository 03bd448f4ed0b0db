/**
 * Callback acknowledgement: how fast `POST /api/connectwise/callback/{token}` answers Manage
 * with many callbacks in flight. Manage waits 5 s and disables a callback that keeps failing,
 * so the time to the 204 is what matters; processing happens later in a job.
 *
 * Real parts: the receiver is the production handler in a child process (tests/bench/http-
 * server.ts) over a SQLite file in WAL mode; the signing key is fetched from the simulator's
 * key_url (another child process) on the first callback and cached; each body carries a real
 * ticket record from the simulator and is signed the way Manage signs. Afterwards the
 * database is opened to check that every 204 was stored exactly once.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { openDatabase } from '@/lib/store/database';
import { startAcceptServerChild } from './accept.bench';
import type { SimChild } from './sim-child';
import { summariseLatencies, type LatencySummary } from './stats';

export type CallbackAckResult = {
  callbacks: number;
  concurrency: number;
  warmup: number;
  bodyBytes: number;
  coldFirstMs: number;
  latency: LatencySummary;
  serverMs: { medianMs: number; p99Ms: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  replays: { sent: number; medianMs: number; p99Ms: number; allNoContent: boolean };
  stored: { callbackEvents: number; jobs: number; expected: number };
  statuses: Record<string, number>;
};

const statsSchema = z.object({
  serverMs: z.array(z.number()),
  eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
});

async function simTicketEntity(sim: SimChild): Promise<{ id: number; entity: string }> {
  const auth = Buffer.from(`${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`).toString('base64');
  const res = await request(`${sim.baseUrl}/service/tickets?pageSize=1`, {
    headers: { authorization: `Basic ${auth}`, clientid: sim.credentials.clientId, accept: 'application/json' },
  });
  const [ticket] = (await res.body.json()) as { id: number }[];
  if (!ticket) throw new Error('the simulator has no ticket to put in a callback');
  return { id: ticket.id, entity: JSON.stringify(ticket) };
}

export async function benchCallbackAck(sim: SimChild, options: { callbacks: number; concurrency: number; warmup: number }): Promise<CallbackAckResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-bench-callbacks-'));
  const dbFile = path.join(dir, 'deskbell.sqlite');
  const server = await startAcceptServerChild(dbFile, { manageBaseUrl: sim.baseUrl });
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000 });
  try {
    if (!server.callbackPath) throw new Error('the receiver child did not serve a callback path');
    const callbackUrl = `${server.url}${server.callbackPath}?recordId=`;
    const { keyUrl } = (await (await fetch(`${sim.url}/__sim/callbacks`)).json()) as { keyUrl: string };
    const { signing_key: signingKey } = (await (await fetch(keyUrl)).json()) as { signing_key: string };
    const key = createHash('sha256').update(signingKey, 'utf8').digest();
    const ticket = await simTicketEntity(sim);
    const bodyFor = (messageId: string) =>
      JSON.stringify({
        MessageId: messageId,
        FromUrl: sim.url,
        CompanyId: sim.credentials.companyId,
        MemberId: 'jsmith',
        Action: 'updated',
        Type: 'ticket',
        ID: ticket.id,
        ProductInstanceId: '7a4c1f2e-0000-4000-8000-000000000001',
        PartnerId: sim.credentials.companyId,
        Entity: ticket.entity,
        Metadata: { key_url: keyUrl },
        CallbackObjectRecId: 1,
      });
    const statuses: Record<string, number> = {};
    const send = async (body: string): Promise<number> => {
      const signature = createHmac('sha256', key).update(body, 'utf8').digest('base64');
      const started = performance.now();
      const res = await request(`${callbackUrl}${ticket.id}&action=updated`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-content-signature': signature },
        body,
      });
      await res.body.dump();
      const ms = performance.now() - started;
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      return ms;
    };
    const sentIds: string[] = [];
    const sendNew = () => {
      const id = randomUUID();
      sentIds.push(id);
      return send(bodyFor(id));
    };

    // The first callback fetches the signing key from Manage (the simulator); later ones use the cache.
    const coldFirstMs = await sendNew();
    for (let i = 0; i < options.warmup; i++) await sendNew();
    await fetch(`${server.url}/__bench/stats`, { method: 'DELETE' });

    const samples: number[] = [];
    let next = 0;
    const wallStarted = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.callbacks) {
          next += 1;
          samples.push(await sendNew());
        }
      }),
    );
    const wallMs = performance.now() - wallStarted;
    const stats = statsSchema.parse(await (await fetch(`${server.url}/__bench/stats`)).json());
    const serverSorted = [...stats.serverMs].sort((a, b) => a - b);
    const serverSummary = summariseLatencies(serverSorted, wallMs);

    // Manage repeating callbacks it thinks failed: every one answered 204, none stored twice.
    const replayIds = sentIds.slice(-options.concurrency);
    const before = { ...statuses };
    const replayMs = await Promise.all(replayIds.map((id) => send(bodyFor(id))));
    const replaySummary = summariseLatencies(replayMs, Math.max(...replayMs));
    const allNoContent = (statuses['204'] ?? 0) - (before['204'] ?? 0) === replayIds.length;

    await server.stop();
    const db = openDatabase({ dialect: 'sqlite', file: dbFile });
    try {
      const count = async (table: 'callback_events' | 'jobs') =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      return {
        callbacks: options.callbacks,
        concurrency: options.concurrency,
        warmup: options.warmup,
        bodyBytes: Buffer.byteLength(bodyFor(randomUUID())),
        coldFirstMs,
        latency: summariseLatencies(samples, wallMs),
        serverMs: { medianMs: serverSummary.medianMs, p99Ms: serverSummary.p99Ms },
        eventLoopDelayMs: stats.eventLoopDelayMs,
        replays: { sent: replayIds.length, medianMs: replaySummary.medianMs, p99Ms: replaySummary.p99Ms, allNoContent },
        stored: { callbackEvents: await count('callback_events'), jobs: await count('jobs'), expected: sentIds.length },
        statuses,
      };
    } finally {
      await db.destroy();
    }
  } finally {
    await agent.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
