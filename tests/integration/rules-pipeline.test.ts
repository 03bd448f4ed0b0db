/**
 * Dispatcher rules end to end with the REAL Python sandbox and the REAL simulator: rules are
 * saved as versions (syntax-checked by the engine), each press reads the active version, and
 * the ticket lands where the rules say. The trace is stored on the press outcome.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPythonRuleEngine, type PythonRuleEngine } from '@/lib/rules/engine/python-engine';
import { loadPressReport } from '@/lib/presses/press-report';
import { withTicketEvents } from '@/tests/support/report-events';
import { rollbackRuleVersion, saveRuleVersion } from '@/lib/rules/rule-versions';
import { basePress } from '../support/press-fixtures';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

const ADMIN = 'admin@msp.example';
const DANA = 'dana.whitfield@acme-mfg.example';

type SimTicket = { id: number; board: { name: string }; status: { id: number; name: string }; team?: { name: string }; priority?: { name: string }; summary: string };

let engine: PythonRuleEngine;
let h: PipelineHarness | undefined;

beforeAll(async () => {
  engine = createPythonRuleEngine({ timeoutMs: 2_000 });
  await engine.warm();
});
afterAll(async () => {
  await engine.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function notesOf(harness: PipelineHarness, ticketId: number): string {
  return harness.sim.store.ticketNotes
    .list()
    .filter((n) => n.ticketId === ticketId)
    .map((n) => n.text)
    .join('\n---\n');
}

async function pressAndSettle(harness: PipelineHarness, fields = basePress({ email: DANA })) {
  const { status, body } = await harness.press(fields);
  expect(status).toBe(202);
  await harness.settle();
  return body.id;
}

async function outcomeOf(harness: PipelineHarness, pressId: string) {
  const row = await harness.db.selectFrom('presses').select('outcome').where('id', '=', pressId).executeTakeFirstOrThrow();
  return JSON.parse(row.outcome!) as { rules: Record<string, unknown>; submissionErrors: string[] };
}

describe('rules from the stored active version, run by the real engine', () => {
  it('a rule sets the board by name: the ticket lands on that board with its board-scoped status', async () => {
    h = await startPipelineHarness({ rules: { engine } });
    await saveRuleVersion(h.db, engine, { source: "board = 'Alerts'\nstate = 'In Progress'\n" }, ADMIN);
    const pressId = await pressAndSettle(h);
    const [ticket] = h.ticketsFor(pressId) as unknown as SimTicket[];
    expect(ticket!.board.name).toBe('Alerts');
    expect(ticket!.status).toMatchObject({ id: 14, name: 'In Progress' });
    expect(await h.status(pressId)).toMatchObject({ status: 'ticket_created' });
  });

  it('a saved change applies to the next press, no restart; a rollback too; the trace names the version', async () => {
    h = await startPipelineHarness({ rules: { engine } });
    await saveRuleVersion(h.db, engine, { source: "if 'emergency' in selections:\n    board = 'Alerts'\n    priority = 0\nprint('routed to', board)\n" }, ADMIN);
    const first = await pressAndSettle(h);
    expect((h.ticketsFor(first) as unknown as SimTicket[])[0]!.board.name).toBe('Alerts');

    await saveRuleVersion(h.db, engine, { source: "board = 'Professional Services'\nsubject = '[PS] ' + subject\n", baseVersion: 1 }, ADMIN);
    const second = await pressAndSettle(h);
    const [ps] = h.ticketsFor(second) as unknown as SimTicket[];
    expect(ps!.board.name).toBe('Professional Services');
    expect(ps!.summary).toMatch(/^\[PS\] My printer shows an error/);

    await rollbackRuleVersion(h.db, engine, 1, ADMIN);
    const third = await pressAndSettle(h);
    expect((h.ticketsFor(third) as unknown as SimTicket[])[0]!.board.name).toBe('Alerts');

    // The trace on the press: variables before and after, output, warnings, time, version.
    const trace = (await outcomeOf(h, first)).rules;
    expect(trace).toMatchObject({ version: 1, output: 'routed to Alerts\n', error: null, refusal: null, warnings: [], changed: ['priority', 'board'] });
    expect(trace.before).toMatchObject({ board: 'Help Desk', priority: 'Priority 3 - Normal Response', selections: 'Printing\nThis is an emergency', email: DANA, registered: true });
    expect(trace.after).toMatchObject({ board: 'Alerts', priority: 0 });
    expect(trace.durationMs).toBeGreaterThan(0);
    expect((await outcomeOf(h, second)).rules).toMatchObject({ version: 2 });
    expect((await outcomeOf(h, third)).rules).toMatchObject({ version: 3 });
  });

  it('a rule sets exception: no ticket, and the agent status is refused with the message', async () => {
    h = await startPipelineHarness({ rules: { engine } });
    await saveRuleVersion(h.db, engine, { source: "if 'emergency' in selections:\n    exception = 'Outages: please call 555-0100.'\n" }, ADMIN);
    const pressId = await pressAndSettle(h);
    expect(await h.status(pressId)).toMatchObject({ status: 'refused', message: 'Outages: please call 555-0100.' });
    expect(h.ticketsFor(pressId)).toHaveLength(0);
    expect((await outcomeOf(h, pressId)).rules).toMatchObject({ refusal: 'Outages: please call 555-0100.', changed: ['exception'] });

    // Without the emergency selection the same rules let the press through.
    const calm = await pressAndSettle(h, basePress({ email: DANA, selections: ['Printing'] }));
    expect(h.ticketsFor(calm)).toHaveLength(1);
  });

  it('a crashing rule: the ticket goes in with the values from before, the error and its line under Submission Errors', async () => {
    h = await startPipelineHarness({ rules: { engine } });
    await saveRuleVersion(h.db, engine, { source: "board = 'Alerts'\nratio = 1 / 0\n" }, ADMIN);
    const pressId = await pressAndSettle(h);
    const [ticket] = h.ticketsFor(pressId) as unknown as SimTicket[];
    expect(ticket!.board.name).toBe('Help Desk');
    const expected = 'Dispatcher rules failed: ZeroDivisionError: division by zero (line 2); the ticket uses the values from before the rules ran';
    expect(notesOf(h, ticket!.id)).toContain(`[Submission Errors]\n- ${expected}`);
    const outcome = await outcomeOf(h, pressId);
    expect(outcome.submissionErrors).toContain(expected);
    expect(outcome.rules).toMatchObject({ error: { type: 'ZeroDivisionError', message: 'division by zero', line: 2 }, changed: [] });
    expect((outcome.rules.after as { board: string }).board).toBe('Help Desk');

    // The report page's data carries the trace with the error.
    const report = await loadPressReport(h.db, pressId, withTicketEvents(h.db));
    expect(report?.rules).toMatchObject({ error: { type: 'ZeroDivisionError', line: 2 } });
    expect(report?.submissionErrors).toContain(expected);
  });

  it('read-only assignments are ignored and reported as warnings on the trace', async () => {
    h = await startPipelineHarness({ rules: { engine } });
    await saveRuleVersion(h.db, engine, { source: "email = 'someone@else.example'\nteam = 'NOC'\n" }, ADMIN);
    const pressId = await pressAndSettle(h);
    const trace = (await outcomeOf(h, pressId)).rules;
    expect(trace.warnings).toEqual([expect.stringContaining('email is read-only')]);
    expect(trace.changed).toEqual(['team']);
    expect((trace.after as { email: string }).email).toBe(DANA);
  });

  it('no saved rules: presses pass through and store no trace', async () => {
    h = await startPipelineHarness({ rules: { engine } });
    const pressId = await pressAndSettle(h);
    expect((h.ticketsFor(pressId) as unknown as SimTicket[])[0]!.board.name).toBe('Help Desk');
    expect((await outcomeOf(h, pressId)).rules).toMatchObject({ before: null, after: null, durationMs: 0, version: null });
  });
});
