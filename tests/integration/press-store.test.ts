import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { acceptPress, PRESS_JOB_KIND } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { retryDeadPress } from '@/lib/intake/retry-press';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { pressOutcomeSchema, readOutcome, type PressOutcome } from '@/lib/presses/press-outcome';
import {
  findPressStatusForToken,
  loadPipelinePress,
  markPressDead,
  markPressProcessing,
  markPressRefused,
  markPressRetrying,
  markPressTicketCreated,
  pressJobDedupeKey,
  recordPressOutcome,
  recordPressTicket,
  requeueDeadPress,
  sleepUntilPressChanges,
} from '@/lib/presses/press-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildMultipart } from '../support/press-fixtures';

let db: DeskbellDatabase;
let agentTokenId: string;

beforeEach(async () => {
  db = await openTestDatabase();
  agentTokenId = (await createAgentToken(db, 'press store test')).agentToken.id;
});
afterEach(async () => {
  await db.destroy();
});

async function acceptOne(): Promise<string> {
  const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body: buildMultipart(basePress()) }), pressLimitsFromEnv());
  return (await acceptPress({ db }, { agentTokenId, submission })).press.id;
}

function row(id: string) {
  return db.selectFrom('presses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function outcome(overrides: Partial<PressOutcome> = {}): PressOutcome {
  return pressOutcomeSchema.parse({
    attempt: 1,
    contact: { id: 7, companyId: 19, companyName: 'Acme Manufacturing', registered: true, name: 'Dana Whitfield' },
    ticket: { id: 4711, number: '4711', reused: false, boardName: 'Help Desk', statusName: 'New' },
    ...overrides,
  });
}

describe('press store transitions', () => {
  it('walks a press from queued to ticket_created, keeping the outcome and the company it was filed under', async () => {
    const id = await acceptOne();
    expect(await row(id)).toMatchObject({ status: 'queued', attempt: 0, outcome: null, company_id: null });
    const job = await db.selectFrom('jobs').select(['kind', 'dedupe_key']).executeTakeFirstOrThrow();
    expect(job).toEqual({ kind: PRESS_JOB_KIND, dedupe_key: pressJobDedupeKey(id) });

    expect(await markPressProcessing(db, id, 1)).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'processing', attempt: 1 });
    expect(await recordPressTicket(db, id, 4711, outcome({ ticket: null }))).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'processing', ticket_id: 4711, ticket_number: '4711', company_id: 19 });
    expect(await markPressTicketCreated(db, id, outcome(), new Date('2026-12-01T10:00:05.000Z'))).toBe(true);

    const done = await row(id);
    expect(done).toMatchObject({ status: 'ticket_created', ticket_created_at: '2026-12-01T10:00:05.000Z', last_error: null, company_id: 19 });
    const loaded = await loadPipelinePress(db, id);
    expect(loaded).toMatchObject({ status: 'ticket_created', ticketId: 4711, ranBefore: true });
    expect(loaded?.previousOutcome?.ticket).toEqual({ id: 4711, number: '4711', reused: false, boardName: 'Help Desk', statusName: 'New' });
  });

  it('refuses to move a finished press: a late failure never undoes a created ticket or a refusal', async () => {
    const created = await acceptOne();
    await markPressProcessing(db, created, 1);
    await markPressTicketCreated(db, created, outcome());
    const before = await row(created);

    expect(await markPressRetrying(db, created, { attempt: 2, nextAttemptAt: new Date(), lastError: 'Manage answered 503' })).toBe(false);
    expect(await markPressDead(db, created, { attempt: 8, reason: 'gave up', lastError: 'boom' })).toBe(false);
    expect(await markPressProcessing(db, created, 3)).toBe(false);
    expect(await recordPressOutcome(db, created, outcome({ ticket: null }))).toBe(false);
    expect(await row(created)).toEqual(before);

    const refused = await acceptOne();
    await markPressProcessing(db, refused, 1);
    expect(await markPressRefused(db, refused, 'Please call the help desk', outcome({ ticket: null }))).toBe(true);
    expect(await markPressTicketCreated(db, refused, outcome())).toBe(false);
    expect(await row(refused)).toMatchObject({ status: 'refused', refused_message: 'Please call the help desk', ticket_id: null });

    // An unknown press changes nothing and says so.
    expect(await markPressProcessing(db, '00000000-0000-4000-8000-000000000000', 1)).toBe(false);
  });

  it('requeues only a dead press, and a retry from the dashboard goes through that transition', async () => {
    const id = await acceptOne();
    expect(await requeueDeadPress(db, id, new Date())).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'queued' });

    await markPressRetrying(db, id, { attempt: 1, nextAttemptAt: new Date('2026-12-01T10:01:00.000Z'), lastError: 'x'.repeat(5000) });
    expect((await row(id)).last_error).toHaveLength(1000);
    expect(await markPressDead(db, id, { attempt: 8, reason: 'gave up after 8 attempts: Manage answered 503', lastError: 'Manage answered 503' })).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'dead', attempt: 8, next_attempt_at: null });

    const queue = createSqlJobQueue(db);
    const [job] = await queue.claim('w', [PRESS_JOB_KIND], 1, 60_000);
    await queue.fail(job!.id, 'w', 'Manage answered 503', { kind: 'dead', reason: 'gave up' });

    await expect(retryDeadPress(db, { pressId: id, actor: 'admin@example.test' })).resolves.toEqual({ id, status: 'queued' });
    expect(await row(id)).toMatchObject({ status: 'queued', dead_reason: null });
    // The second click finds nothing dead to revive.
    await expect(retryDeadPress(db, { pressId: id, actor: 'admin@example.test' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await requeueDeadPress(db, id, new Date())).toBe(false);
  });

  it('wakes a long-poll waiting on the press when its status changes, not on an outcome-only write', async () => {
    const id = await acceptOne();
    const after = (ms: number, what: string) => new Promise<string>((resolve) => setTimeout(() => resolve(what), ms));
    const woken = sleepUntilPressChanges(db, id.toUpperCase(), 10_000).then(() => 'woken');
    await recordPressOutcome(db, id, outcome({ ticket: null }));
    expect(await Promise.race([woken, after(150, 'asleep')])).toBe('asleep');
    await markPressProcessing(db, id, 1);
    expect(await Promise.race([woken, after(2_000, 'asleep')])).toBe('woken');
    expect(await findPressStatusForToken(db, agentTokenId, id.toUpperCase())).toMatchObject({ id, status: 'processing', attempt: 1 });
    expect(await findPressStatusForToken(db, 'another-token', id)).toBeUndefined();
  });
});

