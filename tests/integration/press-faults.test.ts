import { afterEach, describe, expect, it } from 'vitest';
import { processPress } from '@/lib/intake/process-press';
import { basePress } from '../support/press-fixtures';
import { screenshot, shotsMeta, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

let h: PipelineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const emails = ['dana.whitfield@acme-mfg.example', 'grace.holloway@northwinddental.example', 'epetrova@contosolegal.example'];

/** Sends presses, lets the worker finish, and checks the invariant: one ticket per press, none lost. */
async function pressAll(harness: PipelineHarness, count: number, withShots = false): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields = basePress({ email: emails[i % emails.length], message: `Press number ${i} cannot print`, ...(withShots ? { screenshots: shotsMeta(2) } : {}) });
    const res = await harness.press(fields, withShots ? [screenshot(i * 2), screenshot(i * 2 + 1)] : []);
    expect(res.status).toBe(202);
    ids.push(res.body.id);
  }
  return ids;
}

async function expectExactlyOneTicketEach(harness: PipelineHarness, ids: string[], documentsEach = 0): Promise<void> {
  await harness.settle(30_000);
  for (const id of ids) {
    expect(await harness.status(id)).toMatchObject({ status: 'ticket_created' });
    const tickets = harness.ticketsFor(id);
    expect(tickets, `tickets for press ${id}`).toHaveLength(1);
    if (documentsEach) {
      const docs = harness.sim.store.documents.list().filter((d) => d.recordId === tickets[0]!.id);
      expect(docs, `documents for press ${id}`).toHaveLength(documentsEach);
    }
  }
  const ours = harness.sim.store.tickets.list().filter((t) => ids.includes((t as { externalXRef?: string }).externalXRef ?? ''));
  expect(ours).toHaveLength(ids.length);
}

describe('Manage misbehaves; every press still becomes exactly one ticket', () => {
  it('a 429 storm', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'status', status: 429, times: 12, retryAfterSeconds: 1 }]);
    const ids = await pressAll(h, 3);
    await expectExactlyOneTicketEach(h, ids);
    expect(h.sim.requests().filter((r) => r.status === 429).length).toBe(12);
  });

  it('5xx answers, including on the ticket create itself', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([
      { kind: 'status', status: 503, times: 3, match: { method: 'POST', path: '^/service/tickets$' } },
      { kind: 'status', status: 500, times: 4 },
    ]);
    const ids = await pressAll(h, 3, true);
    await expectExactlyOneTicketEach(h, ids, 2);
  });

  it('Manage down for a while, then back: presses wait, none is lost', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'down', untilMs: Date.now() + 1_500 }]);
    const ids = await pressAll(h, 3);
    // While Manage is down the presses are kept and say why they wait.
    await new Promise((r) => setTimeout(r, 700));
    const waiting = await h.status(ids[0]!);
    expect(['retrying', 'processing', 'queued']).toContain(waiting.status);
    await expectExactlyOneTicketEach(h, ids);
  });

  it('commit-then-timeout on the ticket create: the retry finds the ticket instead of making another', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'commit-then-timeout', times: 2, match: { method: 'POST', path: '^/service/tickets$' } }]);
    const ids = await pressAll(h, 2, true);
    await expectExactlyOneTicketEach(h, ids, 2);
    const lookups = h.sim.requests().filter((r) => r.method === 'GET' && r.path === '/service/tickets' && String(r.query.conditions ?? '').includes('externalXRef'));
    expect(lookups.length).toBeGreaterThanOrEqual(2);
  });

  it('commit-then-timeout on a document upload: the retry does not upload it twice', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'commit-then-timeout', times: 1, match: { method: 'POST', path: '^/system/documents$' } }]);
    const ids = await pressAll(h, 1, true);
    await expectExactlyOneTicketEach(h, ids, 2);
  });

  it('a dead press an admin revives (attempts start again at 1) still finds the ticket a lost answer created', async () => {
    h = await startPipelineHarness();
    await h.worker.stop();
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    h.sim.setFaults([{ kind: 'commit-then-timeout', times: 1, match: { method: 'POST', path: '^/service/tickets$' } }]);
    await expect(processPress(h.deps, body.id, 1)).rejects.toThrow();
    expect(h.ticketsFor(body.id)).toHaveLength(1);
    await processPress(h.deps, body.id, 1);
    expect(h.ticketsFor(body.id)).toHaveLength(1);
    expect(await h.status(body.id)).toMatchObject({ status: 'ticket_created', ticketId: h.ticketsFor(body.id)[0]!.id });
  });

  it('a press whose Manage never recovers ends dead with its reason, still stored', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'status', status: 503, times: 1_000 }]);
    const [id] = await pressAll(h, 1);
    await h.settle(30_000);
    const status = await h.status(id!);
    expect(status).toMatchObject({ status: 'dead', reason: expect.stringContaining('gave up after') });
    expect(h.ticketsFor(id!)).toHaveLength(0);
    const stored = await h.db.selectFrom('presses').select('payload').where('id', '=', id!).executeTakeFirstOrThrow();
    expect(JSON.parse(stored.payload).message).toBe('Press number 0 cannot print');
  });
});
