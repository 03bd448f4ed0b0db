import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallback } from '@/lib/connectwise/callbacks';
import { createCallbackVerifier } from '@/lib/connectwise/callback-signature';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import { ruleVariablesFor } from '@/lib/intake/process-press';
import { callbackUrlFor, getOrCreateCallbackPathToken } from '@/lib/notifications/callback-path-token';
import { clearNotificationPreviewCache, previewNotification } from '@/lib/notifications/preview';
import { DEFAULT_NOTIFICATION_SETTINGS } from '@/lib/notifications/templates';
import { listPodCompanyPresses } from '@/lib/pod/pod-data';
import { listPresses, pressListQuerySchema } from '@/lib/presses/list-presses';
import { loadPressReport } from '@/lib/presses/press-report';
import { withTicketEvents } from '@/tests/support/report-events';
import type { TicketEventKind } from '@/lib/store/schema';
import { startCallbackReceiver, type CallbackReceiverServer } from '../support/callback-receiver-server';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { basePress } from '../support/press-fixtures';
import { handleAcknowledgeAgentInbox, handleReadAgentInbox } from '@/tests/support/agent-routes';

/**
 * A press that gives only an email (the README's own CLI press) is matched to the Manage
 * contact Dana Whitfield: every place that names the end user uses her name, and the admin's
 * preview renders exactly what the device receives.
 */

vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));

const DANA = 'dana.whitfield@acme-mfg.example';
let h: PipelineHarness;
let receiver: CallbackReceiverServer;

type InboxItem = { id: string; kind: string; title: string; body: string };

async function inbox(): Promise<InboxItem[]> {
  const res = await handleReadAgentInbox(
    new Request('http://deskbell.test/api/v1/agent/notifications?wait=0', { headers: { authorization: `Bearer ${h.token}` } }),
    { db: h.db, pollMs: 50 },
  );
  return ((await res.json()) as { notifications: InboxItem[] }).notifications;
}

async function takeInbox(): Promise<InboxItem[]> {
  const items = await inbox();
  if (items.length > 0) {
    await handleAcknowledgeAgentInbox(
      new Request('http://deskbell.test/api/v1/agent/notifications/ack', {
        method: 'POST',
        headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ids: items.map((i) => i.id) }),
      }),
      { db: h.db },
    );
  }
  return items;
}

