// The Manage adapter against the real simulator (plain HTTP on 127.0.0.1, random port).
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addTicketNote,
  askCompanyInfo,
  collectAll,
  createCallback,
  createCompany,
  createContact,
  createHostedSetup,
  createManageClient,
  createLookupCache,
  createLookupTables,
  createTicket,
  deleteCallback,
  deleteHostedSetup,
  downloadDocument,
  findActiveConfigurationsByHostname,
  findCompanyByIdentifier,
  findContactsByEmail,
  findMemberByIdentifier,
  findTicketsByExternalXRef,
  getSystemInfo,
  getTicket,
  linkConfigurationToTicket,
  listBoards,
  listBoardStatuses,
  listCallbacks,
  listHostedSetups,
  listTicketDocuments,
  listTicketNotes,
  lookupCompanyInfo,
  ManageConfigError,
  ManageError,
  parseManageEndpoint,
  patchTicket,
  renderCondition,
  and,
  eq,
  resolveManageConnection,
  updateCallback,
  uploadTicketDocument,
  type ManageCallRecord,
  type ManageClient,
  type ManageClientOptions,
} from '@/lib/connectwise';
import { validateManageRequest } from '@/tests/support/openapi-contract';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';

let sim: ManageSim;
const openClients: ManageClient[] = [];

beforeAll(async () => {
  sim = await startManageSim({ port: 0, seed: 'demo' });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset('demo');
  sim.clearFaults();
  sim.clearRequests();
});

afterEach(async () => {
  // Every request the adapter sent must satisfy the official OpenAPI contract.
  const problems: string[] = [];
  for (const r of sim.requests()) {
    if (r.path.startsWith('/login/') || r.path.startsWith('/__sim/')) continue;
    const result = validateManageRequest({
      method: r.method,
      path: r.path,
      query: r.query,
      headers: r.headers,
      contentType: r.contentType,
      body: r.body,
    });
    problems.push(...result.errors.map((e) => `${r.method} ${r.path}: ${e}`));
  }
  await Promise.all(openClients.splice(0).map((c) => c.close()));
  expect(problems).toEqual([]);
});

function clientOptions(overrides: Partial<ManageClientOptions> = {}): ManageClientOptions {
  return {
    baseUrl: sim.baseUrl,
    ...sim.credentials,
    apiVersion: '2026.11',
    retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 5_000 },
    timeouts: { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 },
    ...overrides,
  };
}

function newClient(overrides: Partial<ManageClientOptions> = {}): ManageClient {
  const client = createManageClient(clientOptions(overrides));
  openClients.push(client);
  return client;
}

async function failureOf(promise: Promise<unknown>): Promise<ManageError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManageError) return error;
    throw error;
  }
  throw new Error('expected a ManageError');
}

const apiRequests = () => sim.requests().filter((r) => !r.path.startsWith('/__sim/') && !r.path.startsWith('/login/'));

describe('authentication', () => {
  it('sends Basic auth, the clientId header and the pinned Accept version on every call', async () => {
    const info = await getSystemInfo(newClient());
    expect(info.version).toMatch(/\d/);
    const [record] = apiRequests();
    expect(record?.headers.authorization).toBe('Basic <redacted>');
    expect(record?.headers.clientid).toBeDefined();
    expect(record?.headers.accept).toBe('application/vnd.connectwise.com+json; version=2026.11');
    expect(record?.status).toBe(200);
  });

  it('a wrong key gives a 401 that names what is wrong and never echoes the private key', async () => {
    const wrongPrivate = 'WrongPrivKey0042';
    const error = await failureOf(getSystemInfo(newClient({ privateKey: wrongPrivate })));
    expect(error).toMatchObject({ status: 401, kind: 'http', retryable: false, method: 'GET', path: '/system/info' });
    expect(error.message).toContain(`company id "${sim.credentials.companyId}"`);
    expect(error.message).toContain(`public key "${sim.credentials.publicKey}"`);
    for (const text of [error.message, JSON.stringify(error), String(error)]) {
      expect(text).not.toContain(wrongPrivate);
      expect(text).not.toContain(sim.credentials.privateKey);
    }
    expect(apiRequests()).toHaveLength(1);
  });

  it('refuses a client with an empty clientId before any request', () => {
    expect(() => createManageClient(clientOptions({ clientId: '' }))).toThrow(ManageConfigError);
    expect(() => createManageClient(clientOptions({ clientId: '' }))).toThrow(/clientId is missing/);
    expect(sim.requests()).toHaveLength(0);
  });

  it('maps Manage\u2019s 401 for an unknown clientId to a clear message without echoing it', async () => {
    const unknownClientId = '00000000-1111-2222-3333-444444444444';
    const error = await failureOf(getSystemInfo(newClient({ clientId: unknownClientId })));
    expect(error).toMatchObject({ status: 401, code: 'InvalidClientId', retryable: false });
    expect(error.message).toMatch(/clientId header is missing or not recognised/);
    expect(error.message).not.toContain(unknownClientId);
    expect(apiRequests()).toHaveLength(1);
  });
});

