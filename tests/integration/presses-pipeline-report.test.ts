/**
 * The dashboard and report over presses the real pipeline processed against the simulator:
 * what the admin sees is what the pipeline recorded, and Retry brings a dead press back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listPresses, pressListQuerySchema } from '@/lib/presses/list-presses';
import { servePressFile } from '@/lib/presses/press-files';
import { loadPressReport } from '@/lib/presses/press-report';
import { withTicketEvents } from '@/tests/support/report-events';
import { loadPressStats } from '@/lib/presses/press-stats';
import { retryDeadPress } from '@/lib/intake/retry-press';
import { basePress, buildPng } from '../support/press-fixtures';
import { screenshot, shotsMeta, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

let h: PipelineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('presses processed by the real pipeline', () => {
  it('show their ticket, company, Manage calls and screenshots', async () => {
    h = await startPipelineHarness();
    const res = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example', screenshots: shotsMeta(2) }), [screenshot(1), screenshot(2)]);
    expect(res.status).toBe(202);
    const id = res.body.id;
    await h.settle();

    const [ticket] = h.ticketsFor(id);
    const report = await loadPressReport(h.db, id, withTicketEvents(h.db));
    expect(report).toMatchObject({ status: 'ticket_created', registered: true, ticket: { id: ticket!.id } });
    expect(report!.companyName).toBeTruthy();
    expect(report!.msToTicket).toBeGreaterThanOrEqual(0);
    // Every call the simulator saw for this press is in the report, with its timing.
    expect(report!.calls.length).toBeGreaterThanOrEqual(3);
    expect(report!.calls.some((c) => c.method === 'POST' && c.path === '/service/tickets' && c.status === 201)).toBe(true);
    expect(report!.calls.every((c) => c.ms >= 0 && c.attempt >= 1)).toBe(true);
    expect(report!.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['contact', 'ticket']));
    expect(report!.screenshots).toHaveLength(2);

    const file = await servePressFile(h.db, id, report!.screenshots[1]!.id);
    expect(Buffer.from(await file.arrayBuffer()).equals(buildPng({ width: 64, height: 40, shade: 2 }))).toBe(true);

    const { items } = await listPresses(h.db, pressListQuerySchema.parse({ q: 'dana.whitfield' }));
    expect(items).toEqual([
      expect.objectContaining({ id, status: 'ticket_created', ticketId: ticket!.id, companyName: report!.companyName, registered: true }),
    ]);
    const stats = await loadPressStats(h.db);
    expect(stats.days.at(-1)).toMatchObject({ presses: 1, ticketed: 1 });
    expect(stats.medianMsToTicket).toBe(report!.msToTicket);
  });

  it('a press that died while Manage was down gets its ticket after Retry, exactly once', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'down', untilMs: Date.now() + 120_000 }]);
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle(30_000);
    expect(await h.status(body.id)).toMatchObject({ status: 'dead' });
    const dead = await loadPressReport(h.db, body.id, withTicketEvents(h.db));
    expect(dead!.retry.deadReason).toMatch(/gave up after/);
    expect(dead!.timeline.at(-1)).toMatchObject({ kind: 'dead' });

    h.sim.setFaults([]);
    await retryDeadPress(h.db, { pressId: body.id, actor: 'admin@msp.example' });
    expect(await h.status(body.id)).toMatchObject({ status: 'queued' });
    await h.settle(30_000);

    expect(await h.status(body.id)).toMatchObject({ status: 'ticket_created' });
    expect(h.ticketsFor(body.id)).toHaveLength(1);
    const audit = await h.db.selectFrom('audit_log').select(['action', 'target', 'actor']).execute();
    expect(audit).toEqual([{ action: 'press.retry', target: body.id, actor: 'admin@msp.example' }]);
  });
});
