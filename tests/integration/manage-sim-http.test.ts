import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_MEMBER_SESSION, startManageSim, type ManageSim } from '@/tools/manage-sim/index';

let sim: ManageSim;

const basic = (user: string, secret: string, companyId = DEMO_CREDENTIALS.companyId) =>
  `Basic ${Buffer.from(`${companyId}+${user}:${secret}`).toString('base64')}`;

const goodHeaders = (): Record<string, string> => ({
  authorization: basic(DEMO_CREDENTIALS.publicKey, DEMO_CREDENTIALS.privateKey),
  clientId: DEMO_CREDENTIALS.clientId,
  accept: 'application/vnd.connectwise.com+json; version=2025.16',
});

async function api(
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal } = {},
) {
  const headers: Record<string, string> = { ...goodHeaders(), ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body,
    signal: init.signal ?? AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = text;
  }
  // Bodies are asserted field by field with expect(); typing every Manage shape here adds nothing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, headers: res.headers, data: data as any };
}

const q = (conditions: string) => encodeURIComponent(conditions);

beforeAll(async () => {
  sim = await startManageSim({ port: 0 });
});

afterEach(() => {
  sim.clearFaults();
});

afterAll(async () => {
  await sim.close();
});

describe('addresses and metadata', () => {
  it('exposes the URLs an admin and the adapter need', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.baseUrl).toBe(`${sim.url}/v4_6_release/apis/3.0`);
    expect(sim.endpoint).toBe(`${sim.url.replace('http://', '')}/v4_6_release`);
  });

  it('refuses to bind a non-loopback host unless allowed', async () => {
    await expect(startManageSim({ host: '0.0.0.0' })).rejects.toThrow(/non-loopback/);
  });

  it('GET /login/companyinfo/{id} needs no auth and names the codebase', async () => {
    const res = await fetch(`${sim.url}/login/companyinfo/${DEMO_CREDENTIALS.companyId.toUpperCase()}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ Codebase: 'v4_6_release/', CompanyID: DEMO_CREDENTIALS.companyId, IsCloud: false });
    expect(body.CompanyName).toBe('Harborview Technology Partners');
    expect(body.VersionCode).toMatch(/^v\d{4}\.\d+$/);
    const unknown = await fetch(`${sim.url}/login/companyinfo/nobody`);
    expect(unknown.status).toBe(404);
  });

  it('answers in the versioned Manage media type the client asked for', async () => {
    const res = await api('/system/info');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.connectwise.com+json; version=2025.16; charset=utf-8');
    expect(res.data).toMatchObject({ isCloud: false });
    const fallback = await api('/system/info', { headers: { accept: 'application/json' } });
    expect(fallback.headers.get('content-type')).toContain('version=2026.11');
  });
});

describe('authentication', () => {
  it('401 Unauthorized without credentials, with a wrong key, or a wrong company', async () => {
    for (const authorization of [
      undefined,
      basic(DEMO_CREDENTIALS.publicKey, 'wrong-private'),
      basic(DEMO_CREDENTIALS.publicKey, DEMO_CREDENTIALS.privateKey, 'othercompany'),
      'Bearer abc',
    ]) {
      const headers: Record<string, string> = { clientId: DEMO_CREDENTIALS.clientId };
      if (authorization) headers.authorization = authorization;
      const res = await fetch(`${sim.baseUrl}/system/info`, { headers });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.code).toBe('Unauthorized');
      expect(typeof body.message).toBe('string');
    }
  });

  it('401 InvalidClientId when the clientId header is missing or unknown', async () => {
    const missing = await fetch(`${sim.baseUrl}/system/info`, {
      headers: { authorization: basic(DEMO_CREDENTIALS.publicKey, DEMO_CREDENTIALS.privateKey) },
    });
    expect(missing.status).toBe(401);
    const body = await missing.json();
    expect(body.code).toBe('InvalidClientId');
    expect(body.message).toMatch(/clientId/);
    const unknown = await api('/system/info', { headers: { clientId: '00000000-0000-0000-0000-000000000000' } });
    expect(unknown.status).toBe(401);
    expect(unknown.data.code).toBe('InvalidClientId');
  });

  it('accepts a pod member session and reports that member from /system/myMembers/info', async () => {
    const asMember = await api('/system/myMembers/info', {
      headers: { authorization: basic(DEMO_MEMBER_SESSION.memberIdentifier, DEMO_MEMBER_SESSION.memberHash) },
    });
    expect(asMember.status).toBe(200);
    expect(asMember.data.identifier).toBe('jsmith');
    const cookie = `companyName=${DEMO_CREDENTIALS.companyId}; memberId=jsmith; memberHash=${DEMO_MEMBER_SESSION.memberHash}`;
    const withoutContext = await api('/system/myMembers/info', { headers: { authorization: '', cookie } });
    expect(withoutContext.status).toBe(401);
    const withContext = await api('/system/myMembers/info', { headers: { authorization: '', cookie: `${cookie}; memberContext=abc` } });
    expect(withContext.status).toBe(200);
    const wrongHash = await api('/system/myMembers/info', { headers: { authorization: basic('jsmith', 'stale-hash') } });
    expect(wrongHash.status).toBe(401);
    const apiMember = await api('/system/myMembers');
    expect(apiMember.data).toMatchObject({ identifier: 'deskbell', licenseClass: 'A' });
  });
});

describe('lists, conditions and pagination', () => {
  it('page/pageSize with Manage Link headers (first, prev, next, last)', async () => {
    const total = sim.store.companies.size;
    expect(total).toBeGreaterThan(6);
    const first = await api('/company/companies?pageSize=3');
    expect(first.data).toHaveLength(3);
    const firstLink = first.headers.get('link')!;
    expect(firstLink).toContain(`<${sim.baseUrl}/company/companies?pageSize=3&page=2>; rel="next"`);
    expect(firstLink).toContain(`page=${Math.ceil(total / 3)}>; rel="last"`);
    expect(firstLink).not.toContain('rel="prev"');

    const middle = await api('/company/companies?pageSize=3&page=2');
    const middleLink = middle.headers.get('link')!;
    expect(middleLink).toMatch(/page=1>; rel="first", <[^>]+page=1>; rel="prev", <[^>]+page=3>; rel="next", <[^>]+>; rel="last"/);
    expect(middle.data[0].id).toBe(first.data[2].id + 1);

    const last = await api(`/company/companies?pageSize=3&page=${Math.ceil(total / 3)}`);
    expect(last.headers.get('link')).not.toContain('rel="next"');
    const beyond = await api('/company/companies?pageSize=3&page=99');
    expect(beyond.data).toEqual([]);
  });

  it('keeps conditions in the Link URLs and validates paging parameters', async () => {
    const res = await api(`/company/configurations?pageSize=2&conditions=${q('activeFlag=true')}`);
    expect(res.headers.get('link')).toContain(`conditions=activeFlag%3Dtrue`);
    expect((await api('/company/companies?pageSize=abc')).status).toBe(400);
    expect((await api('/company/companies?page=0')).status).toBe(400);
  });

  it('forward-only: pageId keyset paging, next link while pages are full, orderBy refused', async () => {
    const headers = { 'pagination-type': 'forward-only' };
    const seen: number[] = [];
    let path: string | null = '/company/contacts?pageSize=5';
    for (let i = 0; i < 20 && path; i++) {
      const res = await api(path, { headers });
      expect(res.status).toBe(200);
      seen.push(...res.data.map((c: { id: number }) => c.id));
      const link = res.headers.get('link');
      if (!link) break;
      const next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
      expect(next).toContain(`pageId=${res.data.at(-1).id}`);
      path = next ? next.slice(sim.baseUrl.length) : null;
    }
    expect(seen).toEqual(sim.store.contacts.list().map((c) => c.id));
    const refused = await api('/company/contacts?orderBy=id%20desc', { headers });
    expect(refused.status).toBe(400);
    expect(refused.data.code).toBe('InvalidObject');
  });

  it('clamps pageSize to the maximum like Manage', async () => {
    const small = await startManageSim({ pageSizeMax: 4 });
    try {
      const res = await fetch(`${small.baseUrl}/company/contacts?pageSize=50`, { headers: goodHeaders() });
      expect(((await res.json()) as unknown[]).length).toBe(4);
      expect(res.headers.get('link')).toContain('pageSize=4&page=2');
    } finally {
      await small.close();
    }
  });

  it('finds a contact by email through childConditions (one item must match both clauses)', async () => {
    const hit = await api(
      `/company/contacts?childConditions=${q('communicationItems/value="PRIYA.RAMAN@acme-mfg.example" AND communicationItems/communicationType="Email"')}`,
    );
    expect(hit.status).toBe(200);
    expect(hit.data.map((c: { firstName: string }) => c.firstName)).toEqual(['Priya']);
    const phoneAsEmail = await api(
      `/company/contacts?childConditions=${q('communicationItems/value="9375550143" AND communicationItems/communicationType="Email"')}`,
    );
    expect(phoneAsEmail.data).toEqual([]);
    const catchAll = await api(`/company/contacts?childConditions=${q('communicationItems/value="unregistered@helpdeskbuttons.com"')}`);
    expect(catchAll.data[0].company.name).toBe('Unregistered Users');
  });

  it('filters configurations like the adapter does and orders results', async () => {
    const res = await api(
      `/company/configurations?conditions=${q('company/id=251 AND activeFlag=true AND (name="acme-pc-02" OR deviceIdentifier="acme-pc-02")')}`,
    );
    expect(res.data).toHaveLength(1);
    expect(res.data[0]).toMatchObject({ name: 'ACME-PC-02', activeFlag: true });
    const ordered = await api(`/service/priorities?orderBy=${q('sortOrder desc')}`);
    expect(ordered.data[0].name).toBe('Do Not Respond');
  });

  it('a malformed condition is a 400 in Manage shape, never a crash', async () => {
    for (const bad of ['name = ', 'name = "x', '(id = 1', 'communicationItems/value="x"']) {
      const res = await api(`/company/contacts?conditions=${q(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.data.code).toBe('InvalidObject');
      expect(res.data.errors[0]).toMatchObject({ field: 'conditions' });
    }
    expect((await api('/system/info')).status).toBe(200);
  });

  it('board-scoped lookup tables and 404 for unknown ids and paths', async () => {
    const statuses = await api('/service/boards/2/statuses');
    expect(statuses.data.every((s: { board: { id: number } }) => s.board.id === 2)).toBe(true);
    expect((await api('/service/boards/999/statuses')).status).toBe(404);
    const ticket = await api('/service/tickets/1');
    expect(ticket.status).toBe(404);
    expect(ticket.data).toEqual({ code: 'NotFound', message: 'Ticket 1 not found' });
    expect((await api('/service/nothing-here')).status).toBe(404);
    expect((await api('/system/info', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('tickets', () => {
  it('POST creates a ticket (201) with resolved reference names and initial notes', async () => {
    const res = await api('/service/tickets', {
      method: 'POST',
      json: {
        summary: 'Printer jammed on floor 2',
        company: { id: 251 },
        contact: { id: 1002 },
        board: { id: 1 },
        status: { name: 'in progress' },
        type: { name: 'Incident' },
        team: { name: 'Tier 1' },
        source: { name: 'Helpdesk Button' },
        impact: 'High',
        severity: 'High',
        externalXRef: 'press-http-1',
        initialDescription: 'Paper stuck\nin tray 2',
        initialInternalAnalysis: 'Host: ACME-PC-02',
      },
    });
    expect(res.status).toBe(201);
    const ticket = res.data;
    expect(ticket.id).toBeGreaterThan(48200);
    expect(ticket.board).toMatchObject({ id: 1, name: 'Help Desk' });
    expect(ticket.status).toMatchObject({ id: 2, name: 'In Progress' });
    expect(ticket.company).toMatchObject({ id: 251, identifier: 'AcmeMfg', name: 'Acme Manufacturing Co.' });
    expect(ticket.contact).toMatchObject({ id: 1002, name: 'Marcus Lee' });
    expect(ticket.contactEmailAddress).toBe('marcus.lee@acme-mfg.example');
    expect(ticket.source.name).toBe('Helpdesk Button');
    // High impact x High urgency on the default SLA matrix.
    expect(ticket.priority.name).toBe('Priority 1 - Emergency Response');
    expect(ticket.initialDescription).toBeUndefined();
    expect(ticket._info).toMatchObject({ updatedBy: 'deskbell', enteredBy: 'deskbell' });
    expect(res.headers.get('content-type')).toContain('application/vnd.connectwise.com+json');

    const notes = await api(`/service/tickets/${ticket.id}/notes`);
    expect(notes.data.map((n: { text: string; internalAnalysisFlag: boolean }) => [n.text, n.internalAnalysisFlag])).toEqual([
      ['Paper stuck\nin tray 2', false],
      ['Host: ACME-PC-02', true],
    ]);
    const found = await api(`/service/tickets?conditions=${q('externalXRef="press-http-1"')}`);
    expect(found.data.map((t: { id: number }) => t.id)).toEqual([ticket.id]);
  });

  it('falls back to the API member service board and its default status', async () => {
    const res = await api('/service/tickets', { method: 'POST', json: { summary: 'Defaults', company: { identifier: 'SummitCPA' } } });
    expect(res.status).toBe(201);
    expect(res.data.board.name).toBe('Help Desk');
    expect(res.data.status.name).toBe('New');
    expect(res.data.priority.name).toBe('Priority 3 - Normal Response');
  });

  it('400 InvalidObject for an unknown board, a status of another board, and missing/too-long fields', async () => {
    const unknownBoard = await api('/service/tickets', { method: 'POST', json: { summary: 'x', company: { id: 251 }, board: { id: 999 } } });
    expect(unknownBoard.status).toBe(400);
    expect(unknownBoard.data).toMatchObject({ code: 'InvalidObject', message: 'ticket object is invalid' });
    expect(unknownBoard.data.errors[0]).toMatchObject({ code: 'InvalidField', field: 'board', resource: 'ticket' });

    // Status 8 is "New" on Professional Services, not on Help Desk.
    const foreignStatus = await api('/service/tickets', {
      method: 'POST',
      json: { summary: 'x', company: { id: 251 }, board: { id: 1 }, status: { id: 8 } },
    });
    expect(foreignStatus.status).toBe(400);
    expect(foreignStatus.data.errors[0].field).toBe('status');

    const missing = await api('/service/tickets', { method: 'POST', json: { company: { id: 251 } } });
    expect(missing.status).toBe(400);
    expect(missing.data.errors[0]).toMatchObject({ code: 'MissingRequiredField', field: 'summary' });

    const tooLong = await api('/service/tickets', { method: 'POST', json: { summary: 'x'.repeat(101), company: { id: 251 } } });
    expect(tooLong.data.errors[0]).toMatchObject({ code: 'InvalidField', field: 'summary' });

    const wrongContact = await api('/service/tickets', { method: 'POST', json: { summary: 'x', company: { id: 252 }, contact: { id: 1001 } } });
    expect(wrongContact.data.errors[0].field).toBe('contact');

    const notJson = await api('/service/tickets', { method: 'POST', body: 'summary=x', headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(415);
  });

  it('refuses a note that says nowhere to display it, as Manage does, and stores nothing', async () => {
    const created = await api('/service/tickets', { method: 'POST', json: { summary: 'Note flags', company: { id: 251 } } });
    const id = created.data.id;
    const notesBefore = (await api(`/service/tickets/${id}/notes`)).data.length;
    const displayError = {
      code: 'InvalidObject',
      message: 'serviceNote object is invalid',
      errors: [expect.objectContaining({ message: 'Please choose where to display the notes in order to save this record.', resource: 'serviceNote' })],
    };
    for (const body of [
      { text: 'No flag at all' },
      { text: 'Every flag false', detailDescriptionFlag: false, internalAnalysisFlag: false, resolutionFlag: false },
      { text: 'Null flags', detailDescriptionFlag: null, internalAnalysisFlag: null },
      // Flags that say nothing about where the note shows do not count.
      { text: 'Only other flags', issueFlag: true, processNotifications: true, internalFlag: true, externalFlag: true },
    ]) {
      const refused = await api(`/service/tickets/${id}/notes`, { method: 'POST', json: body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.data).toEqual(displayError);
    }
    expect((await api(`/service/tickets/${id}/notes`)).data).toHaveLength(notesBefore);

    for (const flag of ['detailDescriptionFlag', 'internalAnalysisFlag', 'resolutionFlag']) {
      const accepted = await api(`/service/tickets/${id}/notes`, { method: 'POST', json: { text: `Only ${flag}`, [flag]: true } });
      expect(accepted.status, flag).toBe(201);
      expect(accepted.data[flag]).toBe(true);
    }
    expect((await api(`/service/tickets/${id}/notes`)).data).toHaveLength(notesBefore + 3);
  });

  it('PATCH replaces fields and reference objects and refreshes names', async () => {
    const created = await api('/service/tickets', { method: 'POST', json: { summary: 'Before', company: { id: 251 }, contact: { id: 1001 } } });
    const id = created.data.id;
    const patched = await api(`/service/tickets/${id}`, {
      method: 'PATCH',
      json: [
        { op: 'replace', path: 'summary', value: 'After' },
        { op: 'replace', path: 'company', value: { id: 252 } },
        { op: 'replace', path: 'contact', value: { id: 1005 } },
        { op: 'replace', path: '/status/id', value: 6 },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.data.summary).toBe('After');
    expect(patched.data.company).toMatchObject({ id: 252, identifier: 'NorthwindDental', name: 'Northwind Dental Group' });
    expect(patched.data.status).toMatchObject({ id: 6, name: 'Completed' });
    expect(patched.data.closedFlag).toBe(true);
    expect(sim.store.tickets.get(id)?.summary).toBe('After');

    const badOp = await api(`/service/tickets/${id}`, { method: 'PATCH', json: [{ op: 'move', path: 'summary', value: 'x' }] });
    expect(badOp.status).toBe(400);
    const readOnly = await api(`/service/tickets/${id}`, { method: 'PATCH', json: [{ op: 'replace', path: 'id', value: 1 }] });
    expect(readOnly.status).toBe(400);
    const notArray = await api(`/service/tickets/${id}`, { method: 'PATCH', json: { summary: 'x' } });
    expect(notArray.status).toBe(400);
    expect(sim.store.tickets.get(id)?.summary).toBe('After');
  });

  it('links a configuration to a ticket and lists it', async () => {
    const created = await api('/service/tickets', { method: 'POST', json: { summary: 'Config link', company: { id: 251 } } });
    const link = await api(`/service/tickets/${created.data.id}/configurations`, { method: 'POST', json: { id: 5003 } });
    expect(link.status).toBe(201);
    expect(link.data).toMatchObject({ id: 5003, deviceIdentifier: 'ACME-PC-02' });
    const list = await api(`/service/tickets/${created.data.id}/configurations`);
    expect(list.data.map((c: { id: number }) => c.id)).toEqual([5003]);
    const missing = await api(`/service/tickets/${created.data.id}/configurations`, { method: 'POST', json: {} });
    expect(missing.data.errors[0]).toMatchObject({ code: 'MissingRequiredField', resource: 'configuration' });
  });
});

describe('companies and contacts', () => {
  it('creates a catch-all company (one address field suffices) and refuses duplicates or no address', async () => {
    const created = await api('/company/companies', { method: 'POST', json: { identifier: 'CatchAll2', name: 'Unregistered Users 2', city: 'Portland' } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ identifier: 'CatchAll2', status: { name: 'Active' }, types: [{ name: 'Client' }] });
    const duplicate = await api('/company/companies', { method: 'POST', json: { identifier: 'catchall2', name: 'x', city: 'y' } });
    expect(duplicate.data.errors[0]).toMatchObject({ code: 'ObjectExists', field: 'identifier' });
    const noAddress = await api('/company/companies', { method: 'POST', json: { identifier: 'NoAddr', name: 'x' } });
    expect(noAddress.status).toBe(400);
    expect(noAddress.data.errors[0].code).toBe('MissingRequiredField');

    const contact = await api('/company/contacts', {
      method: 'POST',
      json: {
        firstName: 'Unregistered',
        company: { id: created.data.id },
        communicationItems: [{ type: { name: 'Email' }, value: 'unregistered2@helpdeskbuttons.example', communicationType: 'Email', defaultFlag: true }],
      },
    });
    expect(contact.status).toBe(201);
    expect(contact.data.company).toMatchObject({ id: created.data.id, identifier: 'CatchAll2' });
    expect(contact.data.communicationItems[0]).toMatchObject({ type: { id: 1, name: 'Email' }, communicationType: 'Email', defaultFlag: true });
    const badEmail = await api('/company/contacts', {
      method: 'POST',
      json: { firstName: 'x', communicationItems: [{ type: { name: 'Email' }, value: 'not-an-email' }] },
    });
    expect(badEmail.status).toBe(400);
    const noName = await api('/company/contacts', { method: 'POST', json: { lastName: 'x' } });
    expect(noName.data.errors[0]).toMatchObject({ code: 'MissingRequiredField', field: 'firstName' });
  });
});

describe('documents', () => {
  it('uploads multipart, lists by record, and downloads the same bytes', async () => {
    const ticketId = sim.store.tickets.list()[0]!.id;
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'screen-1.png');
    form.append('recordType', 'Ticket');
    form.append('recordId', String(ticketId));
    form.append('title', 'Screenshot 1');
    form.append('privateFlag', 'true');
    const res = await fetch(`${sim.baseUrl}/system/documents`, { method: 'POST', headers: goodHeaders(), body: form });
    expect(res.status).toBe(201);
    const doc = await res.json();
    expect(doc).toMatchObject({ title: 'Screenshot 1', fileName: 'screen-1.png', size: bytes.length, imageFlag: true, publicFlag: false });
    expect(doc.content).toBeUndefined();

    const list = await api(`/system/documents?recordType=Ticket&recordId=${ticketId}`);
    expect(list.data.map((d: { id: number }) => d.id)).toContain(doc.id);
    const download = await fetch(`${sim.baseUrl}/system/documents/${doc.id}/download`, { headers: goodHeaders() });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    const log = sim.requests().find((r) => r.method === 'POST' && r.path === '/system/documents');
    expect(log?.body).toMatchObject({
      fields: { recordType: 'Ticket', title: 'Screenshot 1' },
      files: [{ field: 'file', filename: 'screen-1.png', contentType: 'image/png', size: bytes.length }],
    });
  });

  it('415 for a JSON upload, 400 for a missing record and for a list without record', async () => {
    const asJson = await api('/system/documents', { method: 'POST', json: { recordType: 'Ticket', recordId: 48201, title: 'x' } });
    expect(asJson.status).toBe(415);
    const form = new FormData();
    form.append('file', new Blob(['x']), 'a.txt');
    form.append('recordType', 'Ticket');
    form.append('recordId', '999999');
    const res = await fetch(`${sim.baseUrl}/system/documents`, { method: 'POST', headers: goodHeaders(), body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].field).toBe('recordId');
    expect((await api('/system/documents')).status).toBe(400);
  });
});

describe('callbacks and hosted setups', () => {
  it('CRUD on /system/callbacks with validation', async () => {
    const created = await api('/system/callbacks', {
      method: 'POST',
      json: { url: 'https://deskbell.example/api/connectwise/callback?recordId=', objectId: 1, type: 'ticket', level: 'board', description: 'Deskbell', inactiveFlag: false },
    });
    expect(created.status).toBe(201);
    const id = created.data.id;
    expect((await api(`/system/callbacks/${id}`)).data.url).toContain('deskbell.example');
    const updated = await api(`/system/callbacks/${id}`, {
      method: 'PUT',
      json: { ...created.data, inactiveFlag: true },
    });
    expect(updated.status).toBe(200);
    expect(updated.data.inactiveFlag).toBe(true);
    const missing = await api('/system/callbacks', { method: 'POST', json: { url: 'https://x.example/', type: 'ticket', level: 'board' } });
    expect(missing.data.errors[0]).toMatchObject({ code: 'MissingRequiredField', field: 'objectId' });
    const unknownBoard = await api('/system/callbacks', { method: 'POST', json: { url: 'https://x.example/', objectId: 77, type: 'ticket', level: 'board' } });
    expect(unknownBoard.status).toBe(400);
    expect((await api(`/system/callbacks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/system/callbacks/${id}`)).status).toBe(404);
  });

  it('creates a hosted pod setup', async () => {
    const res = await api('/system/connectwisehostedsetups', {
      method: 'POST',
      json: { screenId: 45, description: 'Deskbell', url: 'https://deskbell.example/pod?id=[cw_id]', type: 'Pod', origin: 'https://deskbell.example', podHeight: 400 },
    });
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({ type: 'Pod', createdBy: 'deskbell', disabledFlag: false });
    const bad = await api('/system/connectwisehostedsetups', { method: 'POST', json: { screenId: 45, description: 'x', url: 'https://x/', type: 'Window' } });
    expect(bad.status).toBe(400);
  });
});

describe('faults', () => {
  it('429 with a Retry-After header, consumed per matching request', async () => {
    sim.setFaults([{ kind: 'status', status: 429, times: 2, retryAfterSeconds: 3, match: { method: 'GET', path: '^/system/info$' } }]);
    const first = await api('/system/info');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.data.code).toBe('TooManyRequests');
    expect((await api('/service/sources')).status).toBe(200); // other paths unaffected
    expect((await api('/system/info')).status).toBe(429);
    expect((await api('/system/info')).status).toBe(200);
    expect(sim.requests().filter((r) => r.fault?.startsWith('status:429')).length).toBe(2);
  });

  it('5xx: 500 as Manage JSON, 503 as a proxy page', async () => {
    sim.setFaults([
      { kind: 'status', status: 500, times: 1, match: { path: '^/service/boards$' } },
      { kind: 'status', status: 503, times: 1, match: { path: '^/service/boards$' } },
    ]);
    const first = await api('/service/boards');
    expect(first.status).toBe(500);
    expect(first.data.code).toBe('ConnectWiseApi');
    const second = await api('/service/boards');
    expect(second.status).toBe(503);
    expect(second.headers.get('content-type')).toContain('text/html');
    expect((await api('/service/boards')).status).toBe(200);
  });

  it('reset destroys the connection without an answer', async () => {
    sim.setFaults([{ kind: 'reset', times: 1, match: { path: '^/service/impacts$' } }]);
    await expect(api('/service/impacts')).rejects.toThrow();
    expect(sim.requests().at(-1)).toMatchObject({ path: '/service/impacts', status: 0, fault: 'reset#0' });
    expect((await api('/service/impacts')).status).toBe(200);
  });

  it('hang never answers; the client times out', async () => {
    sim.setFaults([{ kind: 'hang', times: 1, match: { path: '^/service/severities$' } }]);
    const started = Date.now();
    await expect(api('/service/severities', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sim.requests().at(-1)).toMatchObject({ path: '/service/severities', status: 0, fault: 'hang#0' });
    expect((await api('/service/severities')).status).toBe(200);
  });

  it('commit-then-timeout performs the write but never answers', async () => {
    sim.setFaults([{ kind: 'commit-then-timeout', times: 1, match: { method: 'POST', path: '^/service/tickets$' } }]);
    await expect(
      api('/service/tickets', {
        method: 'POST',
        json: { summary: 'Committed', company: { id: 251 }, externalXRef: 'press-ctt-1' },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    const inStore = sim.store.tickets.filter((t) => t.externalXRef === 'press-ctt-1');
    expect(inStore).toHaveLength(1);
    const lookup = await api(`/service/tickets?conditions=${q('externalXRef="press-ctt-1"')}`);
    expect(lookup.data).toHaveLength(1);
  });

  it('latency delays matching answers', async () => {
    sim.setFaults([{ kind: 'latency', ms: 150, jitterMs: 20, match: { path: '^/service/sources$' } }]);
    const started = performance.now();
    expect((await api('/service/sources')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(sim.requests().at(-1)?.fault).toBe('latency#0');
  });

  it('down refuses every matching request until the deadline', async () => {
    const until = Date.now() + 1_000;
    sim.setFaults([{ kind: 'down', untilMs: until }]);
    await expect(api('/system/info')).rejects.toThrow();
    await expect(fetch(`${sim.url}/login/companyinfo/${DEMO_CREDENTIALS.companyId}`)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 50));
    expect((await api('/system/info')).status).toBe(200);
  });

  it('faults can be set over HTTP and invalid rules are refused', async () => {
    const put = await fetch(`${sim.url}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ kind: 'status', status: 502, times: 1 }]),
    });
    expect(put.status).toBe(200);
    expect((await api('/system/info')).status).toBe(502);
    const bad = await fetch(`${sim.url}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ kind: 'status', status: 418, times: 1 }]),
    });
    expect(bad.status).toBe(400);
    expect(() => sim.setFaults([{ kind: 'reset', times: 1, match: { path: '(' } }])).toThrow(/regular expression/);
  });

  it('close() ends hung requests and resolves quickly', async () => {
    const other = await startManageSim();
    other.setFaults([{ kind: 'hang', times: 5 }]);
    const pending = fetch(`${other.baseUrl}/system/info`, { headers: goodHeaders() }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('request log and admin', () => {
  it('records requests with the Authorization header redacted, in process and over HTTP', async () => {
    sim.clearRequests();
    await api('/service/priorities?pageSize=2');
    const [record] = sim.requests();
    expect(record).toMatchObject({ method: 'GET', path: '/service/priorities', query: { pageSize: '2' }, status: 200, fault: null });
    expect(record!.headers.authorization).toBe('Basic <redacted>');
    expect(record!.headers.clientid).toBe('<redacted>');
    const overHttp = await (await fetch(`${sim.url}/__sim/requests`)).json();
    const text = JSON.stringify(overHttp);
    expect(text).toContain('/service/priorities');
    expect(text).not.toContain(DEMO_CREDENTIALS.privateKey);
    expect(text).not.toContain(Buffer.from(`${DEMO_CREDENTIALS.companyId}+${DEMO_CREDENTIALS.publicKey}:${DEMO_CREDENTIALS.privateKey}`).toString('base64'));
  });

  it('reset restores the seed and state reports counts', async () => {
    await api('/service/tickets', { method: 'POST', json: { summary: 'temporary', company: { id: 251 } } });
    const empty = await fetch(`${sim.url}/__sim/reset`, { method: 'POST', body: JSON.stringify({ seed: 'empty' }) });
    expect((await empty.json()).companies).toBe(0);
    expect((await api('/system/info')).status).toBe(200); // the API member survives an empty seed
    sim.reset('demo');
    const state = await (await fetch(`${sim.url}/__sim/state`)).json();
    expect(state.tickets).toBe(7);
    expect(sim.store.tickets.find((t) => t.summary === 'temporary')).toBeUndefined();
  });
});