describe('retries', () => {
  it('waits out Retry-After on 429 twice, then succeeds', async () => {
    sim.setFaults([{ kind: 'status', status: 429, times: 2, retryAfterSeconds: 1, match: { path: '^/system/info$' } }]);
    const calls: ManageCallRecord[] = [];
    const started = performance.now();
    await getSystemInfo(newClient({ onCall: (c) => calls.push(c) }));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(apiRequests().map((r) => r.status)).toEqual([429, 429, 200]);
    expect(calls.map((c) => [c.attempt, c.status, c.error])).toEqual([
      [1, 429, 'TooManyRequests'],
      [2, 429, 'TooManyRequests'],
      [3, 200, undefined],
    ]);
    for (const c of calls) expect(c.path).toBe('/system/info');
  });

  it('caps a long Retry-After at maxDelayMs', async () => {
    sim.setFaults([{ kind: 'status', status: 429, times: 1, retryAfterSeconds: 30, match: { path: '^/system/info$' } }]);
    const started = performance.now();
    await getSystemInfo(newClient({ retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 200 } }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(apiRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries a 500 on a GET', async () => {
    sim.setFaults([{ kind: 'status', status: 500, times: 1, match: { path: '^/system/info$' } }]);
    await getSystemInfo(newClient());
    expect(apiRequests().map((r) => r.status)).toEqual([500, 200]);
  });

  it('gives up after maxRetries with a retryable error', async () => {
    sim.setFaults([{ kind: 'status', status: 503, times: 10, match: { path: '^/system/info$' } }]);
    const error = await failureOf(getSystemInfo(newClient({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10 } })));
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(apiRequests()).toHaveLength(3);
  });

  it('never retries a POST on 5xx unless the caller says it is idempotent', async () => {
    sim.setFaults([{ kind: 'status', status: 503, times: 1, match: { method: 'POST', path: '^/service/tickets$' } }]);
    const client = newClient();
    const error = await failureOf(createTicket(client, { summary: 'x', company: { identifier: 'AcmeMfg' } }));
    expect(error.status).toBe(503);
    expect(apiRequests()).toHaveLength(1);

    sim.setFaults([{ kind: 'status', status: 503, times: 1, match: { method: 'POST', path: '^/service/tickets$' } }]);
    sim.clearRequests();
    const res = await client.request({ method: 'POST', path: '/service/tickets', json: { summary: 'y', company: { identifier: 'AcmeMfg' } }, idempotent: true });
    expect(res.status).toBe(201);
    expect(apiRequests().map((r) => r.status)).toEqual([503, 201]);
  });

  it('never retries a 400', async () => {
    const error = await failureOf(
      newClient().request({ method: 'GET', path: '/company/contacts', query: { conditions: 'firstName = = "x"' } }),
    );
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(apiRequests()).toHaveLength(1);
  });

  it('retries a GET whose connection was reset', async () => {
    sim.setFaults([{ kind: 'reset', times: 1, match: { path: '^/system/info$' } }]);
    const calls: ManageCallRecord[] = [];
    await getSystemInfo(newClient({ onCall: (c) => calls.push(c) }));
    expect(apiRequests().map((r) => r.status)).toEqual([0, 200]);
    expect(calls[0]).toMatchObject({ attempt: 1, status: null, error: 'NetworkError' });
  });

  it('does not retry a POST whose connection was reset', async () => {
    sim.setFaults([{ kind: 'reset', times: 1, match: { method: 'POST' } }]);
    const error = await failureOf(createTicket(newClient(), { summary: 'x', company: { identifier: 'AcmeMfg' } }));
    expect(error).toMatchObject({ kind: 'network', code: 'NetworkError', retryable: true });
    expect(apiRequests()).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('times out a hung POST in the headers phase and does not retry it', async () => {
    sim.setFaults([{ kind: 'hang', times: 1, match: { method: 'POST', path: '^/service/tickets$' } }]);
    const client = newClient({ timeouts: { connectMs: 2_000, headersMs: 300, bodyMs: 2_000 } });
    const started = performance.now();
    const error = await failureOf(createTicket(client, { summary: 'hung', company: { identifier: 'AcmeMfg' } }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toMatchObject({ kind: 'timeout', phase: 'headers', code: 'Timeout', status: null, retryable: true });
    expect(apiRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('retries a hung GET after the headers timeout', async () => {
    sim.setFaults([{ kind: 'hang', times: 1, match: { path: '^/system/info$' } }]);
    const calls: ManageCallRecord[] = [];
    const client = newClient({ timeouts: { connectMs: 2_000, headersMs: 300, bodyMs: 2_000 }, onCall: (c) => calls.push(c) });
    await getSystemInfo(client);
    expect(calls.map((c) => c.error)).toEqual(['Timeout:headers', undefined]);
  });

  it('after a POST that committed and then timed out, the ticket is found by externalXRef instead of created twice', async () => {
    sim.setFaults([{ kind: 'commit-then-timeout', times: 1, match: { method: 'POST', path: '^/service/tickets$' } }]);
    const client = newClient({ timeouts: { connectMs: 2_000, headersMs: 300, bodyMs: 2_000 } });
    const externalXRef = `press-${randomUUID()}`;
    const error = await failureOf(createTicket(client, { summary: 'committed', company: { identifier: 'AcmeMfg' }, externalXRef }));
    expect(error.kind).toBe('timeout');
    const found = await findTicketsByExternalXRef(client, externalXRef);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ summary: 'committed', externalXRef });
  });
});

describe('pagination', () => {
  const companyId = 4_242;
  const matching = 3_000;

  function seedConfigurations() {
    const ours = { id: companyId, identifier: 'BulkCo', name: 'Bulk Co' };
    const other = { id: companyId + 1, identifier: 'OtherCo', name: 'Other Co' };
    // Non-matching records are interleaved so that a page that lost its conditions shows.
    for (let i = 0; i < matching; i++) {
      sim.store.configurations.insert({ name: `BULK-${i}`, company: ours, activeFlag: true, deviceIdentifier: `bulk-${i}` });
      if (i % 2 === 0) sim.store.configurations.insert({ name: `OTHER-${i}`, company: other, activeFlag: true });
      if (i % 3 === 0) sim.store.configurations.insert({ name: `OLD-${i}`, company: ours, activeFlag: false });
    }
  }
  const conditions = renderCondition(and(eq('company/id', companyId), eq('activeFlag', true)));

  it('follows Link rel="next" for 3 pages of 1000, keeping the conditions on every page', async () => {
    seedConfigurations();
    const pages: number[] = [];
    const all: { id: number; name: string }[] = [];
    for await (const page of newClient().paginate<{ id: number; name: string }>('/company/configurations', { conditions })) {
      pages.push(page.length);
      all.push(...page);
    }
    expect(pages).toEqual([1000, 1000, 1000]);
    expect(new Set(all.map((c) => c.id)).size).toBe(matching);
    expect(all.every((c) => c.name.startsWith('BULK-'))).toBe(true);
    const requests = apiRequests();
    expect(requests).toHaveLength(3);
    expect(requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
    for (const r of requests) {
      expect(r.query.conditions).toBe(conditions);
      expect(r.query.pageSize).toBe('1000');
    }
  });

  it('follows pageId in forward-only mode, keeping the conditions and sending no orderBy', async () => {
    seedConfigurations();
    const all = await collectAll(
      newClient().paginate<{ id: number; name: string }>('/company/configurations', { conditions }, { forwardOnly: true }),
    );
    expect(all).toHaveLength(matching);
    expect(new Set(all.map((c) => c.id)).size).toBe(matching);
    expect(all.every((c) => c.name.startsWith('BULK-'))).toBe(true);
    const requests = apiRequests();
    // A full last page cannot know that nothing follows: one more (empty) page ends the walk.
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.length).toBeLessThanOrEqual(4);
    for (const r of requests) {
      expect(r.headers['pagination-type']).toBe('forward-only');
      expect(r.query.conditions).toBe(conditions);
      expect(r.query.orderBy).toBeUndefined();
      expect(r.query.page).toBeUndefined();
    }
    expect(requests[0]?.query.pageId).toBeUndefined();
    expect(Number(requests[1]?.query.pageId)).toBe(all[999]?.id);
    expect(Number(requests[2]?.query.pageId)).toBe(all[1999]?.id);
  });

  it('stops at maxPages with an error instead of looping', async () => {
    seedConfigurations();
    const error = await failureOf(collectAll(newClient().paginate('/company/configurations', { conditions }, { pageSize: 100, maxPages: 2 })));
    expect(error.code).toBe('PageLimitExceeded');
    expect(apiRequests()).toHaveLength(2);
  });

  it('refuses orderBy with forward-only', async () => {
    await expect(collectAll(newClient().paginate('/company/configurations', { orderBy: 'id desc' }, { forwardOnly: true }))).rejects.toThrow(
      /orderBy/,
    );
    expect(apiRequests()).toHaveLength(0);
  });
});

describe('contacts and companies', () => {
  it('finds a contact by email with the Email childConditions', async () => {
    const contacts = await findContactsByEmail(newClient(), 'dana.whitfield@acme-mfg.example');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ firstName: 'Dana', lastName: 'Whitfield', emails: ['dana.whitfield@acme-mfg.example'] });
    expect(contacts[0]?.companyId).toEqual(expect.any(Number));
    expect(apiRequests()[0]?.query.childConditions).toBe(
      'communicationItems/value="dana.whitfield@acme-mfg.example" AND communicationItems/communicationType="Email"',
    );
  });

  it('an injection-shaped email matches nothing and reaches Manage escaped', async () => {
    const email = 'a"or id>0 or "@x.com';
    expect(await findContactsByEmail(newClient(), email)).toEqual([]);
    expect(apiRequests()[0]?.query.childConditions).toBe(
      'communicationItems/value="a\\"or id>0 or \\"@x.com" AND communicationItems/communicationType="Email"',
    );
  });

  it('an email that really contains quotes and backslashes finds exactly its contact', async () => {
    const client = newClient();
    const company = await findCompanyByIdentifier(client, 'AcmeMfg');
    expect(company).not.toBeNull();
    const odd = 'odd"\\quote@example.com';
    // Manage refuses such an address on create, but older records can hold anything.
    const created = sim.store.contacts.insert({
      firstName: 'Odd',
      lastName: 'Quote',
      company: { id: company!.id, identifier: company!.identifier, name: company!.name },
      communicationItems: [{ id: 99_001, type: { id: 1, name: 'Email' }, value: odd, communicationType: 'Email', defaultFlag: true }],
    });
    const found = await findContactsByEmail(client, odd);
    expect(found.map((c) => c.id)).toEqual([created.id]);
    expect(found[0]?.emails).toEqual([odd]);
  });

  it('creates a catch-all company and its unregistered contact', async () => {
    const client = newClient();
    const company = await createCompany(client, {
      identifier: 'DeskbellCatchAll',
      name: 'Unregistered users (Deskbell)',
      address: { line1: '1200 NW Naito Pkwy', city: 'Portland', state: 'OR' },
    });
    expect(company).toMatchObject({ identifier: 'DeskbellCatchAll', name: 'Unregistered users (Deskbell)' });
    expect(await findCompanyByIdentifier(client, 'DeskbellCatchAll')).toEqual(company);
    const contact = await createContact(client, { firstName: 'Unregistered', companyId: company.id, email: 'unregistered@helpdeskbuttons.com' });
    expect(contact).toMatchObject({ companyId: company.id, emails: ['unregistered@helpdeskbuttons.com'] });
    expect((await findContactsByEmail(client, 'unregistered@helpdeskbuttons.com')).map((c) => c.id)).toContain(contact.id);
  });

  it('finds a member by identifier, case-insensitively', async () => {
    const member = await findMemberByIdentifier(newClient(), 'DESKBELL_DEMO_NOT_A_MEMBER');
    expect(member).toBeNull();
    const members = sim.store.members.list();
    const someone = members.find((m) => m.licenseClass !== 'A') ?? members[0];
    const found = await findMemberByIdentifier(newClient(), someone!.identifier.toUpperCase());
    expect(found).toMatchObject({ id: someone!.id, identifier: someone!.identifier });
  });
});

describe('tickets, notes, configurations and documents', () => {
  async function boardAndStatus(client: ManageClient) {
    const board = (await listBoards(client)).find((b) => !b.inactive);
    expect(board).toBeDefined();
    const statuses = await listBoardStatuses(client, board!.id);
    expect(statuses.length).toBeGreaterThan(1);
    return { board: board!, statuses };
  }

  it('creates, gets, finds by externalXRef and patches a ticket', async () => {
    const client = newClient();
    const company = (await findCompanyByIdentifier(client, 'AcmeMfg'))!;
    const [contact] = await findContactsByEmail(client, 'dana.whitfield@acme-mfg.example');
    const { board, statuses } = await boardAndStatus(client);
    const externalXRef = `press-${randomUUID()}`;
    const created = await createTicket(client, {
      summary: `Printer on fire ${'!'.repeat(120)}`,
      company: { id: company.id },
      contactId: contact!.id,
      contactName: 'Dana Whitfield',
      contactEmailAddress: 'dana.whitfield@acme-mfg.example',
      boardId: board.id,
      statusId: statuses[0]!.id,
      impact: 'Medium',
      severity: 'High',
      externalXRef,
      initialDescription: 'It is on fire.\nReally.',
      initialInternalAnalysis: 'Host: ACME-PC-01',
      processNotifications: false,
    });
    expect(created.summary).toHaveLength(100);
    expect(created).toMatchObject({ companyId: company.id, contactId: contact!.id, boardId: board.id, statusId: statuses[0]!.id, externalXRef });
    expect(await getTicket(client, created.id)).toEqual(created);
    expect((await findTicketsByExternalXRef(client, externalXRef)).map((t) => t.id)).toEqual([created.id]);
    expect(await findTicketsByExternalXRef(client, `${externalXRef}-other`)).toEqual([]);

    const patched = await patchTicket(client, created.id, [
      { field: 'summary', value: 'Printer fixed' },
      { field: 'status', id: statuses[1]!.id },
    ]);
    expect(patched).toMatchObject({ id: created.id, summary: 'Printer fixed', statusId: statuses[1]!.id });
    expect(apiRequests().find((r) => r.method === 'PATCH')?.body).toEqual([
      { op: 'replace', path: 'summary', value: 'Printer fixed' },
      { op: 'replace', path: 'status', value: { id: statuses[1]!.id } },
    ]);

    const missing = await failureOf(getTicket(client, 999_999_999));
    expect(missing).toMatchObject({ status: 404, retryable: false });
  });

  it('adds internal and detail notes and lists them', async () => {
    const client = newClient();
    const ticket = await createTicket(client, { summary: 'Notes', company: { identifier: 'AcmeMfg' } });
    const internal = await addTicketNote(client, ticket.id, { text: 'Host: PC-1\nIP: 10.0.0.5', internal: true });
    const detail = await addTicketNote(client, ticket.id, { text: 'We are on it', detail: true, processNotifications: false });
    expect(internal).toMatchObject({ internal: true, detail: false, text: 'Host: PC-1\nIP: 10.0.0.5' });
    expect(detail).toMatchObject({ internal: false, detail: true });
    const notes = await listTicketNotes(client, ticket.id);
    expect(notes.map((n) => n.id)).toEqual(expect.arrayContaining([internal.id, detail.id]));
  });

  it('never sends a note without a display flag: Manage would refuse it, so the adapter refuses first', async () => {
    const client = newClient();
    const ticket = await createTicket(client, { summary: 'Note flags', company: { identifier: 'AcmeMfg' } });
    sim.clearRequests();
    for (const input of [{ text: 'Nowhere' }, { text: 'All false', detail: false, internal: false, resolution: false }, { text: 'Only notify', processNotifications: true }]) {
      await expect(addTicketNote(client, ticket.id, input)).rejects.toThrow(/Manage needs at least one flag/);
    }
    expect(apiRequests().filter((r) => r.method === 'POST')).toEqual([]);

    // Each flag alone is enough, and is sent as true with the other two as false.
    const resolution = await addTicketNote(client, ticket.id, { text: 'Fixed', resolution: true });
    expect(resolution).toMatchObject({ resolution: true, detail: false, internal: false });
    expect(apiRequests().find((r) => r.method === 'POST')?.body).toEqual({
      text: 'Fixed',
      detailDescriptionFlag: false,
      internalAnalysisFlag: false,
      resolutionFlag: true,
    });
  });

  it('finds active configurations by hostname (FQDN and short name), excluding inactive and other companies', async () => {
    const client = newClient();
    const company = { id: 777, identifier: 'HostCo', name: 'Host Co' };
    const other = { id: 778, identifier: 'OtherHostCo', name: 'Other Host Co' };
    const short = sim.store.configurations.insert({ name: 'PC-1', company, activeFlag: true });
    const full = sim.store.configurations.insert({ name: 'Reception', company, activeFlag: true, deviceIdentifier: 'pc-1.corp.local' });
    sim.store.configurations.insert({ name: 'PC-1', company, activeFlag: false });
    sim.store.configurations.insert({ name: 'PC-1', company: other, activeFlag: true });
    sim.store.configurations.insert({ name: 'PC-10', company, activeFlag: true });

    const found = await findActiveConfigurationsByHostname(client, company.id, 'PC-1.Corp.Local');
    expect(found.map((c) => c.id)).toEqual([full.id, short.id]);
    expect((await findActiveConfigurationsByHostname(client, company.id, 'pc-1')).map((c) => c.id)).toEqual([short.id]);
    expect(await findActiveConfigurationsByHostname(client, company.id, 'PC-2.corp.local')).toEqual([]);
    expect(apiRequests()[0]?.query.conditions).toBe(
      'company/id=777 AND activeFlag=true AND (name="PC-1.Corp.Local" OR deviceIdentifier="PC-1.Corp.Local" OR name="PC-1" OR deviceIdentifier="PC-1")',
    );

    const ticket = await createTicket(client, { summary: 'Config', company: { identifier: 'AcmeMfg' } });
    await linkConfigurationToTicket(client, ticket.id, full.id);
    const linked = await client.request<{ id: number }[]>({ method: 'GET', path: `/service/tickets/${ticket.id}/configurations` });
    expect(linked.data.map((c) => c.id)).toEqual([full.id]);
  });

  it('uploads a document and downloads the identical bytes', async () => {
    const client = newClient();
    const ticket = await createTicket(client, { summary: 'Screenshot', company: { identifier: 'AcmeMfg' } });
    const bytes = new Uint8Array(randomBytes(300_000));
    const uploaded = await uploadTicketDocument(client, {
      ticketId: ticket.id,
      filename: 'screen-1.png',
      contentType: 'image/png',
      bytes,
      title: 'Screen 1 at 10:42:07',
      privateFlag: true,
    });
    expect(uploaded.id).toEqual(expect.any(Number));
    const post = apiRequests().find((r) => r.method === 'POST' && r.path === '/system/documents');
    expect(post?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(post?.body).toEqual({
      fields: { recordType: 'Ticket', recordId: String(ticket.id), title: 'Screen 1 at 10:42:07', privateFlag: 'true' },
      files: [{ field: 'file', filename: 'screen-1.png', contentType: 'image/png', size: bytes.length }],
    });
    const listed = await listTicketDocuments(client, ticket.id);
    expect(listed.map((d) => d.id)).toEqual([uploaded.id]);
    const downloaded = await downloadDocument(client, uploaded.id);
    expect(downloaded.length).toBe(bytes.length);
    expect(Buffer.from(downloaded).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('callbacks and hosted setups', () => {
  it('creates, lists, replaces and deletes a callback', async () => {
    const client = newClient();
    const input = { url: 'https://deskbell.example/api/connectwise/callback?recordId=', objectId: 1, type: 'ticket', level: 'owner', description: 'Deskbell' };
    const created = await createCallback(client, input);
    expect(created).toMatchObject({ url: input.url, objectId: 1, type: 'ticket', level: 'owner', inactive: false });
    expect((await listCallbacks(client)).map((c) => c.id)).toContain(created.id);
    const updated = await updateCallback(client, created.id, { ...input, description: 'Deskbell (paused)', inactive: true });
    expect(updated).toMatchObject({ id: created.id, description: 'Deskbell (paused)', inactive: true });
    expect((await listCallbacks(client)).find((c) => c.id === created.id)?.inactive).toBe(true);
    await deleteCallback(client, created.id);
    expect((await listCallbacks(client)).map((c) => c.id)).not.toContain(created.id);
    const gone = await failureOf(deleteCallback(client, created.id));
    expect(gone.status).toBe(404);
  });

  it('creates, lists and deletes a hosted pod', async () => {
    const client = newClient();
    const created = await createHostedSetup(client, {
      screenId: 1,
      description: 'Deskbell',
      url: 'https://deskbell.example/pod?id=[cw_id]',
      type: 'Pod',
      podHeight: 450,
    });
    expect(created).toMatchObject({ type: 'Pod', origin: 'https://deskbell.example', url: 'https://deskbell.example/pod?id=[cw_id]' });
    expect((await listHostedSetups(client)).map((h) => h.id)).toContain(created.id);
    await deleteHostedSetup(client, created.id);
    expect((await listHostedSetups(client)).map((h) => h.id)).not.toContain(created.id);
  });
});

describe('lookup tables', () => {
  it('serves warm lookups without any HTTP request, and reloads after invalidation', async () => {
    const cache = createLookupCache({ ttlMs: 60_000 });
    const tables = createLookupTables(newClient(), cache);
    await tables.warm();
    const boards = await tables.boards();
    const boardId = boards[0]!.id;
    await Promise.all([
      tables.boardStatuses(boardId),
      tables.boardTypes(boardId),
      tables.boardSubTypes(boardId),
      tables.boardItems(boardId),
      tables.boardTeams(boardId),
    ]);
    expect(apiRequests().length).toBeGreaterThanOrEqual(11);

    sim.clearRequests();
    const statsBefore = cache.stats();
    const again = await Promise.all([
      tables.boards(),
      tables.priorities(),
      tables.sources(),
      tables.impacts(),
      tables.severities(),
      tables.members(),
      tables.boardStatuses(boardId),
      tables.boardTypes(boardId),
      tables.boardSubTypes(boardId),
      tables.boardItems(boardId),
      tables.boardTeams(boardId),
    ]);
    expect(apiRequests()).toHaveLength(0);
    expect(cache.stats().hits - statsBefore.hits).toBe(11);
    expect(cache.stats().loads).toBe(statsBefore.loads);
    expect(again[0]).toBe(boards);
    expect((await tables.priorities()).length).toBeGreaterThan(0);

    cache.invalidate('boards');
    await tables.boards();
    await tables.priorities();
    expect(apiRequests().map((r) => r.path)).toEqual(['/service/boards']);
  });

  it('shares one request between concurrent cold callers', async () => {
    const tables = createLookupTables(newClient(), createLookupCache({ ttlMs: 60_000 }));
    await Promise.all(Array.from({ length: 10 }, () => tables.priorities()));
    expect(apiRequests()).toHaveLength(1);
  });
});

describe('connection set-up', () => {
  const apiKey = () => `${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`;

  it('reads companyinfo from the simulator', async () => {
    const endpoint = parseManageEndpoint(sim.endpoint);
    if (!endpoint.ok) throw new Error(endpoint.problem.message);
    const info = await lookupCompanyInfo(endpoint.value, sim.credentials.companyId, { timeoutMs: 2_000 });
    expect(info).toMatchObject({ codebase: 'v4_6_release/', isCloud: false });
  });

  it('resolves what an admin typed into working client options', async () => {
    const resolved = await resolveManageConnection({ endpoint: sim.endpoint, apiKey: apiKey(), clientId: sim.credentials.clientId });
    if (!resolved.ok) throw new Error(resolved.problem.message);
    expect(resolved.value.baseUrl).toBe(sim.baseUrl);
    const client = createManageClient(resolved.value);
    openClients.push(client);
    expect((await getSystemInfo(client)).version).toBeTruthy();
  });

  it('keeps the typed codebase when companyinfo answers 404', async () => {
    const resolved = await resolveManageConnection({
      endpoint: sim.endpoint,
      apiKey: `no_such_company+${sim.credentials.publicKey}:${sim.credentials.privateKey}`,
      clientId: sim.credentials.clientId,
    });
    if (!resolved.ok) throw new Error(resolved.problem.message);
    expect(resolved.value.baseUrl).toBe(sim.baseUrl);
  });

  it('tells company info, an unknown company, a host that is not Manage and no answer apart', async () => {
    const endpoint = parseManageEndpoint(sim.endpoint);
    if (!endpoint.ok) throw new Error(endpoint.problem.message);
    const found = await askCompanyInfo(endpoint.value, sim.credentials.companyId, { connectMs: 2_000, answerMs: 2_000 });
    expect(found).toMatchObject({ kind: 'found', info: { codebase: 'v4_6_release/' } });
    expect(await askCompanyInfo(endpoint.value, 'no_such_company')).toEqual({ kind: 'unknown-company' });
    // A web server that is not Manage: 200 with a page, not company info.
    const notManage = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => notManage.listen(0, '127.0.0.1', resolve));
    try {
      const port = (notManage.address() as AddressInfo).port;
      const other = parseManageEndpoint(`127.0.0.1:${port}/v4_6_release`);
      if (!other.ok) throw new Error(other.problem.message);
      expect(await askCompanyInfo(other.value, 'acme')).toEqual({ kind: 'not-company-info', status: 200 });
      await expect(lookupCompanyInfo(other.value, 'acme')).rejects.toMatchObject({ kind: 'invalid_response', status: 200 });
    } finally {
      await new Promise((resolve) => notManage.close(resolve));
    }
    const closed = parseManageEndpoint('127.0.0.1:1/v4_6_release');
    if (!closed.ok) throw new Error(closed.problem.message);
    const unreachable = await askCompanyInfo(closed.value, 'acme', { connectMs: 1_000 });
    expect(unreachable).toMatchObject({ kind: 'unreachable', error: { code: 'ECONNREFUSED' } });
  });

  it('reports an endpoint nobody answers on, and malformed input, as problems', async () => {
    const unreachable = await resolveManageConnection({ endpoint: '127.0.0.1:1/v4_6_release', apiKey: apiKey(), clientId: sim.credentials.clientId });
    expect(unreachable).toMatchObject({ ok: false, problem: { field: 'endpoint', code: 'EndpointUnreachable' } });
    const badKey = await resolveManageConnection({ endpoint: sim.endpoint, apiKey: 'no-plus', clientId: sim.credentials.clientId });
    expect(badKey).toMatchObject({ ok: false, problem: { field: 'apiKey', code: 'ApiKeyMissingPlus' } });
  });
});
