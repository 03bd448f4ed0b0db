// Every request the adapter sends, and every answer the simulator gives, is checked against
// the official OpenAPI subset by our own checker (tests/support/openapi-contract.ts). The
// simulator only supplies the traffic: its request log is what gets validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addTicketNote,
  createCallback,
  createCompany,
  createContact,
  createHostedSetup,
  createManageClient,
  createTicket,
  deleteCallback,
  deleteHostedSetup,
  downloadDocument,
  findActiveConfigurationsByHostname,
  findCompaniesByName,
  findCompanyByIdentifier,
  findContactsByEmail,
  findMemberByIdentifier,
  findTicketsByExternalXRef,
  getCompany,
  getContact,
  getOwnMember,
  getSla,
  getSystemInfo,
  getTicket,
  linkConfigurationToTicket,
  listBoardItems,
  listBoards,
  listBoardStatuses,
  listBoardSubTypes,
  listBoardTeams,
  listBoardTypes,
  listCallbacks,
  listHostedSetups,
  listImpacts,
  listMembers,
  listPriorities,
  listSecurityRoleSettings,
  listSeverities,
  listSources,
  listTicketDocuments,
  listTicketNotes,
  patchTicket,
  updateCallback,
  uploadTicketDocument,
  type CreateTicketInput,
  type ManageClient,
} from '@/lib/connectwise';
import { PERMISSION_PROBES, probeManagePermission } from '@/lib/connectwise/permissions';
import { startManageSim, type ManageSim, type SimRequestRecord } from '@/tools/manage-sim';
import {
  listManageOperations,
  readManageMaxLength,
  validateManageRequest,
  validateManageResponse,
} from '@/tests/support/openapi-contract';

let sim: ManageSim;
let client: ManageClient;

beforeAll(async () => {
  sim = await startManageSim({ port: 0, seed: 'demo' });
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  client = createManageClient({ baseUrl: sim.baseUrl, companyId, publicKey, privateKey, clientId, retry: { maxRetries: 0 } });
});

afterAll(async () => {
  await client?.close();
  await sim?.close();
});

function apiRecords(): SimRequestRecord[] {
  return sim.requests().filter((r) => !r.path.startsWith('/__sim') && !r.path.startsWith('/login'));
}

/**
 * Runs `call` with a fresh request log, validates every request it made and returns the
 * records. Fails naming each violation, and fails if the expected operations were not hit.
 */
async function recordAndValidate<T>(expectedOperations: string[], call: () => Promise<T>): Promise<{ result: T; records: SimRequestRecord[] }> {
  sim.clearRequests();
  const result = await call();
  const records = apiRecords();
  const violations: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const check = validateManageRequest({ method: r.method, path: r.path, query: r.query, headers: r.headers, contentType: r.contentType, body: r.body });
    if (check.operationId) seen.add(check.operationId);
    violations.push(...check.errors.map((e) => `#${r.seq} ${e}`));
    if (r.status < 200 || r.status > 299) violations.push(`#${r.seq} ${r.method} ${r.path}: the simulator answered ${r.status}`);
  }
  expect(violations, violations.join('\n')).toEqual([]);
  expect([...seen].sort()).toEqual(expect.arrayContaining(expectedOperations));
  return { result, records };
}

function bodyOf(records: SimRequestRecord[], method: string, pathPattern: RegExp): Record<string, unknown> {
  const record = records.find((r) => r.method === method && pathPattern.test(r.path));
  if (!record) throw new Error(`no ${method} ${pathPattern} in the request log`);
  return record.body as Record<string, unknown>;
}

function firstOf<T>(items: readonly T[], what: string): T {
  const item = items[0];
  if (item === undefined) throw new Error(`the demo seed has no ${what}`);
  return item;
}

type Fixture = {
  companyId: number;
  companyIdentifier: string;
  contactId: number;
  boardId: number;
  statusId: number;
  typeId: number;
  subTypeId: number | undefined;
  itemId: number | undefined;
  teamId: number | undefined;
  priorityId: number;
  sourceId: number;
  ownerIdentifier: string;
  configuration: { id: number; name: string; companyId: number };
};

let fixture: Fixture;
let ticketId: number;
let documentId: number;
let callbackId: number;
let hostedSetupId: number;

