import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { acceptPress, PRESS_JOB_KIND } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import type { PressOutcome } from '@/lib/presses/press-outcome';
import { markPressDead, markPressProcessing, markPressRetrying, markPressTicketCreated, recordPressTicket } from '@/lib/presses/press-store';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { removeExpiredPressFiles } from '@/lib/intake/retention';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { listPresses, pressListQuerySchema } from '@/lib/presses/list-presses';
import { servePressFile } from '@/lib/presses/press-files';
import { loadPressReport } from '@/lib/presses/press-report';
import { withTicketEvents } from '@/tests/support/report-events';
import { loadPressStats } from '@/lib/presses/press-stats';
import { retryDeadPress } from '@/lib/intake/retry-press';
import { createTicketLinker } from '@/lib/connectwise/ui-links';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildMultipart, buildPng, type FilePart, type PressFields } from '../support/press-fixtures';

let db: DeskbellDatabase;
let agentTokenId: string;

beforeEach(async () => {
  db = await openTestDatabase();
  agentTokenId = (await createAgentToken(db, 'dashboard test')).agentToken.id;
});
afterEach(async () => {
  await db.destroy();
});

/** Through the real accept path: multipart parsing, validation, one transaction with its job. */
async function storePress(at: string, fields: PressFields = basePress(), files: FilePart[] = []): Promise<string> {
  const body = buildMultipart(fields, files);
  const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body }), pressLimitsFromEnv());
  const result = await acceptPress({ db, now: () => new Date(at) }, { agentTokenId, submission });
  return result.press.id;
}

function outcomeFor(ticketId: number, overrides: Partial<PressOutcome> = {}): PressOutcome {
  return {
    attempt: 1,
    steps: [
      { name: 'contact', ms: 40 },
      { name: 'rules', ms: 0 },
      { name: 'ticket', ms: 60 },
    ],
    calls: [
      { method: 'GET', path: '/company/contacts', status: 200, ms: 38, attempt: 1 },
      { method: 'POST', path: '/service/tickets', status: 201, ms: 57, attempt: 1 },
    ],
    submissionErrors: [],
    contact: { id: 7, companyId: 19, companyName: 'Acme Manufacturing', registered: true },
    ticket: { id: ticketId, number: String(ticketId), reused: false, boardName: 'Help Desk', statusName: 'New' },
    fields: null,
    configuration: null,
    documents: [],
    fileErrors: [],
    rules: { refusal: null, error: null, output: '', durationMs: 0, changed: [] },
    ...overrides,
  };
}

/** Records a ticket the way the pipeline's steps do: attempt 1 starts, the ticket is stored, the press is done. */
async function recordTicket(pressId: string, ticketId: number, createdAt: string, overrides: Partial<PressOutcome> = {}) {
  const outcome = outcomeFor(ticketId, overrides);
  expect(await markPressProcessing(db, pressId, 1)).toBe(true);
  expect(await recordPressTicket(db, pressId, ticketId, outcome)).toBe(true);
  expect(await markPressTicketCreated(db, pressId, outcome, new Date(createdAt))).toBe(true);
}

/** Lets the press's job die as the worker and press job handler would after the last attempt. */
async function killPress(pressId: string, reason = 'gave up after 8 attempts: Manage answered 503') {
  const queue = createSqlJobQueue(db);
  const [job] = await queue.claim('worker-1', [PRESS_JOB_KIND], 10, 60_000);
  expect(job?.payload).toEqual({ pressId });
  await queue.fail(job!.id, 'worker-1', 'Manage answered 503', { kind: 'dead', reason });
  await markPressDead(db, pressId, { attempt: 8, reason, lastError: 'Manage answered 503' });
}

const query = (input: Record<string, unknown> = {}) => pressListQuerySchema.parse(input);

