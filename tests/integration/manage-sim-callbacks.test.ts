// The Manage simulator's callbacks (webhooks), end to end over real HTTP: callbacks are
// registered through the REST API, tickets change through the API or the technician admin
// endpoints, and a node:http receiver records what the simulator posts.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_MEMBER_SESSION, startManageSim, type ManageSim } from '@/tools/manage-sim/index';

type Received = { method: string; url: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: string };

type Receiver = {
  origin: string;
  received: Received[];
  /** Statuses to answer on a path, in order; 200 once the list is used up. 'hang' never answers. */
  script: Map<string, (number | 'hang')[]>;
  clear(): void;
  close(): Promise<void>;
};

async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const script = new Map<string, (number | 'hang')[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver.local');
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = script.get(url.pathname)?.shift() ?? 200;
      if (next === 'hang') return;
      res.writeHead(next, { 'content-type': 'text/plain' });
      res.end(next >= 200 && next < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    script,
    clear: () => {
      received.length = 0;
      script.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let sim: ManageSim;
let receiver: Receiver;

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${DEMO_CREDENTIALS.companyId}+${user}:${secret}`).toString('base64')}`;
const API_KEY_AUTH = basic(DEMO_CREDENTIALS.publicKey, DEMO_CREDENTIALS.privateKey);
const JSMITH_POD_AUTH = basic(DEMO_MEMBER_SESSION.memberIdentifier, DEMO_MEMBER_SESSION.memberHash);

// Bodies are asserted field by field with expect(); typing every Manage shape adds nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(url: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.body.text();
  let data: Json = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = text;
  }
  return { status: res.statusCode, headers: res.headers, data };
}

/** The Manage REST API as the integrator (API key) or, with `auth`, as a pod member session. */
function api(path: string, init: { method?: string; json?: unknown; auth?: string } = {}) {
  return call(`${sim.baseUrl}${path}`, {
    ...init,
    headers: { authorization: init.auth ?? API_KEY_AUTH, clientId: DEMO_CREDENTIALS.clientId, accept: 'application/vnd.connectwise.com+json; version=2026.11' },
  });
}

/** Simulator admin endpoints (no Manage auth). */
function admin(path: string, init: { method?: string; json?: unknown } = {}) {
  return call(`${sim.url}${path}`, init);
}

async function registerCallback(body: Record<string, unknown>): Promise<number> {
  const res = await api('/system/callbacks', { method: 'POST', json: { description: 'Deskbell test', type: 'ticket', ...body } });
  if (res.status !== 201) throw new Error(`callback registration answered ${res.status}: ${JSON.stringify(res.data)}`);
  return res.data.id as number;
}

const cbUrl = (name: string) => `${receiver.origin}/cb/${name}?recordId=`;

function ticketOnBoard(boardId: number, skip = 0): number {
  const tickets = sim.store.tickets.filter((t) => t.board?.id === boardId);
  const ticket = tickets[skip];
  if (!ticket) throw new Error(`no demo ticket #${skip} on board ${boardId}`);
  return ticket.id;
}

function receivedOn(name: string): Received[] {
  return receiver.received.filter((r) => r.path === `/cb/${name}`);
}

const payloadOf = (r: Received): Json => JSON.parse(r.body);

function expectedSignature(signingKey: string, rawBody: string): string {
  const key = createHash('sha256').update(Buffer.from(signingKey, 'utf8')).digest();
  return createHmac('sha256', key).update(Buffer.from(rawBody, 'utf8')).digest('base64');
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startManageSim({ callbackRetryDelaysMs: [50, 100], callbackTimeoutMs: 3000 });
});

beforeEach(async () => {
  await sim.flushCallbacks();
  sim.setCallbacksEnabled(true);
  sim.reset();
  receiver.clear();
});

afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

