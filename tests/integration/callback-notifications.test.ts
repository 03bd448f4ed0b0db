import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCallback, deleteCallback, listCallbacks } from '@/lib/connectwise/callbacks';
import { createCallbackVerifier } from '@/lib/connectwise/callback-signature';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import { callbackUrlFor, getOrCreateCallbackPathToken } from '@/lib/notifications/callback-path-token';
import { createSmtpSender } from '@/lib/notifications/email';
import { listTicketTimeline } from '@/lib/notifications/ticket-events';
import { loadPressReport } from '@/lib/presses/press-report';
import { withTicketEvents } from '@/tests/support/report-events';
import { startCallbackReceiver, type CallbackReceiverServer } from '../support/callback-receiver-server';
import { screenshot, shotsMeta, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { basePress } from '../support/press-fixtures';
import { handleAcknowledgeAgentInbox, handleReadAgentInbox } from '@/tests/support/agent-routes';

/**
 * The whole loop over real HTTP: a press becomes a ticket in the simulator, a technician
 * changes it there, the simulator calls Deskbell back with a signed callback, and the end
 * user's device finds the rendered notification in its inbox (and their mailbox, over SMTP).
 */

vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));

type Mail = { to: string; raw: string };
let h: PipelineHarness;
let receiver: CallbackReceiverServer;
let smtp: SMTPServer;
let smtpUrl: string;
const mails: Mail[] = [];
let rejectNextMails = 0;

async function simAdmin(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await request(`${h.sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.statusCode, json: await res.body.json().catch(() => null) };
}

type InboxItem = { id: string; kind: string; title: string; body: string; ticketNumber: string | null };

async function inbox(wait = 0, signal?: AbortSignal): Promise<InboxItem[]> {
  const res = await handleReadAgentInbox(
    new Request(`http://deskbell.test/api/v1/agent/notifications?wait=${wait}`, { headers: { authorization: `Bearer ${h.token}` }, signal }),
    { db: h.db, pollMs: 50 },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { notifications: InboxItem[] }).notifications;
}

async function ack(ids: string[], token = h.token): Promise<Response> {
  return handleAcknowledgeAgentInbox(
    new Request('http://deskbell.test/api/v1/agent/notifications/ack', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids }),
    }),
    { db: h.db },
  );
}

/** Every callback delivered and every job (callback, e-mail) done. */
async function settleAll(): Promise<void> {
  await h.sim.flushCallbacks();
  await h.settle();
}

async function pressToTicket(email = 'amy.adams@acme.example'): Promise<{ pressId: string; ticketId: number }> {
  const { body } = await h.press({ ...basePress(), name: 'Amy Adams', email, message: 'Outlook keeps asking for my password' });
  await settleAll();
  const ticket = h.ticketsFor(body.id)[0];
  expect(ticket).toBeDefined();
  return { pressId: body.id, ticketId: ticket!.id };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (rejectNextMails > 0) {
        rejectNextMails -= 1;
        const err = new Error('Mailbox busy, try again later') as Error & { responseCode: number };
        err.responseCode = 451;
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

  h = await startPipelineHarness({ sendMail: createSmtpSender(`${smtpUrl}?ignoreTLS=true`) });
  receiver = await startCallbackReceiver({
    db: h.db,
    queue: h.queue,
    verifier: createCallbackVerifier(),
    loadConnection: async () => ({ configured: true, options: { baseUrl: h.sim.baseUrl } }) as unknown as ManageConnectionState,
    maxBodyBytes: 256 * 1024,
    onStored: () => h.worker.wake(),
  });
  const token = await getOrCreateCallbackPathToken(h.db);
  // Owner level: every ticket. Self-suppressed, as the wizard registers it: Deskbell's own
  // ticket create does not call back.
  await createCallback(h.context.client, {
    url: callbackUrlFor(receiver.origin, token),
    objectId: 1,
    type: 'ticket',
    level: 'owner',
    description: 'Deskbell ticket notifications',
    selfSuppressed: true,
  });
});