describe('listPresses', () => {
  it('filters by status, text and date range, newest first', async () => {
    const a = await storePress('2026-11-01T09:00:00.000Z', basePress({ email: 'dana.whitfield@acme-mfg.example', name: 'Dana Whitfield' }));
    const b = await storePress(
      '2026-11-02T09:00:00.000Z',
      basePress({ email: 'li@other.example', name: 'Li Wei', message: 'VPN drops every hour', host: { hostname: 'LAPTOP-77' } }),
    );
    const c = await storePress('2026-11-03T09:00:00.000Z', basePress({ email: 'sam@other.example', name: 'Sam O\'Neil', message: '50% of the printer queue is stuck' }));
    await recordTicket(a, 501, '2026-11-01T09:00:04.000Z');

    expect((await listPresses(db, query())).items.map((i) => i.id)).toEqual([c, b, a]);
    expect((await listPresses(db, query({ status: 'ticket_created' }))).items.map((i) => i.id)).toEqual([a]);
    expect((await listPresses(db, query({ status: 'queued' }))).items.map((i) => i.id)).toEqual([c, b]);

    // Each searchable field, case-insensitively.
    expect((await listPresses(db, query({ q: 'DANA.WHITFIELD@' }))).items.map((i) => i.id)).toEqual([a]);
    expect((await listPresses(db, query({ q: 'li wei' }))).items.map((i) => i.id)).toEqual([b]);
    expect((await listPresses(db, query({ q: 'laptop-77' }))).items.map((i) => i.id)).toEqual([b]);
    expect((await listPresses(db, query({ q: 'vpn drops' }))).items.map((i) => i.id)).toEqual([b]);
    expect((await listPresses(db, query({ q: '501' }))).items.map((i) => i.id)).toEqual([a]);
    // LIKE wildcards are literal, and a word only in JSON keys ("hostname") matches nothing.
    expect((await listPresses(db, query({ q: '50%' }))).items.map((i) => i.id)).toEqual([c]);
    expect((await listPresses(db, query({ q: "o'neil" }))).items.map((i) => i.id)).toEqual([c]);
    expect((await listPresses(db, query({ q: 'hostname' }))).items).toEqual([]);
    // A field not searched (the username) does not match.
    expect((await listPresses(db, query({ q: 'corp\\dana' }))).items).toEqual([]);

    expect((await listPresses(db, query({ from: '2026-11-02' }))).items.map((i) => i.id)).toEqual([c, b]);
    expect((await listPresses(db, query({ to: '2026-11-02' }))).items.map((i) => i.id)).toEqual([b, a]);
    expect((await listPresses(db, query({ from: '2026-11-02', to: '2026-11-02' }))).items.map((i) => i.id)).toEqual([b]);
    expect((await listPresses(db, query({ status: 'queued', q: 'printer' }))).items.map((i) => i.id)).toEqual([c]);
  });

  it('maps a row to what the dashboard shows, with the ticket linked into Manage', async () => {
    const registered = await storePress('2026-11-01T09:00:00.000Z');
    const unregistered = await storePress('2026-11-01T10:00:00.000Z', basePress({ email: 'new.person@nowhere.example' }));
    await recordTicket(registered, 77, '2026-11-01T09:00:02.500Z');
    await recordTicket(unregistered, 78, '2026-11-01T10:00:03.000Z', {
      contact: { id: 3, companyId: 2, companyName: 'Unregistered Users', registered: false },
    });
    const linker = createTicketLinker({ endpoint: 'api-na.myconnectwise.net/v4_6_release', companyId: 'acme' });
    const { items } = await listPresses(db, query(), linker);
    const row = items.find((i) => i.id === registered)!;
    expect(row).toMatchObject({
      status: 'ticket_created',
      companyName: 'Acme Manufacturing',
      contactName: 'Dana Whitfield',
      contactEmail: 'dana@example.com',
      registered: true,
      hostname: 'PC-1.corp.local',
      ticketNumber: '77',
      msToTicket: 2500,
      ticketUrl: 'https://na.myconnectwise.net/v4_6_release/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=77&companyName=acme',
    });
    expect(items.find((i) => i.id === unregistered)).toMatchObject({ registered: false, contactEmail: 'new.person@nowhere.example', msToTicket: 3000 });
  });

  it('says why a retrying press waits, and forgets it once the press is done', async () => {
    const id = await storePress('2026-11-28T10:00:00.000Z');
    await markPressRetrying(db, id, { attempt: 2, lastError: 'Manage did not answer within 10 s', nextAttemptAt: new Date('2026-11-28T10:01:00.000Z') });
    const waiting = (await listPresses(db, pressListQuerySchema.parse({}))).items[0]!;
    expect(waiting).toMatchObject({ status: 'retrying', retryReason: 'Manage did not answer within 10 s', nextAttemptAt: '2026-11-28T10:01:00.000Z' });
    await recordTicket(id, 77, '2026-11-28T10:01:02.000Z');
    const done = (await listPresses(db, pressListQuerySchema.parse({}))).items[0]!;
    expect(done).toMatchObject({ status: 'ticket_created', retryReason: null, nextAttemptAt: null });
  });

  it('pages with a cursor without gaps or repeats, also while searching', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      // Two presses share each second, so the id breaks ties in the keyset.
      const at = new Date(Date.UTC(2026, 10, 5, 12, 0, Math.floor(i / 2))).toISOString();
      ids.push(await storePress(at, basePress({ message: i % 2 === 0 ? `even press ${i}` : `odd press ${i}` })));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await listPresses(db, query({ limit: 3, cursor }));
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual([...ids].sort());

    const evens: string[] = [];
    cursor = undefined;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await listPresses(db, query({ limit: 2, q: 'even', cursor }));
      evens.push(...page.items.map((i) => i.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(evens).toHaveLength(4);
    expect([...evens].sort()).toEqual(ids.filter((_, i) => i % 2 === 0).sort());
  });

  it('refuses a cursor it did not hand out', async () => {
    await expect(listPresses(db, query({ cursor: 'not-a-cursor' }))).rejects.toBeInstanceOf(DeskbellApiError);
  });

  it('refuses bad filters with messages that name the field', () => {
    const result = pressListQuerySchema.safeParse({ status: 'lost', from: '2026-13-01', to: '2026-02-30' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['status', 'from', 'to']));
    expect(pressListQuerySchema.safeParse({ from: '2026-11-05', to: '2026-11-01' }).error?.issues[0]?.message).toMatch(/from/);
  });
});

describe('loadPressStats', () => {
  it('counts presses per UTC day and takes medians of time to ticket over the window', async () => {
    const now = new Date('2026-11-30T15:00:00.000Z');
    // Outside the 30-day window (2026-11-01 .. 2026-11-30): not counted.
    await storePress('2026-10-31T23:59:59.999Z');
    const p1 = await storePress('2026-11-01T00:00:00.000Z');
    const p2 = await storePress('2026-11-01T08:00:00.000Z');
    const p3 = await storePress('2026-11-01T23:59:59.000Z');
    await storePress('2026-11-01T12:00:00.000Z'); // no ticket: counted, not in the median
    const p5 = await storePress('2026-11-30T14:00:00.000Z');
    await recordTicket(p1, 1, '2026-11-01T00:00:02.000Z'); // 2 s
    await recordTicket(p2, 2, '2026-11-01T08:00:10.000Z'); // 10 s
    await recordTicket(p3, 3, '2026-11-02T00:00:03.000Z'); // 4 s, ticket the next day: still day 1's press
    await recordTicket(p5, 4, '2026-11-30T14:00:01.000Z'); // 1 s

    const stats = await loadPressStats(db, { now, days: 30 });
    expect(stats.days).toHaveLength(30);
    expect(stats.days[0]).toEqual({ date: '2026-11-01', presses: 4, ticketed: 3, medianMsToTicket: 4000 });
    expect(stats.days[29]).toEqual({ date: '2026-11-30', presses: 1, ticketed: 1, medianMsToTicket: 1000 });
    expect(stats.days.slice(1, 29).every((d) => d.presses === 0 && d.medianMsToTicket === null)).toBe(true);
    expect(stats.total).toBe(5);
    // Over the window: 1, 2, 4, 10 s -> (2 + 4) / 2.
    expect(stats.medianMsToTicket).toBe(3000);
  });
});

describe('loadPressReport', () => {
  it('returns the press with its files (no bytes), outcome and timeline', async () => {
    const shot = buildPng({ width: 12, height: 8, shade: 3 });
    const id = await storePress(
      '2026-11-10T10:00:00.000Z',
      basePress({ screenshots: [{ capturedAt: '2026-11-10T09:59:58Z', monitor: 1 }] }),
      [
        { name: 'screenshot', bytes: shot, filename: 'screen.png', type: 'image/png' },
        { name: 'attachment', bytes: Buffer.from('log line'), filename: 'agent.log', type: 'text/plain' },
      ],
    );
    await recordTicket(id, 901, '2026-11-10T10:00:05.000Z', {
      submissionErrors: ["Priority 'Urgent' not found; used 'Priority 3 - Normal Response'"],
      rules: { refusal: null, error: null, output: 'routed to Alerts\n', durationMs: 3, changed: ['board'] },
      configuration: { id: 12, name: 'PC-1' },
    });

    const report = await loadPressReport(db, id, {
      ...withTicketEvents(db),
      linkTicket: createTicketLinker({ endpoint: '127.0.0.1:8123/v4_6_release', companyId: 'deskbell_demo' }),
    });
    expect(report).not.toBeNull();
    expect(report!).toMatchObject({
      id,
      status: 'ticket_created',
      msToTicket: 5000,
      message: 'My printer shows an error and will not print the invoices.',
      selections: ['Printing', 'This is an emergency'],
      append: ['Default printer: HP LaserJet'],
      host: { hostname: 'PC-1.corp.local', mac: '00:11:22:33:44:55' },
      companyName: 'Acme Manufacturing',
      ticket: {
        id: 901,
        number: '901',
        url: 'http://127.0.0.1:8123/v4_6_release/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=901&companyName=deskbell_demo',
      },
      configuration: { id: 12, name: 'PC-1' },
      submissionErrors: ["Priority 'Urgent' not found; used 'Priority 3 - Normal Response'"],
      rules: { changed: ['board'], output: 'routed to Alerts\n' },
      outcomeAttempt: 1,
    });
    expect(report!.calls).toHaveLength(2);
    expect(report!.screenshots).toEqual([
      expect.objectContaining({
        filename: 'screen.png',
        width: 12,
        height: 8,
        monitor: 1,
        capturedAt: '2026-11-10T09:59:58.000Z',
        removedAt: null,
        src: expect.stringMatching(new RegExp(`^/api/admin/presses/${id}/files/[0-9a-f-]{36}$`)),
      }),
    ]);
    expect(report!.attachments).toEqual([expect.objectContaining({ filename: 'agent.log', size: 8 })]);
    expect(report!.timeline.map((e) => e.kind)).toEqual(['received', 'ticket_created']);
    expect(JSON.stringify(report)).not.toContain(Buffer.from(shot).toString('base64'));
  });

  it('says when retention removed the files', async () => {
    const id = await storePress('2026-01-10T10:00:00.000Z', basePress({ screenshots: [{ capturedAt: '2026-01-10T10:00:00Z', monitor: 0 }] }), [
      { name: 'screenshot', bytes: buildPng({ width: 4, height: 4 }), filename: 's.png', type: 'image/png' },
    ]);
    await removeExpiredPressFiles(db, 90, new Date('2026-06-01T00:00:00.000Z'));
    const report = await loadPressReport(db, id, withTicketEvents(db));
    expect(report!.filesRemovedAt).toBe('2026-06-01T00:00:00.000Z');
    expect(report!.screenshots[0]!.removedAt).toBe('2026-06-01T00:00:00.000Z');
    expect(report!.timeline.at(-1)).toMatchObject({ kind: 'files_removed' });
    expect(report!.rules).toBeNull();
  });

  it('returns null for an unknown or malformed id', async () => {
    expect(await loadPressReport(db, '00000000-0000-4000-8000-000000000000', withTicketEvents(db))).toBeNull();
    expect(await loadPressReport(db, '../etc/passwd', withTicketEvents(db))).toBeNull();
  });
});

describe('retryDeadPress', () => {
  it('revives the dead job, queues the press again and audits who did it', async () => {
    const id = await storePress('2026-11-10T10:00:00.000Z');
    await killPress(id);

    const result = await retryDeadPress(db, { pressId: id, actor: 'admin@msp.example' });
    expect(result).toEqual({ id, status: 'queued' });

    const press = await db.selectFrom('presses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(press).toMatchObject({ status: 'queued', dead_reason: null, next_attempt_at: null });
    const job = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', `press:${id}`).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', attempts: 0, dead_reason: null });
    const audit = await db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin@msp.example', action: 'press.retry', target: id });
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ jobId: job.id, previousAttempts: 8 });

    // The revived job is claimable by the worker again.
    const [claimed] = await createSqlJobQueue(db).claim('worker-2', [PRESS_JOB_KIND], 10, 60_000);
    expect(claimed?.id).toBe(job.id);
  });

  it('refuses a press that is not dead, twice-retried presses and unknown ids', async () => {
    const queued = await storePress('2026-11-10T10:00:00.000Z');
    await expect(retryDeadPress(db, { pressId: queued, actor: 'a@b.example' })).rejects.toMatchObject({ code: 'conflict' });

    const dead = await storePress('2026-11-10T11:00:00.000Z');
    // Kill only the second press's job: the first one's stays pending.
    await db.updateTable('jobs').set({ run_at: '2099-01-01T00:00:00.000Z' }).where('dedupe_key', '=', `press:${queued}`).execute();
    await killPress(dead);
    await retryDeadPress(db, { pressId: dead, actor: 'a@b.example' });
    await expect(retryDeadPress(db, { pressId: dead, actor: 'a@b.example' })).rejects.toMatchObject({ code: 'conflict' });

    await expect(retryDeadPress(db, { pressId: '00000000-0000-4000-8000-000000000000', actor: 'a@b.example' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(retryDeadPress(db, { pressId: 'nope', actor: 'a@b.example' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await db.selectFrom('audit_log').select('id').execute()).toHaveLength(1);
  });

  it('leaves the press dead when its job is not dead (no half-done retry)', async () => {
    const id = await storePress('2026-11-10T10:00:00.000Z');
    await db.updateTable('presses').set({ status: 'dead', dead_reason: 'marked by hand' }).where('id', '=', id).execute();
    await expect(retryDeadPress(db, { pressId: id, actor: 'a@b.example' })).rejects.toMatchObject({ code: 'conflict' });
    const press = await db.selectFrom('presses').select(['status', 'dead_reason']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(press).toEqual({ status: 'dead', dead_reason: 'marked by hand' });
    expect(await db.selectFrom('audit_log').select('id').execute()).toHaveLength(0);
  });
});

describe('servePressFile', () => {
  async function pressWithFiles() {
    const png = buildPng({ width: 10, height: 6, shade: 9 });
    const html = Buffer.from('<script>alert(1)</script>');
    const id = await storePress(
      '2026-11-10T10:00:00.000Z',
      basePress({ screenshots: [{ capturedAt: '2026-11-10T10:00:00Z', monitor: 0 }] }),
      [
        { name: 'screenshot', bytes: png, filename: 'Bildschirm "1" ü.png', type: 'image/png' },
        { name: 'attachment', bytes: html, filename: 'page.html', type: 'text/html' },
      ],
    );
    const files = await db.selectFrom('press_files').select(['id', 'kind']).where('press_id', '=', id).orderBy('position').execute();
    return { id, png, html, shotId: files[0]!.id, attachmentId: files[1]!.id };
  }

  it('returns the exact bytes with the stored content type, safely', async () => {
    const { id, png, shotId } = await pressWithFiles();
    const res = await servePressFile(db, id, shotId);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/^private/);
    // Intake already made the name safe for a path; the header still carries its non-ASCII text.
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^inline; filename="Bildschirm[^"]*\.png"; filename\*=UTF-8''Bildschirm\S*%C3%BC\.png$/);
  });

  it('serves anything but an image as a sandboxed download', async () => {
    const { id, html, attachmentId } = await pressWithFiles();
    const res = await servePressFile(db, id, attachmentId);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer()).equals(html)).toBe(true);
  });

  it("refuses another press's file, unknown ids and removed files", async () => {
    const { shotId } = await pressWithFiles();
    const other = await storePress('2026-11-11T10:00:00.000Z');
    for (const [pressId, fileId] of [
      [other, shotId],
      ['00000000-0000-4000-8000-000000000000', shotId],
      [other, '00000000-0000-4000-8000-000000000000'],
      ['x', 'y'],
    ] as const) {
      const res = await servePressFile(db, pressId, fileId);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/json/);
    }
    const owner = (await db.selectFrom('press_files').select('press_id').where('id', '=', shotId).executeTakeFirstOrThrow()).press_id;
    await removeExpiredPressFiles(db, 1, new Date('2027-01-01T00:00:00.000Z'));
    const gone = await servePressFile(db, owner, shotId);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toBe('This file was removed by retention on 2027-01-01.');
  });
});