describe('which callbacks fire', () => {
  it('a board-level callback fires only for tickets on that board (after the change)', async () => {
    const id = await registerCallback({ url: cbUrl('board2'), objectId: 2, level: 'board' });
    const onBoard1 = ticketOnBoard(1);
    const onBoard2 = ticketOnBoard(2);
    expect((await api(`/service/tickets/${onBoard1}`, { method: 'PATCH', json: [{ op: 'replace', path: 'summary', value: 'Board 1 change' }] })).status).toBe(200);
    expect((await api(`/service/tickets/${onBoard2}`, { method: 'PATCH', json: [{ op: 'replace', path: 'summary', value: 'Board 2 change' }] })).status).toBe(200);
    // Moving a ticket from board 1 onto board 2 is a change on board 2.
    const moved = ticketOnBoard(1, 1);
    const move = await api(`/service/tickets/${moved}`, { method: 'PATCH', json: [{ op: 'replace', path: 'board', value: { id: 2 } }] });
    expect(move.status).toBe(200);
    await sim.flushCallbacks();
    const got = receivedOn('board2').map(payloadOf);
    expect(got.map((p) => p.ID)).toEqual([onBoard2, moved]);
    expect(got.every((p) => p.CallbackObjectRecId === id && p.Action === 'updated')).toBe(true);
  });

  it('an owner-level callback fires for every ticket, with the payload Manage sends', async () => {
    const id = await registerCallback({ url: cbUrl('owner'), objectId: 1, level: 'owner' });
    const created = await api('/service/tickets', {
      method: 'POST',
      json: { summary: 'Callback check', company: { identifier: 'AcmeMfg' }, board: { id: 3 } },
    });
    expect(created.status).toBe(201);
    const patched = ticketOnBoard(2);
    expect((await api(`/service/tickets/${patched}`, { method: 'PATCH', json: [{ op: 'replace', path: 'summary', value: 'Owner level' }] })).status).toBe(200);
    await sim.flushCallbacks();

    const got = receivedOn('owner');
    expect(got.map((r) => [payloadOf(r).ID, payloadOf(r).Action])).toEqual([
      [created.data.id, 'added'],
      [patched, 'updated'],
    ]);
    const first = payloadOf(got[0]!);
    expect(Object.keys(first)).toEqual([
      'MessageId', 'FromUrl', 'CompanyId', 'MemberId', 'Action', 'Type', 'ID',
      'ProductInstanceId', 'PartnerId', 'Entity', 'Metadata', 'CallbackObjectRecId',
    ]);
    expect(first).toMatchObject({
      FromUrl: sim.url,
      CompanyId: DEMO_CREDENTIALS.companyId,
      PartnerId: DEMO_CREDENTIALS.companyId,
      MemberId: 'deskbell',
      Type: 'ticket',
      Metadata: { key_url: sim.keyUrl() },
      CallbackObjectRecId: id,
    });
    expect(first.MessageId).toMatch(UUID_V4);
    expect(first.ProductInstanceId).toMatch(UUID_V4);
    const second = payloadOf(got[1]!);
    expect(second.ProductInstanceId).toBe(first.ProductInstanceId);
    expect(second.MessageId).not.toBe(first.MessageId);
    // Entity is the record as GET /service/tickets/{id} returns it, as a JSON string.
    expect(typeof second.Entity).toBe('string');
    expect(JSON.parse(second.Entity)).toEqual((await api(`/service/tickets/${patched}`)).data);
    expect(JSON.parse(first.Entity)).toMatchObject({ id: created.data.id, summary: 'Callback check', board: { id: 3 } });
    for (const r of got) {
      expect(r.method).toBe('POST');
      expect(r.headers['content-type']).toBe('application/json');
    }
  });

  it('an inactive callback never fires, and /__sim/callbacks/{id}/disable deactivates one like Manage', async () => {
    await registerCallback({ url: cbUrl('inactive'), objectId: 1, level: 'owner', inactiveFlag: true });
    const active = await registerCallback({ url: cbUrl('active'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(1);
    await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'first' } });
    await sim.flushCallbacks();
    expect(receivedOn('inactive')).toHaveLength(0);
    expect(receivedOn('active')).toHaveLength(1);

    const disabled = await admin(`/__sim/callbacks/${active}/disable`, { method: 'POST' });
    expect(disabled.status).toBe(200);
    expect(disabled.data.inactiveFlag).toBe(true);
    expect((await api(`/system/callbacks/${active}`)).data.inactiveFlag).toBe(true);
    expect((await admin('/__sim/callbacks/999999/disable', { method: 'POST' })).status).toBe(404);
    await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'second' } });
    await sim.flushCallbacks();
    expect(receivedOn('active')).toHaveLength(1);
  });

  it('isSelfSuppressedFlag skips changes by the API member, not by technicians', async () => {
    await registerCallback({ url: cbUrl('suppressed'), objectId: 1, level: 'owner', isSelfSuppressedFlag: true });
    await registerCallback({ url: cbUrl('all'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(1);
    expect((await api(`/service/tickets/${ticket}`, { method: 'PATCH', json: [{ op: 'replace', path: 'summary', value: 'By the API key' }] })).status).toBe(200);
    const note = await api(`/service/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'By the API key', detailDescriptionFlag: true } });
    expect(note.status).toBe(201);
    // jsmith's pod session through the REST API is not the integrator.
    const podNote = await api(`/service/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'From the pod', internalAnalysisFlag: true }, auth: JSMITH_POD_AUTH });
    expect(podNote.status).toBe(201);
    expect((await admin(`/__sim/tickets/${ticket}/status`, { method: 'POST', json: { status: 'Waiting on Client', member: 'akhan' } })).status).toBe(200);
    await sim.flushCallbacks();
    expect(receivedOn('all').map((r) => payloadOf(r).MemberId)).toEqual(['deskbell', 'deskbell', 'jsmith', 'akhan']);
    expect(receivedOn('suppressed').map((r) => payloadOf(r).MemberId)).toEqual(['jsmith', 'akhan']);
  });

  it('only ticket creates, updates and notes fire: configuration links and documents do not', async () => {
    await registerCallback({ url: cbUrl('writes'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(1);
    const configuration = sim.store.configurations.find((c) => c.company.id === sim.store.tickets.get(ticket)!.company.id);
    expect(configuration).toBeDefined();
    expect((await api(`/service/tickets/${ticket}/configurations`, { method: 'POST', json: { id: configuration!.id } })).status).toBe(201);
    const form = new FormData();
    form.set('file', new File([new Uint8Array([1, 2, 3])], 'shot.png', { type: 'image/png' }));
    form.set('recordType', 'Ticket');
    form.set('recordId', String(ticket));
    const upload = await fetch(`${sim.baseUrl}/system/documents`, {
      method: 'POST',
      headers: { authorization: API_KEY_AUTH, clientId: DEMO_CREDENTIALS.clientId },
      body: form,
    });
    expect(upload.status).toBe(201);
    // A refused write changes nothing and fires nothing.
    expect((await api(`/service/tickets/${ticket}`, { method: 'PATCH', json: [{ op: 'replace', path: 'board', value: { id: 999 } }] })).status).toBe(400);
    await sim.flushCallbacks();
    expect(receivedOn('writes')).toHaveLength(0);
    // skipCallback on a create is honoured.
    const skipped = await api('/service/tickets', { method: 'POST', json: { summary: 'Quiet', company: { identifier: 'AcmeMfg' }, skipCallback: true } });
    expect(skipped.status).toBe(201);
    await sim.flushCallbacks();
    expect(receivedOn('writes')).toHaveLength(0);
  });

  it('setCallbacksEnabled(false) pauses emission until re-enabled', async () => {
    await registerCallback({ url: cbUrl('paused'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(1);
    sim.setCallbacksEnabled(false);
    await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'while paused' } });
    await sim.flushCallbacks();
    expect(receivedOn('paused')).toHaveLength(0);
    sim.setCallbacksEnabled(true);
    await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'resumed' } });
    await sim.flushCallbacks();
    expect(receivedOn('paused')).toHaveLength(1);
    // The admin mirror.
    expect((await admin('/__sim/callbacks/enabled', { method: 'PUT', json: { enabled: false } })).data).toEqual({ enabled: false });
    await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'paused again' } });
    await sim.flushCallbacks();
    expect(receivedOn('paused')).toHaveLength(1);
  });
});