afterAll(async () => {
  await receiver?.close();
  await h?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

afterEach(async () => {
  // Each test starts with an empty inbox.
  const left = await inbox();
  if (left.length > 0) await ack(left.map((n) => n.id));
});

describe('Manage callbacks to end-user notifications', () => {
  it('tells the device about the new ticket, then about a status change, exactly once even when Manage repeats the callback', async () => {
    const { pressId, ticketId } = await pressToTicket();
    const created = await inbox();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ kind: 'created', title: `Ticket #${ticketId} opened`, ticketNumber: String(ticketId) });
    expect(created[0]!.body).toContain('Hi Amy,');
    // Not acknowledged yet: handed out again (the retry for this channel).
    expect((await inbox()).map((n) => n.id)).toEqual([created[0]!.id]);
    expect(await (await ack([created[0]!.id])).json()).toEqual({ acknowledged: 1 });
    expect(await inbox()).toEqual([]);

    const changed = await simAdmin(`/__sim/tickets/${ticketId}/status`, { status: 'In Progress', member: 'jsmith' });
    expect(changed.status).toBe(200);
    await settleAll();
    const deliveries = h.sim.callbackDeliveries().filter((d) => d.ticketId === ticketId);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    expect(receiver.statuses.every((s) => s === 204)).toBe(true);

    const items = await inbox();
    expect(items).toHaveLength(1);
    expect(items[0]!.kind).toBe('status_changed');
    expect(items[0]!.title).toBe(`Ticket #${ticketId} is now In Progress`);
    expect(items[0]!.body).toMatch(/moved your ticket "Outlook keeps asking for my password" to In Progress\./);

    // Manage delivers the same callback again (same MessageId, same signature).
    const last = deliveries.at(-1)!;
    const again = await h.sim.redeliverCallback(last.messageId);
    expect(again.status).toBe(204);
    await settleAll();
    expect((await inbox()).map((n) => n.id)).toEqual([items[0]!.id]);
    const stored = await h.db.selectFrom('callback_events').select('message_id').where('message_id', '=', last.messageId).execute();
    expect(stored).toHaveLength(1);

    // The timeline of the press shows it, once.
    const timeline = await listTicketTimeline(h.db, pressId);
    expect(timeline.map((e) => e.kind)).toEqual(['created', 'status_changed']);
  });

  it('records an internal note on the timeline but never notifies it; an external note does, with its text', async () => {
    const { pressId, ticketId } = await pressToTicket();
    await ack((await inbox()).map((n) => n.id));

    expect((await simAdmin(`/__sim/tickets/${ticketId}/notes`, { text: 'User is on the old laptop; swap next week', internal: true })).status).toBe(201);
    await settleAll();
    expect(await inbox()).toEqual([]);
    const afterInternal = await listTicketTimeline(h.db, pressId);
    expect(afterInternal.at(-1)).toMatchObject({ kind: 'note_added', internal: true, notifications: [] });

    expect((await simAdmin(`/__sim/tickets/${ticketId}/notes`, { text: 'Please restart Outlook and try again.', member: 'jsmith' })).status).toBe(201);
    await settleAll();
    const items = await inbox();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'note_added', title: `New reply on ticket #${ticketId}` });
    expect(items[0]!.body).toContain('Please restart Outlook and try again.');
    expect(items[0]!.body).not.toContain('old laptop');
  });

  it('tells the user when a technician takes the ticket and when it is closed', async () => {
    const { ticketId } = await pressToTicket();
    await ack((await inbox()).map((n) => n.id));
    expect((await simAdmin(`/__sim/tickets/${ticketId}/owner`, { member: 'jsmith' })).status).toBe(200);
    await settleAll();
    const assigned = await inbox();
    expect(assigned.map((n) => n.kind)).toEqual(['assigned']);
    await ack(assigned.map((n) => n.id));

    expect((await simAdmin(`/__sim/tickets/${ticketId}/status`, { status: 'Closed' })).status).toBe(200);
    await settleAll();
    const closed = await inbox();
    expect(closed.map((n) => n.kind)).toEqual(['closed']);
    expect(closed[0]!.title).toBe(`Ticket #${ticketId} closed`);
  });

  it('answers a waiting device as soon as the callback lands', async () => {
    const { ticketId } = await pressToTicket();
    await ack((await inbox()).map((n) => n.id));
    const started = performance.now();
    const waiting = inbox(20);
    await new Promise((r) => setTimeout(r, 200));
    await simAdmin(`/__sim/tickets/${ticketId}/status`, { status: 'Waiting on Client' });
    const items = await waiting;
    expect(items.map((n) => n.kind)).toEqual(['status_changed']);
    // Far below the 20 s wait: the long-poll was woken, not timed out.
    expect(performance.now() - started).toBeLessThan(10_000);
    await settleAll();
  });

  it('notifies once when two registered callbacks (owner and board level) both report the same change', async () => {
    const { ticketId } = await pressToTicket();
    await ack((await inbox()).map((n) => n.id));
    const boardId = (h.sim.store.tickets.get(ticketId) as { board: { id: number } }).board.id;
    const token = await getOrCreateCallbackPathToken(h.db);
    const second = await createCallback(h.context.client, { url: callbackUrlFor(receiver.origin, token), objectId: boardId, type: 'ticket', level: 'board' });
    try {
      await simAdmin(`/__sim/tickets/${ticketId}/status`, { status: 'In Progress' });
      await settleAll();
      const messages = new Set(h.sim.callbackDeliveries().filter((d) => d.ticketId === ticketId && d.status === 204).map((d) => d.messageId));
      expect(messages.size).toBe(2);
      expect((await inbox()).map((n) => n.kind)).toEqual(['status_changed']);
    } finally {
      await deleteCallback(h.context.client, second.id);
    }
  });

  it('does not miss a technician who moves the ticket while its screenshots are still uploading', async () => {
    // Below the harness's 1.5 s response timeout, so the upload is slow but succeeds.
    h.sim.setFaults([{ kind: 'latency', ms: 1_000, match: { method: 'POST', path: '^/system/documents' } }]);
    try {
      const { status, body } = await h.press(
        { ...basePress(), name: 'Amy Adams', email: 'amy.adams@acme.example', message: 'Screen flickers', screenshots: shotsMeta(1) },
        [screenshot(1)],
      );
      expect(status).toBe(202);
      let ticketId: number | undefined;
      for (let i = 0; i < 100 && ticketId === undefined; i++) {
        ticketId = h.ticketsFor(body.id)[0]?.id;
        if (ticketId === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      expect(ticketId).toBeDefined();
      // The upload is still in flight: the press is not done yet.
      expect((await h.status(body.id)).status).not.toBe('ticket_created');
      await simAdmin(`/__sim/tickets/${ticketId}/status`, { status: 'In Progress' });
      await settleAll();
      expect((await inbox()).map((n) => n.kind)).toEqual(['created', 'status_changed']);
    } finally {
      h.sim.clearFaults();
    }
  });

  it('ignores changes to tickets Deskbell did not create', async () => {
    const foreign = h.sim.store.tickets.list().find((t) => !(t as { externalXRef?: string }).externalXRef)!;
    const before = await h.db.selectFrom('ticket_events').select('id').execute();
    await simAdmin(`/__sim/tickets/${foreign.id}/status`, { status: 'In Progress' });
    await settleAll();
    const rows = await h.db.selectFrom('callback_events').selectAll().where('record_id', '=', foreign.id).execute();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.status === 'ignored' && (r.outcome ?? '').includes('not a ticket Deskbell created'))).toBe(true);
    expect(await h.db.selectFrom('ticket_events').select('id').execute()).toHaveLength(before.length);
    expect(await inbox()).toEqual([]);
  });

  it('e-mails the user through SMTP, retries when the mail server says "later", and sends each e-mail once', async () => {
    mails.length = 0;
    const { ticketId } = await pressToTicket('retry.me@acme.example');
    rejectNextMails = 1;
    await simAdmin(`/__sim/tickets/${ticketId}/status`, { status: 'In Progress' });
    await settleAll();
    // Backoff retries: wait until both e-mails went out.
    for (let i = 0; i < 100 && mails.filter((m) => m.to === 'retry.me@acme.example').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await h.settle();
    }
    const mine = mails.filter((m) => m.to === 'retry.me@acme.example');
    expect(mine).toHaveLength(2);
    expect(mine.some((m) => m.raw.includes(`Subject: Ticket #${ticketId} opened`))).toBe(true);
    expect(mine.some((m) => m.raw.includes(`Subject: Ticket #${ticketId} is now In Progress`))).toBe(true);
    const rows = await h.db.selectFrom('notifications').selectAll().where('channel', '=', 'email').where('recipient', '=', 'retry.me@acme.example').execute();
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    expect(rows.some((r) => r.attempts === 2 && r.last_error === null)).toBe(true);
  });

  it('shows the ticket events and their deliveries on the press report', async () => {
    const { pressId, ticketId } = await pressToTicket();
    await simAdmin(`/__sim/tickets/${ticketId}/notes`, { text: 'Checked the mailbox quota', internal: true });
    await settleAll();
    const report = await loadPressReport(h.db, pressId, withTicketEvents(h.db));
    const kinds = report!.timeline.map((e) => e.kind);
    expect(kinds).toContain('ticket_created');
    expect(kinds).toContain('internal_note');
    expect(report!.timeline.find((e) => e.kind === 'internal_note')!.detail).toMatch(/not sent to the user/);
    expect(report!.timeline.find((e) => e.kind === 'ticket_created')!.detail).toMatch(/by the desktop agent\./);
  });

  it('only the device that pressed may acknowledge, and bad acknowledgements get clear errors', async () => {
    await pressToTicket();
    const [item] = await inbox();
    const other = await (await import('@/lib/auth/agent-tokens')).createAgentToken(h.db, 'other device');
    expect(await (await ack([item!.id], other.token)).json()).toEqual({ acknowledged: 0 });
    expect((await inbox()).map((n) => n.id)).toContain(item!.id);
    const bad = await handleAcknowledgeAgentInbox(
      new Request('http://deskbell.test/api/v1/agent/notifications/ack', { method: 'POST', headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' }, body: '{"ids":["nope"]}' }),
      { db: h.db },
    );
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.details[0].path).toBe('ids.0');
    // Only JSON is read: a body labelled anything else is refused before it is parsed.
    const unlabelled = await handleAcknowledgeAgentInbox(
      new Request('http://deskbell.test/api/v1/agent/notifications/ack', { method: 'POST', headers: { authorization: `Bearer ${h.token}` }, body: JSON.stringify({ ids: [item!.id] }) }),
      { db: h.db },
    );
    expect(unlabelled.status).toBe(415);
    expect((await inbox()).map((n) => n.id)).toContain(item!.id);
    const noToken = await handleReadAgentInbox(new Request('http://deskbell.test/api/v1/agent/notifications'), { db: h.db });
    expect(noToken.status).toBe(401);
  });

  it('keeps the registered callback listed in Manage', async () => {
    const callbacks = await listCallbacks(h.context.client);
    const ours = callbacks.filter((c) => c.url.startsWith(receiver.origin));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ level: 'owner', objectId: 1, inactive: false, selfSuppressed: true });
    // Cleanup check of the adapter's delete, so later suites start clean.
    await deleteCallback(h.context.client, ours[0]!.id);
    expect((await listCallbacks(h.context.client)).filter((c) => c.url.startsWith(receiver.origin))).toEqual([]);
  });
});