describe('requests the adapter sends conform to the official contract', () => {
  it('lookup-table and system reads', async () => {
    const { result } = await recordAndValidate(
      [
        'getSystemInfo',
        'getServiceBoards',
        'getServiceBoardsByParentIdStatuses',
        'getServiceBoardsByParentIdTypes',
        'getServiceBoardsByParentIdSubtypes',
        'getServiceBoardsByParentIdItems',
        'getServiceBoardsByParentIdTeams',
        'getServicePriorities',
        'getServiceSources',
        'getServiceImpacts',
        'getServiceSeverities',
        'getSystemMembers',
        'getServiceSLAsById',
      ],
      async () => {
        await getSystemInfo(client);
        const boards = await listBoards(client);
        const board = firstOf(
          boards.filter((b) => !b.inactive && !b.projectFlag),
          'active service board',
        );
        const [statuses, types, subTypes, items, teams] = await Promise.all([
          listBoardStatuses(client, board.id),
          listBoardTypes(client, board.id),
          listBoardSubTypes(client, board.id),
          listBoardItems(client, board.id),
          listBoardTeams(client, board.id),
        ]);
        const [priorities, sources] = await Promise.all([listPriorities(client), listSources(client), listImpacts(client), listSeverities(client)]);
        const members = await listMembers(client);
        await getSla(client, firstOf(sim.store.slas.list(), 'SLA').id);
        return { board, statuses, types, subTypes, items, teams, priorities, sources, members };
      },
    );
    const company = firstOf(
      sim.store.companies.list().filter((c) => !c.deletedFlag),
      'company',
    );
    const configuration = firstOf(
      sim.store.configurations.list().filter((c) => c.activeFlag !== false && c.company.id !== undefined),
      'active configuration',
    );
    const contact = firstOf(
      sim.store.contacts.list().filter((c) => c.company?.id === company.id),
      'contact of the first company',
    );
    fixture = {
      companyId: company.id,
      companyIdentifier: company.identifier,
      contactId: contact.id,
      boardId: result.board.id,
      statusId: firstOf(result.statuses, 'board status').id,
      typeId: firstOf(result.types, 'board type').id,
      subTypeId: result.subTypes[0]?.id,
      itemId: result.items[0]?.id,
      teamId: result.teams[0]?.id,
      priorityId: firstOf(result.priorities, 'priority').id,
      sourceId: firstOf(result.sources, 'source').id,
      ownerIdentifier: firstOf(result.members, 'member').identifier,
      configuration: { id: configuration.id, name: configuration.name, companyId: configuration.company.id as number },
    };
    expect(fixture.boardId).toBeGreaterThan(0);
  });

  it('ticket create with every field the adapter writes', async () => {
    const input: CreateTicketInput = {
      summary: 'Outlook keeps asking for my password',
      company: { id: fixture.companyId },
      contactId: fixture.contactId,
      contactName: 'Jane Doe',
      contactEmailAddress: 'jane.doe@example.com',
      boardId: fixture.boardId,
      statusId: fixture.statusId,
      typeId: fixture.typeId,
      ...(fixture.subTypeId === undefined ? {} : { subTypeId: fixture.subTypeId }),
      ...(fixture.itemId === undefined ? {} : { itemId: fixture.itemId }),
      ...(fixture.teamId === undefined ? {} : { teamId: fixture.teamId }),
      priorityId: fixture.priorityId,
      sourceId: fixture.sourceId,
      owner: { identifier: fixture.ownerIdentifier },
      impact: 'Medium',
      severity: 'High',
      externalXRef: 'press_01JCONTRACTTEST0000000001',
      initialDescription: 'What happened:\nOutlook asks for the password again and again.',
      initialInternalAnalysis: 'Host: WS-0042\nOS: Windows 11 23H2',
      processNotifications: false,
      skipCallback: true,
    };
    const { result, records } = await recordAndValidate(['postServiceTickets'], () => createTicket(client, input));
    ticketId = result.id;
    const body = bodyOf(records, 'POST', /^\/service\/tickets$/);
    // Every field we pass must reach Manage (a dropped field would pass the contract silently).
    expect(Object.keys(body).sort()).toEqual(
      [
        'summary', 'company', 'contact', 'contactName', 'contactEmailAddress', 'board', 'status', 'type', 'priority', 'source', 'owner',
        'impact', 'severity', 'externalXRef', 'initialDescription', 'initialInternalAnalysis', 'processNotifications', 'skipCallback',
        ...(fixture.subTypeId === undefined ? [] : ['subType']),
        ...(fixture.itemId === undefined ? [] : ['item']),
        ...(fixture.teamId === undefined ? [] : ['team']),
      ].sort(),
    );
  });

  it('ticket create by company identifier', async () => {
    await recordAndValidate(['postServiceTickets'], () =>
      createTicket(client, { summary: 'Minimal ticket', company: { identifier: fixture.companyIdentifier } }),
    );
  });

  it('cuts a 300-character summary to the official 100 and a 100-character contact name to 62', async () => {
    expect(readManageMaxLength('Ticket', 'summary')).toBe(100);
    expect(readManageMaxLength('Ticket', 'contactName')).toBe(62);
    const { records } = await recordAndValidate(['postServiceTickets'], () =>
      createTicket(client, {
        summary: `Long ${'word '.repeat(60)}`.slice(0, 300).padEnd(300, 'x'),
        company: { id: fixture.companyId },
        contactName: 'N'.repeat(100),
      }),
    );
    const body = bodyOf(records, 'POST', /^\/service\/tickets$/);
    expect(typeof body.summary).toBe('string');
    expect((body.summary as string).length).toBeLessThanOrEqual(100);
    expect((body.summary as string).length).toBeGreaterThan(50);
    expect((body.contactName as string).length).toBeLessThanOrEqual(62);
    expect((body.contactName as string).length).toBeGreaterThan(30);
  });

  it('ticket patch (scalars and references, over-long values cut)', async () => {
    const { records } = await recordAndValidate(['patchServiceTicketsById'], () =>
      patchTicket(client, ticketId, [
        { field: 'summary', value: 'S'.repeat(150) },
        { field: 'contactName', value: 'C'.repeat(100) },
        { field: 'impact', value: 'High' },
        { field: 'severity', value: 'Low' },
        { field: 'status', id: fixture.statusId },
        { field: 'priority', id: fixture.priorityId },
        { field: 'owner', identifier: fixture.ownerIdentifier },
      ]),
    );
    const ops = bodyOf(records, 'PATCH', /^\/service\/tickets\/\d+$/) as unknown as { path: string; value: unknown }[];
    expect((ops.find((o) => o.path === 'summary')?.value as string).length).toBeLessThanOrEqual(100);
    expect((ops.find((o) => o.path === 'contactName')?.value as string).length).toBeLessThanOrEqual(62);
  });

  it('ticket reads and externalXRef lookup', async () => {
    await recordAndValidate(['getServiceTicketsById', 'getServiceTickets'], async () => {
      await getTicket(client, ticketId);
      expect(await findTicketsByExternalXRef(client, 'press_01JCONTRACTTEST0000000001')).toHaveLength(1);
      // A quote and backslash in the value must still produce a contract-valid query.
      await findTicketsByExternalXRef(client, 'we"ird\\ref');
    });
  });

  it('notes: detail, internal and resolution, then list', async () => {
    await recordAndValidate(['postServiceTicketsByParentIdNotes', 'getServiceTicketsByParentIdNotes'], async () => {
      await addTicketNote(client, ticketId, { text: 'Line one\nLine two', detail: true, processNotifications: false });
      await addTicketNote(client, ticketId, { text: 'Internal: host details attached', internal: true });
      await addTicketNote(client, ticketId, { text: 'Fixed', resolution: true, processNotifications: true });
      expect((await listTicketNotes(client, ticketId)).length).toBeGreaterThanOrEqual(3);
    });
  });

  it('document upload form, list and download', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
    const { records } = await recordAndValidate(
      ['postSystemDocuments', 'getSystemDocuments', 'getSystemDocumentsByIdDownload'],
      async () => {
        const doc = await uploadTicketDocument(client, {
          ticketId,
          filename: 'C:\\Users\\jane\\screen "1".png',
          contentType: 'image/png',
          bytes,
          title: 'Screenshot 1',
          privateFlag: true,
        });
        documentId = doc.id;
        expect((await listTicketDocuments(client, ticketId)).some((d) => d.id === doc.id)).toBe(true);
        expect(Array.from(await downloadDocument(client, doc.id))).toEqual(Array.from(bytes));
      },
    );
    const upload = records.find((r) => r.method === 'POST' && r.path === '/system/documents');
    expect(upload?.contentType).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('configuration lookup by hostname and link to the ticket', async () => {
    await recordAndValidate(['getCompanyConfigurations', 'postServiceTicketsByParentIdConfigurations'], async () => {
      const found = await findActiveConfigurationsByHostname(client, fixture.configuration.companyId, fixture.configuration.name);
      expect(found.map((c) => c.id)).toContain(fixture.configuration.id);
      await linkConfigurationToTicket(client, ticketId, fixture.configuration.id);
    });
  });

  it('callback create, update (PUT), list and delete', async () => {
    await recordAndValidate(['postSystemCallbacks', 'putSystemCallbacksById', 'getSystemCallbacks', 'deleteSystemCallbacksById'], async () => {
      const created = await createCallback(client, {
        url: 'https://deskbell.example.com/api/connectwise/callback?recordId=',
        objectId: fixture.boardId,
        type: 'ticket',
        level: 'board',
        description: `Deskbell ${'d'.repeat(150)}`,
        selfSuppressed: true,
      });
      callbackId = created.id;
      await updateCallback(client, callbackId, {
        url: 'https://deskbell.example.com/api/connectwise/callback?recordId=',
        objectId: 1,
        type: 'ticket',
        level: 'owner',
        inactive: true,
      });
      await listCallbacks(client);
      const doomed = await createCallback(client, { url: 'https://x.example.com/cb?recordId=', objectId: 1, type: 'ticket', level: 'owner' });
      await deleteCallback(client, doomed.id);
    });
  });

  it('company and contact create, then lookups', async () => {
    await recordAndValidate(
      ['postCompanyCompanies', 'postCompanyContacts', 'getCompanyCompanies', 'getCompanyCompaniesById', 'getCompanyContacts', 'getCompanyContactsById'],
      async () => {
        const company = await createCompany(client, {
          identifier: 'DeskbellCatchAll',
          name: `Deskbell catch-all ${'n'.repeat(200)}`,
          address: { line1: 'Unknown', city: 'Nowhere' },
        });
        const contact = await createContact(client, {
          firstName: 'Unregistered',
          lastName: 'Contact',
          companyId: company.id,
          email: 'unregistered@deskbell.example.com',
        });
        expect(await findCompanyByIdentifier(client, 'DeskbellCatchAll')).not.toBeNull();
        await findCompaniesByName(client, 'Deskbell "quoted" name');
        await getCompany(client, company.id);
        expect((await findContactsByEmail(client, 'unregistered@deskbell.example.com')).map((c) => c.id)).toContain(contact.id);
        await getContact(client, contact.id);
      },
    );
  });

  it('hosted setup (pod) create, list and delete', async () => {
    await recordAndValidate(
      ['postSystemConnectwisehostedsetups', 'getSystemConnectwisehostedsetups', 'deleteSystemConnectwisehostedsetupsById'],
      async () => {
        const created = await createHostedSetup(client, {
          screenId: 1,
          description: `Deskbell replay ${'p'.repeat(80)}`,
          url: 'https://deskbell.example.com/pod?id=[cw_id]&screen=[cw_screen]',
          type: 'Pod',
          podHeight: 400,
        });
        hostedSetupId = created.id;
        await listHostedSetups(client);
        const tab = await createHostedSetup(client, { screenId: 1, description: 'Deskbell tab', url: 'https://deskbell.example.com/tab?id=[cw_id]', type: 'Tab' });
        await deleteHostedSetup(client, tab.id);
      },
    );
  });

  it('member lookup by identifier', async () => {
    await recordAndValidate(['getSystemMembers'], async () => {
      expect(await findMemberByIdentifier(client, fixture.ownerIdentifier)).not.toBeNull();
    });
  });

  it('own member and its security role settings', async () => {
    const { result } = await recordAndValidate(['getSystemMyMembers', 'getSystemSecurityRolesByParentIdSettings'], async () => {
      const own = await getOwnMember(client);
      return { own, settings: await listSecurityRoleSettings(client, own.securityRole!.id) };
    });
    expect(result.own).toMatchObject({ identifier: 'deskbell', securityRole: { id: 63, name: 'API Integration' } });
    expect(result.settings.find((s) => s.functionName === 'Service Tickets')).toMatchObject({ moduleName: 'Service Desk', add: 'All', inquire: 'All' });
  });
});

describe('permission test requests', () => {
  // Built to be refused for their content: these two break the contract on purpose, nothing else may.
  const onPurpose: Record<string, RegExp> = {
    'POST /service/tickets': /^POST \/service\/tickets \(postServiceTickets\) body: missing required property "summary"$/,
    'POST /system/documents': /^POST \/system\/documents \(postSystemDocuments\) form file file: the file part is missing$/,
  };

  it('each matches an official operation and its parameters, and breaks only the content rules it breaks on purpose', async () => {
    const operations = new Set<string>();
    for (const probe of PERMISSION_PROBES) {
      sim.clearRequests();
      const { verdict } = await probeManagePermission(client, probe);
      expect(verdict, probe.id).toBe('pass');
      const records = apiRecords();
      expect(records.map((r) => `${r.method} ${r.path}`), probe.id).toEqual(probe.calls.map((c) => `${c.method} ${c.path}`));
      records.forEach((r, i) => {
        const check = validateManageRequest({ method: r.method, path: r.path, query: r.query, headers: r.headers, contentType: r.contentType, body: r.body });
        expect(check.operationId, `${r.method} ${r.path}`).toBeDefined();
        operations.add(check.operationId!);
        const allowed = probe.calls[i]!.expect === 'refused' ? onPurpose[`${r.method} ${r.path}`] : undefined;
        const unexpected = check.errors.filter((e) => !allowed?.test(e));
        expect(unexpected, `${probe.id}: ${r.method} ${r.path}`).toEqual([]);
      });
    }
    expect(operations.size).toBe(13);
  });
});

function simHeaders(): Record<string, string> {
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  return {
    authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`,
    clientId,
    accept: 'application/vnd.connectwise.com+json; version=2026.11',
  };
}

describe('simulator responses to reads conform to the official contract', () => {
  let paths: Record<string, string>;

  beforeAll(() => {
    // The request suite above created one of everything; fill each template from it.
    if (ticketId === undefined || documentId === undefined || callbackId === undefined || hostedSetupId === undefined) {
      throw new Error('the request suite did not create the records the response checks need');
    }
    const sla = firstOf(sim.store.slas.list(), 'SLA').id;
    const member = firstOf(sim.store.members.list(), 'member').id;
    const apiRole = (sim.store.members.get(sim.store.settings.apiMemberId) as { securityRole?: { id: number } } | undefined)?.securityRole?.id;
    if (apiRole === undefined) throw new Error('the demo API member has no security role');
    const b = fixture.boardId;
    paths = {
      '/company/companies': '/company/companies',
      '/company/companies/{id}': `/company/companies/${fixture.companyId}`,
      '/company/companies/statuses': '/company/companies/statuses',
      '/company/companies/types': '/company/companies/types',
      '/company/configurations': '/company/configurations',
      '/company/configurations/{id}': `/company/configurations/${fixture.configuration.id}`,
      '/company/contacts': '/company/contacts',
      '/company/contacts/{id}': `/company/contacts/${fixture.contactId}`,
      '/service/boards': '/service/boards',
      '/service/boards/{parentId}/items': `/service/boards/${b}/items`,
      '/service/boards/{parentId}/statuses': `/service/boards/${b}/statuses`,
      '/service/boards/{parentId}/subtypes': `/service/boards/${b}/subtypes`,
      '/service/boards/{parentId}/teams': `/service/boards/${b}/teams`,
      '/service/boards/{parentId}/types': `/service/boards/${b}/types`,
      '/service/impacts': '/service/impacts',
      '/service/priorities': '/service/priorities',
      '/service/severities': '/service/severities',
      '/service/SLAs/{id}': `/service/SLAs/${sla}`,
      '/service/sources': '/service/sources',
      '/service/tickets': '/service/tickets',
      '/service/tickets/{id}': `/service/tickets/${ticketId}`,
      '/service/tickets/{parentId}/configurations': `/service/tickets/${ticketId}/configurations`,
      '/service/tickets/{parentId}/notes': `/service/tickets/${ticketId}/notes`,
      '/system/callbacks': '/system/callbacks',
      '/system/callbacks/{id}': `/system/callbacks/${callbackId}`,
      '/system/connectwisehostedsetups': '/system/connectwisehostedsetups',
      '/system/connectWiseHostedScreens': '/system/connectWiseHostedScreens',
      '/system/connectwisehostedsetups/{id}': `/system/connectwisehostedsetups/${hostedSetupId}`,
      '/system/documents': `/system/documents?recordType=Ticket&recordId=${ticketId}`,
      '/system/documents/{id}': `/system/documents/${documentId}`,
      '/system/documents/{id}/download': `/system/documents/${documentId}/download`,
      '/system/info': '/system/info',
      '/system/members': '/system/members',
      '/system/members/{id}': `/system/members/${member}`,
      '/system/myMembers': '/system/myMembers',
      '/system/myMembers/info': '/system/myMembers/info',
      '/system/securityRoles/{parentId}/settings': `/system/securityRoles/${apiRole}/settings`,
    };
  });

  const getOperations = listManageOperations().filter((o) => o.method === 'GET');

  it.each(getOperations.map((o) => [o.operationId, o.template] as const))('%s (GET %s)', async (operationId, template) => {
    const concrete = paths[template];
    if (!concrete) throw new Error(`no sample path for ${template}: add it to the table above`);
    const res = await fetch(`${sim.baseUrl}${concrete}`, {
      headers: simHeaders(),
      signal: AbortSignal.timeout(10_000),
    });
    const contentType = res.headers.get('content-type');
    const isBinary = template.endsWith('/download');
    const body: unknown = isBinary ? new Uint8Array(await res.arrayBuffer()) : await res.json();
    expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
    if (Array.isArray(body)) expect(body.length, 'an empty list would validate nothing').toBeGreaterThan(0);
    const check = validateManageResponse({ method: 'GET', path: concrete, status: res.status, contentType: isBinary ? null : contentType, body });
    expect(check.operationId).toBe(operationId);
    expect(check.errors, check.errors.join('\n')).toEqual([]);
  });
});

type WriteCase = { path: string; json?: unknown; form?: FormData };

/** Sends a write straight to the simulator (no adapter) and returns status, content type and body. */
async function sendWrite(method: string, write: WriteCase): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const headers = simHeaders();
  if (write.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.baseUrl}${write.path}`, {
    method,
    headers,
    body: write.form ?? (write.json === undefined ? undefined : JSON.stringify(write.json)),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), body: text === '' ? null : (JSON.parse(text) as unknown) };
}

describe('simulator responses to writes conform to the official contract', () => {
  let serial = 0;
  const unique = () => `${Date.now().toString(36)}${++serial}`;
  const callbackBody = () => ({ url: `https://deskbell.example.com/cb/${unique()}?recordId=`, objectId: 1, type: 'ticket', level: 'owner', description: 'Deskbell' });
  const hostedBody = () => ({ screenId: 1, description: 'Deskbell pod', url: `https://deskbell.example.com/pod/${unique()}?id=[cw_id]`, type: 'Pod', origin: 'https://deskbell.example.com' });
  async function createdId(path: string, json: unknown): Promise<number> {
    const res = await sendWrite('POST', { path, json });
    if (res.status !== 201) throw new Error(`setup POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return (res.body as { id: number }).id;
  }

  // The request bodies are minimal contract-valid ones (checked below before sending), so a
  // failure here is about the simulator's answer, not about what we sent.
  const cases: Record<string, () => Promise<WriteCase>> = {
    postServiceTickets: async () => ({
      path: '/service/tickets',
      json: { summary: 'Response check', company: { id: fixture.companyId }, initialDescription: 'Only for POST', externalXRef: unique() },
    }),
    patchServiceTicketsById: async () => ({ path: `/service/tickets/${ticketId}`, json: [{ op: 'replace', path: 'status', value: { id: fixture.statusId } }] }),
    postServiceTicketsByParentIdNotes: async () => ({ path: `/service/tickets/${ticketId}/notes`, json: { text: 'Note', detailDescriptionFlag: true } }),
    postServiceTicketsByParentIdConfigurations: async () => {
      // A fresh ticket: the configuration is already attached to the suite's ticket.
      const fresh = await createdId('/service/tickets', { summary: 'Configuration link check', company: { id: fixture.configuration.companyId } });
      return { path: `/service/tickets/${fresh}/configurations`, json: { id: fixture.configuration.id } };
    },
    postSystemDocuments: async () => {
      const form = new FormData();
      form.set('file', new File([new Uint8Array([1, 2, 3])], 'note.txt', { type: 'text/plain' }));
      form.set('recordType', 'Ticket');
      form.set('recordId', String(ticketId));
      form.set('title', 'Response check');
      form.set('privateFlag', 'false');
      return { path: '/system/documents', form };
    },
    postSystemCallbacks: async () => ({ path: '/system/callbacks', json: callbackBody() }),
    putSystemCallbacksById: async () => {
      const id = await createdId('/system/callbacks', callbackBody());
      return { path: `/system/callbacks/${id}`, json: { ...callbackBody(), inactiveFlag: true } };
    },
    deleteSystemCallbacksById: async () => ({ path: `/system/callbacks/${await createdId('/system/callbacks', callbackBody())}` }),
    postCompanyCompanies: async () => ({ path: '/company/companies', json: { identifier: `Resp${unique()}`, name: 'Response check', addressLine1: '1 Main St' } }),
    postCompanyCompaniesStatuses: async () => ({ path: '/company/companies/statuses', json: { name: `Status ${unique()}` } }),
    postCompanyCompaniesTypes: async () => ({ path: '/company/companies/types', json: { name: `Type ${unique()}` } }),
    postCompanyContacts: async () => ({
      path: '/company/contacts',
      json: { firstName: 'Resp', company: { id: fixture.companyId }, communicationItems: [{ type: { name: 'Email' }, value: `${unique()}@example.com`, communicationType: 'Email', defaultFlag: true }] },
    }),
    postSystemConnectwisehostedsetups: async () => ({ path: '/system/connectwisehostedsetups', json: hostedBody() }),
    putSystemConnectwisehostedsetupsById: async () => {
      const id = await createdId('/system/connectwisehostedsetups', hostedBody());
      return { path: `/system/connectwisehostedsetups/${id}`, json: { ...hostedBody(), disabledFlag: true } };
    },
    deleteSystemConnectwisehostedsetupsById: async () => ({
      path: `/system/connectwisehostedsetups/${await createdId('/system/connectwisehostedsetups', hostedBody())}`,
    }),
  };

  const writeOperations = listManageOperations().filter((o) => o.method !== 'GET');

  // The official text: "at least one address field is required -- addressLine1, addressLine2,
  // city, state, zip and/or country". The adapter accepts any of them, so the simulator must too.
  it('accepts a company whose only address field is any of those the contract lists', async () => {
    const refused: string[] = [];
    for (const field of ['addressLine2', 'city', 'state', 'zip']) {
      const json = { identifier: `Addr${unique()}`, name: 'Address rule check', [field]: 'X1' };
      expect(validateManageRequest({ method: 'POST', path: '/company/companies', headers: simHeaders(), contentType: 'application/json', body: json }).errors).toEqual([]);
      const res = await sendWrite('POST', { path: '/company/companies', json });
      if (res.status !== 201) refused.push(`${field} only -> ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(refused, `the simulator refuses contract-valid companies:\n${refused.join('\n')}`).toEqual([]);
  });

  it.each(writeOperations.map((o) => [o.operationId, o.method, o.template] as const))('%s (%s %s)', async (operationId, method, template) => {
    if (ticketId === undefined) throw new Error('the request suite did not create the ticket the write checks need');
    const build = cases[operationId];
    if (!build) throw new Error(`no write case for ${operationId} (${template}): add one to the table above`);
    const write = await build();
    const sent = validateManageRequest({
      method,
      path: write.path,
      headers: { ...simHeaders(), ...(write.json === undefined ? {} : { 'content-type': 'application/json' }) },
      contentType: write.form ? 'multipart/form-data; boundary=x' : write.json === undefined ? null : 'application/json',
      body: write.form ?? write.json,
    });
    expect(sent.errors, `the test's own request is invalid:\n${sent.errors.join('\n')}`).toEqual([]);
    const res = await sendWrite(method, write);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBeGreaterThanOrEqual(200);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBeLessThan(300);
    const check = validateManageResponse({ method, path: write.path, status: res.status, contentType: res.body === null ? null : res.contentType, body: res.body });
    expect(check.operationId).toBe(operationId);
    expect(check.errors, check.errors.join('\n')).toEqual([]);
  });
});