async function technician(path: string, body: unknown): Promise<void> {
  const res = await request(`${h.sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.statusCode).toBeLessThan(300);
  await res.body.dump();
  await h.sim.flushCallbacks();
  await h.settle();
}

async function preview(kind: TicketEventKind) {
  clearNotificationPreviewCache();
  return previewNotification(h.db, { ok: true, context: h.context }, kind, DEFAULT_NOTIFICATION_SETTINGS.templates[kind]);
}

beforeAll(async () => {
  h = await startPipelineHarness();
  receiver = await startCallbackReceiver({
    db: h.db,
    queue: h.queue,
    verifier: createCallbackVerifier(),
    loadConnection: async () => ({ configured: true, options: { baseUrl: h.sim.baseUrl } }) as unknown as ManageConnectionState,
    maxBodyBytes: 256 * 1024,
    onStored: () => h.worker.wake(),
  });
  await createCallback(h.context.client, {
    url: callbackUrlFor(receiver.origin, await getOrCreateCallbackPathToken(h.db)),
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
});

beforeEach(async () => {
  await takeInbox();
});

describe('the end user named by the matched Manage contact', () => {
  it('greets by the contact name, and the preview renders what the device got, for every kind', async () => {
    const { name: _typed, ...withoutName } = basePress({ email: DANA, message: 'My printer is jammed again' });
    const { status, body } = await h.press(withoutName);
    expect(status).toBe(202);
    await h.sim.flushCallbacks();
    await h.settle();
    const ticketId = h.ticketsFor(body.id)[0]!.id;

    const created = await takeInbox();
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toContain('Hi Dana, we have your request');
    expect((await preview('created')).rendered).toEqual({ title: created[0]!.title, body: created[0]!.body });

    await technician(`/__sim/tickets/${ticketId}/owner`, { member: 'jsmith' });
    const assigned = await takeInbox();
    expect(assigned.map((n) => n.kind)).toEqual(['assigned']);
    expect(assigned[0]!.body).toMatch(/^Hi Dana, .+ is now looking after/);
    expect((await preview('assigned')).rendered).toEqual({ title: assigned[0]!.title, body: assigned[0]!.body });

    await technician(`/__sim/tickets/${ticketId}/status`, { status: 'In Progress', member: 'jsmith' });
    const moved = await takeInbox();
    expect(moved.map((n) => n.kind)).toEqual(['status_changed']);
    // The actor is the member's name, in the device's copy and in the preview alike (not "jsmith").
    expect(moved[0]!.body).not.toMatch(/^jsmith /);
    expect((await preview('status_changed')).rendered).toEqual({ title: moved[0]!.title, body: moved[0]!.body });

    await technician(`/__sim/tickets/${ticketId}/notes`, { text: 'A new drum is on its way.', member: 'jsmith' });
    const noted = await takeInbox();
    expect(noted.map((n) => n.kind)).toEqual(['note_added']);
    expect((await preview('note_added')).rendered).toEqual({ title: noted[0]!.title, body: noted[0]!.body });

    // The report (and the pod, which shows the same report) names her; the header shows the
    // ticket's current status, not the one it was created with.
    const report = await loadPressReport(h.db, body.id, withTicketEvents(h.db));
    expect(report!.person.name).toBe('Dana Whitfield');
    expect(report!.ticket!.statusName).toBe('In Progress');

    // The dashboard list.
    const page = await listPresses(h.db, pressListQuerySchema.parse({}));
    expect(page.items.find((i) => i.id === body.id)!.contactName).toBe('Dana Whitfield');

    // The pod's company tab.
    const companyId = (await h.db.selectFrom('presses').select('company_id').where('id', '=', body.id).executeTakeFirstOrThrow()).company_id!;
    const company = await listPodCompanyPresses(
      h.db,
      { v: 1, member: { id: 1, identifier: 'jsmith', name: 'John Smith' }, companyId: 'x', scope: { screen: 'company', id: companyId }, exp: 0 },
      companyId,
      10,
    );
    expect(company.presses.find((p) => p.id === body.id)!.name).toBe('Dana Whitfield');
  });

  it("keeps a typed name, and never uses the catch-all contact's name", async () => {
    const typed = await h.press(basePress({ name: 'Dee W', email: DANA }));
    const { name: _n, ...anonymous } = basePress({ email: 'nobody@unknown.example' });
    const unknown = await h.press(anonymous);
    await h.settle();
    const items = await takeInbox();
    expect(items.map((n) => n.body.slice(0, 8)).sort()).toEqual(['Hi , we ', 'Hi Dee, ']);
    expect((await loadPressReport(h.db, typed.body.id, withTicketEvents(h.db)))!.person.name).toBe('Dee W');
    expect((await loadPressReport(h.db, unknown.body.id, withTicketEvents(h.db)))!.person.name).toBeUndefined();
  });

  it("gives the rules' name variable the contact's name when the press gave none", () => {
    const settings = {
      defaults: { board: 'Help Desk', status: 'New', type: '', subtype: '', item: '', team: '', priority: '', source: '', owner: '', impact: '', severity: '' },
      unregistered: { email: 'unregistered@helpdeskbuttons.com' },
      rulesSource: null,
      selections: [],
    };
    const facts = { message: 'm', selections: [], append: [], host: {}, registration: {}, custom: {}, email: DANA };
    const contact = { id: 1, companyId: 2, companyName: 'Acme', registered: true, name: 'Dana Whitfield' };
    expect(ruleVariablesFor(facts, settings, contact).name).toBe('Dana Whitfield');
    expect(ruleVariablesFor({ ...facts, name: 'Dee' }, settings, contact).name).toBe('Dee');
    expect(ruleVariablesFor(facts, settings, { ...contact, registered: false, name: 'Unregistered User' }).name).toBe('');
  });
});