describe('stored outcome schema', () => {
  it('reads what the pipeline writes back unchanged', () => {
    const written = outcome({
      steps: [{ name: 'contact', ms: 12.5 }],
      calls: [{ method: 'POST', path: '/service/tickets', status: 201, ms: 57, attempt: 1 }],
      fields: { board: 'Help Desk', status: 'New' },
      documents: [{ fileId: 'f1', documentId: 9 }],
      rules: { refusal: null, error: null, output: 'hi', durationMs: 3, changed: ['board'], warnings: [], before: { board: 'A' }, after: { board: 'B' }, version: 2 },
    });
    expect(readOutcome(JSON.stringify(written))).toEqual(written);
  });

  it('refuses a stored outcome that is not an outcome object', () => {
    expect(readOutcome('{not json')).toBeNull();
    expect(readOutcome('[1, 2, 3]')).toBeNull();
    expect(readOutcome('"done"')).toBeNull();
    expect(readOutcome('null')).toBeNull();
    expect(readOutcome(null)).toBeNull();
  });

  it('drops a malformed field to "not known" instead of passing it on', () => {
    const read = readOutcome(
      JSON.stringify({
        attempt: 'two',
        contact: { id: '7', companyId: 19, companyName: 'Acme', registered: true },
        ticket: { id: 4711 },
        calls: [{ method: 'GET' }],
        rules: { refusal: null },
      }),
    );
    expect(read).toMatchObject({ attempt: 0, contact: null, ticket: null, calls: [], rules: null, documents: [], fields: null });
  });

  it('lets the pipeline know an earlier attempt ran even when its outcome no longer parses', async () => {
    const id = await acceptOne();
    await db.updateTable('presses').set({ outcome: '"garbled"' }).where('id', '=', id).execute();
    expect(await loadPipelinePress(db, id)).toMatchObject({ previousOutcome: null, ranBefore: true });
  });
});