describe('target URL and signature', () => {
  it('appends recordId and action to the registered URL', async () => {
    await registerCallback({ url: cbUrl('ends-with-recordid'), objectId: 1, level: 'owner' });
    await registerCallback({ url: `${receiver.origin}/cb/plain`, objectId: 1, level: 'owner' });
    await registerCallback({ url: `${receiver.origin}/cb/query?tenant=acme`, objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(1);
    await admin(`/__sim/tickets/${ticket}/owner`, { method: 'POST', json: { member: 'mgarcia' } });
    await sim.flushCallbacks();
    expect(receivedOn('ends-with-recordid')[0]!.url).toBe(`/cb/ends-with-recordid?recordId=${ticket}&action=updated`);
    expect(receivedOn('plain')[0]!.url).toBe(`/cb/plain?recordId=${ticket}&action=updated`);
    expect(receivedOn('query')[0]!.url).toBe(`/cb/query?tenant=acme&recordId=${ticket}&action=updated`);
  });

  it('signs the raw body with the key served at key_url (no Manage auth)', async () => {
    await registerCallback({ url: cbUrl('signed'), objectId: 1, level: 'owner' });
    // Non-ASCII in the Entity: the HMAC is over the UTF-8 bytes of the raw body.
    const ticket = ticketOnBoard(3);
    const patched = await api(`/service/tickets/${ticket}`, { method: 'PATCH', json: [{ op: 'replace', path: 'summary', value: 'Drucker ünïcode ✓ 打印机' }] });
    expect(patched.status).toBe(200);
    await sim.flushCallbacks();
    const [delivery] = receivedOn('signed');
    const keyUrl = payloadOf(delivery!).Metadata.key_url as string;
    expect(keyUrl).toBe(sim.keyUrl());
    expect(keyUrl.startsWith(`${sim.url}/v4_6_release/callbackkeys/`)).toBe(true);
    const key = await call(keyUrl);
    expect(key.status).toBe(200);
    expect(String(key.headers['content-type'])).toMatch(/^application\/json/);
    expect(Object.keys(key.data)).toEqual(['signing_key']);
    expect(key.data.signing_key).toBe(sim.signingKey());
    const signature = delivery!.headers['x-content-signature'];
    expect(signature).toBe(expectedSignature(key.data.signing_key, delivery!.body));
    // A tampered body does not verify.
    expect(delivery!.body).toContain('Drucker ünïcode ✓ 打印机');
    expect(signature).not.toBe(expectedSignature(key.data.signing_key, delivery!.body.replace('Drucker', 'Printer')));
    expect((await call(`${sim.url}/v4_6_release/callbackkeys/not-a-key`)).status).toBe(404);
    expect((await call(keyUrl, { method: 'POST', json: {} })).status).toBe(405);
  });

  it('rotate-key makes a new key and id; the old key_url keeps answering', async () => {
    await registerCallback({ url: cbUrl('rotate'), objectId: 1, level: 'owner' });
    const oldKey = sim.signingKey();
    const oldUrl = sim.keyUrl();
    const rotated = await admin('/__sim/callbacks/rotate-key', { method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.data.keyUrl).toBe(sim.keyUrl());
    expect(sim.keyUrl()).not.toBe(oldUrl);
    expect(sim.signingKey()).not.toBe(oldKey);
    expect((await call(oldUrl)).data.signing_key).toBe(oldKey);
    expect((await call(sim.keyUrl())).data.signing_key).toBe(sim.signingKey());
    await admin(`/__sim/tickets/${ticketOnBoard(1)}/notes`, { method: 'POST', json: { text: 'after rotation' } });
    await sim.flushCallbacks();
    const [delivery] = receivedOn('rotate');
    expect(payloadOf(delivery!).Metadata.key_url).toBe(sim.keyUrl());
    expect(delivery!.headers['x-content-signature']).toBe(expectedSignature(sim.signingKey(), delivery!.body));
    // reset() keeps the key.
    const current = sim.signingKey();
    sim.reset();
    expect(sim.signingKey()).toBe(current);
  });
});

describe('technician admin endpoints', () => {
  it('status by name or id changes the ticket (closing it on a closed status) and fires', async () => {
    await registerCallback({ url: cbUrl('status'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(1);
    const before = (await api(`/service/tickets/${ticket}`)).data;
    expect(before.closedFlag).toBe(false);
    const closed = await admin(`/__sim/tickets/${ticket}/status`, { method: 'POST', json: { status: 'completed', member: 'akhan' } });
    expect(closed.status).toBe(200);
    const after = (await api(`/service/tickets/${ticket}`)).data;
    expect(after.status.name).toBe('Completed');
    expect(after.closedFlag).toBe(true);
    expect(after.closedBy).toBe('akhan');
    expect(after._info.updatedBy).toBe('akhan');
    expect(Date.parse(after._info.lastUpdated)).toBeGreaterThan(Date.parse(before._info.lastUpdated));

    const reopenId = sim.store.boardStatuses.find((s) => s.board.id === 1 && s.name === 'In Progress')!.id;
    expect((await admin(`/__sim/tickets/${ticket}/status`, { method: 'POST', json: { status: reopenId } })).status).toBe(200);
    const reopened = (await api(`/service/tickets/${ticket}`)).data;
    expect(reopened).toMatchObject({ status: { id: reopenId, name: 'In Progress' }, closedFlag: false, _info: { updatedBy: 'jsmith' } });
    expect(reopened.closedBy).toBeUndefined();
    await sim.flushCallbacks();
    const got = receivedOn('status').map(payloadOf);
    expect(got.map((p) => [p.Action, p.MemberId, JSON.parse(p.Entity).status.name])).toEqual([
      ['updated', 'akhan', 'Completed'],
      ['updated', 'jsmith', 'In Progress'],
    ]);
  });

  it('notes are created like the notes API would, and the ticket is touched', async () => {
    await registerCallback({ url: cbUrl('notes'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(2);
    const external = await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'Called the client' } });
    expect(external.status).toBe(201);
    expect(external.data).toMatchObject({ ticketId: ticket, text: 'Called the client', detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false, createdBy: 'jsmith', externalFlag: true });
    const internal = await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'Root cause: DNS', internal: true, resolution: true, member: 'mgarcia' } });
    expect(internal.data).toMatchObject({ detailDescriptionFlag: false, internalAnalysisFlag: true, resolutionFlag: true, createdBy: 'mgarcia', internalFlag: true, member: { identifier: 'mgarcia' } });
    const notes = (await api(`/service/tickets/${ticket}/notes`)).data as Json[];
    expect(notes.map((n) => n.id)).toEqual(expect.arrayContaining([external.data.id, internal.data.id]));
    const viaApi = notes.find((n) => n.id === internal.data.id);
    expect(viaApi).toEqual(internal.data);
    expect((await api(`/service/tickets/${ticket}`)).data._info.updatedBy).toBe('mgarcia');
    await sim.flushCallbacks();
    expect(receivedOn('notes').map((r) => [payloadOf(r).Action, payloadOf(r).MemberId, payloadOf(r).ID])).toEqual([
      ['updated', 'jsmith', ticket],
      ['updated', 'mgarcia', ticket],
    ]);
  });

  it('owner sets the owner ref; lastUpdated strictly increases even for back-to-back changes', async () => {
    await registerCallback({ url: cbUrl('owner-change'), objectId: 1, level: 'owner' });
    const ticket = ticketOnBoard(3);
    const stamps: string[] = [];
    for (const member of ['tnguyen', 'akhan', 'TNGUYEN']) {
      const res = await admin(`/__sim/tickets/${ticket}/owner`, { method: 'POST', json: { member } });
      expect(res.status).toBe(200);
      stamps.push(res.data._info.lastUpdated);
    }
    const got = (await api(`/service/tickets/${ticket}`)).data;
    expect(got.owner).toMatchObject({ identifier: 'tnguyen', name: 'Tam Nguyen' });
    expect(got._info.updatedBy).toBe('tnguyen');
    for (let i = 1; i < stamps.length; i++) expect(Date.parse(stamps[i]!)).toBeGreaterThan(Date.parse(stamps[i - 1]!));
    const by = await admin(`/__sim/tickets/${ticket}/owner`, { method: 'POST', json: { member: 'akhan', by: 'jsmith' } });
    expect(by.data).toMatchObject({ owner: { identifier: 'akhan' }, _info: { updatedBy: 'jsmith' } });
    await sim.flushCallbacks();
    const payloads = receivedOn('owner-change').map(payloadOf);
    expect(payloads.map((p) => p.MemberId)).toEqual(['tnguyen', 'akhan', 'tnguyen', 'jsmith']);
    expect(JSON.parse(payloads[1].Entity).owner.identifier).toBe('akhan');
  });

  it('deleting a ticket fires "deleted" with a null Entity (board-level too)', async () => {
    await registerCallback({ url: cbUrl('deleted-board'), objectId: 2, level: 'board' });
    await registerCallback({ url: cbUrl('deleted-other-board'), objectId: 1, level: 'board' });
    const ticket = ticketOnBoard(2);
    const res = await admin(`/__sim/tickets/${ticket}?member=lchen`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await api(`/service/tickets/${ticket}`)).status).toBe(404);
    expect(sim.store.ticketNotes.filter((n) => n.ticketId === ticket)).toEqual([]);
    await sim.flushCallbacks();
    const [delivery] = receivedOn('deleted-board');
    expect(delivery!.url).toBe(`/cb/deleted-board?recordId=${ticket}&action=deleted`);
    expect(payloadOf(delivery!)).toMatchObject({ Action: 'deleted', ID: ticket, Entity: null, MemberId: 'lchen' });
    expect(receivedOn('deleted-other-board')).toHaveLength(0);
    expect((await admin(`/__sim/tickets/${ticket}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('400 for bad input, 404 for an unknown ticket', async () => {
    const ticket = ticketOnBoard(1);
    const bad: [string, unknown][] = [
      [`/__sim/tickets/${ticket}/status`, {}],
      [`/__sim/tickets/${ticket}/status`, { status: 'No such status' }],
      [`/__sim/tickets/${ticket}/status`, { status: 'Escalated' }], // inactive status
      [`/__sim/tickets/${ticket}/status`, { status: sim.store.boardStatuses.find((s) => s.board.id === 2)!.id }], // other board
      [`/__sim/tickets/${ticket}/status`, { status: 'New', member: 'nobody' }],
      [`/__sim/tickets/${ticket}/status`, { status: 'New', member: 'rjones' }], // inactive member
      [`/__sim/tickets/${ticket}/notes`, { text: '' }],
      [`/__sim/tickets/${ticket}/notes`, { text: 'x', internal: 'yes' }],
      [`/__sim/tickets/${ticket}/notes`, { text: 'x', colour: 'red' }],
      [`/__sim/tickets/${ticket}/owner`, {}],
      [`/__sim/tickets/${ticket}/owner`, { member: 42 }],
    ];
    for (const [path, json] of bad) {
      const res = await admin(path, { method: 'POST', json });
      expect(res.status, `${path} ${JSON.stringify(json)}`).toBe(400);
      expect(res.data.code).toBe('InvalidObject');
    }
    const notJson = await request(`${sim.url}/__sim/tickets/${ticket}/notes`, { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    await notJson.body.dump();
    for (const path of ['/__sim/tickets/999999/status', '/__sim/tickets/999999/notes', '/__sim/tickets/999999/owner', '/__sim/tickets/abc/owner']) {
      expect((await admin(path, { method: 'POST', json: { status: 'New', text: 'x', member: 'jsmith' } })).status).toBe(404);
    }
    expect((await admin('/__sim/tickets/999999', { method: 'DELETE' })).status).toBe(404);
    expect((await admin(`/__sim/tickets/${ticket}?member=nobody`, { method: 'DELETE' })).status).toBe(400);
    expect((await admin(`/__sim/tickets/${ticket}/status`, { method: 'GET' })).status).toBe(405);
    expect((await admin('/__sim/callbacks/redeliver', { method: 'POST', json: {} })).status).toBe(400);
    expect((await admin('/__sim/callbacks/enabled', { method: 'PUT', json: { enabled: 'no' } })).status).toBe(400);
    // Nothing changed.
    expect(sim.store.tickets.get(ticket)!._info).toMatchObject({ updatedBy: 'jsmith' });
  });
});

describe('delivery', () => {
  it('retries 429 (and 404/409/419) after the configured delays, then succeeds', async () => {
    const callbackId = await registerCallback({ url: cbUrl('busy'), objectId: 1, level: 'owner' });
    receiver.script.set('/cb/busy', [429, 409]);
    const ticket = ticketOnBoard(1);
    await admin(`/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'retry me' } });
    await sim.flushCallbacks();
    const got = receivedOn('busy');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['x-content-signature'])).size).toBe(1);
    const deliveries = sim.callbackDeliveries().filter((d) => d.callbackId === callbackId);
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 429],
      [2, 409],
      [3, 200],
    ]);
    expect(new Set(deliveries.map((d) => d.messageId)).size).toBe(1);
    expect(deliveries[0]).toMatchObject({ action: 'updated', ticketId: ticket, error: null, body: got[0]!.body, signature: got[0]!.headers['x-content-signature'] });
    expect(Date.parse(deliveries[1]!.at) - Date.parse(deliveries[0]!.at)).toBeGreaterThanOrEqual(45);
    expect(Date.parse(deliveries[2]!.at) - Date.parse(deliveries[1]!.at)).toBeGreaterThanOrEqual(95);
  });

  it('gives up after two retries, and does not retry 500 or a network error', async () => {
    const exhausted = await registerCallback({ url: cbUrl('always-busy'), objectId: 1, level: 'owner' });
    const broken = await registerCallback({ url: cbUrl('broken'), objectId: 1, level: 'owner' });
    // Nothing listens on port 9 of loopback: connection refused.
    const unreachable = await registerCallback({ url: 'http://127.0.0.1:9/cb?recordId=', objectId: 1, level: 'owner' });
    receiver.script.set('/cb/always-busy', [429, 429, 429, 429]);
    receiver.script.set('/cb/broken', [500]);
    await admin(`/__sim/tickets/${ticketOnBoard(1)}/notes`, { method: 'POST', json: { text: 'fail me' } });
    await sim.flushCallbacks();
    const of = (id: number) => sim.callbackDeliveries().filter((d) => d.callbackId === id);
    expect(of(exhausted).map((d) => d.status)).toEqual([429, 429, 429]);
    expect(of(broken).map((d) => [d.attempt, d.status])).toEqual([[1, 500]]);
    expect(receivedOn('broken')).toHaveLength(1);
    expect(of(unreachable)).toHaveLength(1);
    expect(of(unreachable)[0]).toMatchObject({ status: null, attempt: 1 });
    expect(of(unreachable)[0]!.error).toMatch(/ECONNREFUSED/);
    // Consecutive failures are counted, nothing is auto-disabled.
    const state = await admin('/__sim/callbacks');
    const byId = new Map((state.data.callbacks as Json[]).map((c) => [c.id, c]));
    expect(byId.get(broken)).toMatchObject({ consecutiveFailures: 1, inactiveFlag: false });
    expect(byId.get(exhausted)).toMatchObject({ consecutiveFailures: 1, inactiveFlag: false });
  });

  it('redelivers the identical body and signature (a duplicate, as Manage may send)', async () => {
    await registerCallback({ url: cbUrl('dup'), objectId: 1, level: 'owner' });
    await admin(`/__sim/tickets/${ticketOnBoard(1)}/notes`, { method: 'POST', json: { text: 'dup me' } });
    await sim.flushCallbacks();
    const [original] = sim.callbackDeliveries();
    const again = await sim.redeliverCallback(original!.messageId);
    expect(again).toMatchObject({ messageId: original!.messageId, attempt: 2, status: 200, body: original!.body, signature: original!.signature });
    const viaAdmin = await admin('/__sim/callbacks/redeliver', { method: 'POST', json: { messageId: original!.messageId } });
    expect(viaAdmin.status).toBe(200);
    expect(viaAdmin.data.attempt).toBe(3);
    const got = receivedOn('dup');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['x-content-signature'])).size).toBe(1);
    expect(new Set(got.map((r) => r.url)).size).toBe(1);
    await expect(sim.redeliverCallback('00000000-0000-4000-8000-000000000000')).rejects.toThrow(/No callback message/);
    expect((await admin('/__sim/callbacks/redeliver', { method: 'POST', json: { messageId: 'unknown' } })).status).toBe(404);
  });

  it('never delays the API answer; flush and the deliveries log have admin mirrors', async () => {
    await registerCallback({ url: cbUrl('slow'), objectId: 1, level: 'owner' });
    receiver.script.set('/cb/slow', ['hang']);
    const ticket = ticketOnBoard(1);
    const started = Date.now();
    const res = await api(`/service/tickets/${ticket}`, { method: 'PATCH', json: [{ op: 'replace', path: 'summary', value: 'Fast answer' }] });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    // The hanging receiver holds the delivery until the 3 s timeout.
    const flushed = await admin('/__sim/callbacks/flush', { method: 'POST' });
    expect(flushed.status).toBe(200);
    expect(flushed.data.pending).toBe(0);
    const log = await admin('/__sim/callbacks/deliveries');
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({ status: null, attempt: 1 });
    expect(log.data[0].error).toMatch(/timed out after 3000 ms/);
    expect((await admin('/__sim/callbacks/deliveries', { method: 'DELETE' })).status).toBe(204);
    expect((await admin('/__sim/callbacks/deliveries')).data).toEqual([]);
    // Outbound deliveries are not API requests: the request log holds only what came in.
    expect(sim.requests().some((r) => r.path.startsWith('/cb/'))).toBe(false);
  });

  it('reset() clears deliveries; close() does not wait for a hanging receiver', async () => {
    const local = await startManageSim({ callbackTimeoutMs: 60_000 });
    try {
      const auth = { authorization: API_KEY_AUTH, clientId: DEMO_CREDENTIALS.clientId };
      const reg = await call(`${local.baseUrl}/system/callbacks`, {
        method: 'POST',
        headers: auth,
        json: { url: cbUrl('hang'), objectId: 1, level: 'owner', type: 'ticket' },
      });
      expect(reg.status).toBe(201);
      receiver.script.set('/cb/hang', ['hang', 'hang']);
      const ticket = local.store.tickets.list()[0]!.id;
      await call(`${local.url}/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'x' } });
      await expect.poll(() => receivedOn('hang').length).toBe(1);
      local.reset();
      await local.flushCallbacks();
      expect(local.callbackDeliveries()).toEqual([]);
      const again = await call(`${local.baseUrl}/system/callbacks`, {
        method: 'POST',
        headers: auth,
        json: { url: cbUrl('hang'), objectId: 1, level: 'owner', type: 'ticket' },
      });
      expect(again.status).toBe(201);
      await call(`${local.url}/__sim/tickets/${ticket}/notes`, { method: 'POST', json: { text: 'y' } });
      await expect.poll(() => receivedOn('hang').length).toBe(2);
    } finally {
      const started = Date.now();
      await local.close();
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });
});
