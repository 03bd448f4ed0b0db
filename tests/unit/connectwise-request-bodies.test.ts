// What our create/update functions send, checked against the official OpenAPI subset
// (types, enums, required fields, "Max length" in descriptions) without any server.
import { describe, expect, it } from 'vitest';
import { createCallback, updateCallback } from '@/lib/connectwise/callbacks';
import type { ManageClient, ManageRequest } from '@/lib/connectwise/client';
import { parseLinkHeader, parseRetryAfter } from '@/lib/connectwise/client';
import { createCompany } from '@/lib/connectwise/companies';
import { linkConfigurationToTicket } from '@/lib/connectwise/configurations';
import { createContact } from '@/lib/connectwise/contacts';
import { uploadTicketDocument } from '@/lib/connectwise/documents';
import { ManageError } from '@/lib/connectwise/errors';
import { createHostedSetup } from '@/lib/connectwise/hosted-setups';
import { addTicketNote } from '@/lib/connectwise/notes';
import { truncateText } from '@/lib/connectwise/parsing';
import { buildTicketBody, createTicket, patchTicket, ticketLimits } from '@/lib/connectwise/tickets';
import { readManageMaxLength, validateManageRequest, type RecordedMultipart } from '@/tests/support/openapi-contract';

const clientIdHeader = { clientId: '3c2f6a3e-2b4c-4c8f-9d0e-0d6b5c1e7f21' };

type Sent = { method: string; path: string; body: unknown; contentType: string | null };

/** A ManageClient double that records requests and answers with the given record. */
function recordingClient(answer: (req: ManageRequest) => unknown): { client: ManageClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const client: ManageClient = {
    async request<T>(req: ManageRequest) {
      let body: unknown = req.json;
      let contentType: string | null = req.json === undefined ? null : 'application/json';
      if (req.form) {
        const recorded: RecordedMultipart = { fields: {}, files: [] };
        for (const [field, value] of req.form.entries()) {
          if (typeof value === 'string') recorded.fields[field] = value;
          else recorded.files.push({ field, filename: value.name, contentType: value.type, size: value.size });
        }
        body = recorded;
        contentType = 'multipart/form-data; boundary=x';
      }
      sent.push({ method: req.method, path: req.path, body, contentType });
      return { status: 201, headers: {}, data: answer(req) as T };
    },
    async requestBytes() {
      throw new Error('not used');
    },
    async *paginate() {
      yield [];
    },
    async close() {},
  };
  return { client, sent };
}

function expectContract(sent: Sent) {
  const headers = sent.contentType ? { ...clientIdHeader, 'content-type': sent.contentType } : clientIdHeader;
  const result = validateManageRequest({ method: sent.method, path: sent.path, headers, contentType: sent.contentType, body: sent.body });
  expect(result.errors).toEqual([]);
}

const ticketAnswer = { id: 501, summary: 's', company: { id: 2, identifier: 'Catchall', name: 'Catch-all' } };

describe('maximum lengths', () => {
  it('uses the contract\u2019s limits', () => {
    expect(ticketLimits.summary).toBe(readManageMaxLength('Ticket', 'summary'));
    expect(ticketLimits.contactName).toBe(readManageMaxLength('Ticket', 'contactName'));
    expect(ticketLimits.contactEmailAddress).toBe(readManageMaxLength('Ticket', 'contactEmailAddress'));
    expect(ticketLimits.externalXRef).toBe(readManageMaxLength('Ticket', 'externalXRef'));
  });

  it('cuts with an ellipsis, never in the middle of a surrogate pair', () => {
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('abcd', 3)).toBe('ab\u2026');
    const cut = truncateText(`a${'\u{1F525}'.repeat(5)}`, 4);
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(cut).toBe('a\u{1F525}\u2026');
  });
});

describe('createTicket', () => {
  it('sends a minimal ticket that satisfies the contract', async () => {
    const { client, sent } = recordingClient(() => ticketAnswer);
    const ticket = await createTicket(client, { summary: 'Printer on fire', company: { id: 2 } });
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/service/tickets', body: { summary: 'Printer on fire', company: { id: 2 } } });
    expect(Object.keys(sent[0]?.body as object)).toEqual(['summary', 'company']);
    expectContract(sent[0] as Sent);
    expect(ticket).toMatchObject({ id: 501, companyId: 2, companyIdentifier: 'Catchall', boardId: null, closedFlag: false });
  });

  it('maps every field of our input to Manage\u2019s names and cuts summary (100) and contactName (62)', async () => {
    const { client, sent } = recordingClient(() => ticketAnswer);
    await createTicket(client, {
      summary: `  ${'S'.repeat(150)}\n second line `,
      company: { identifier: 'Catchall' },
      contactId: 7,
      contactName: 'N'.repeat(80),
      contactEmailAddress: 'user@example.com',
      boardId: 1,
      statusId: 2,
      typeId: 3,
      subTypeId: 4,
      itemId: 5,
      priorityId: 6,
      teamId: 7,
      sourceId: 8,
      owner: { identifier: 'jdoe' },
      impact: 'High',
      severity: 'Low',
      externalXRef: 'press_01J8Z',
      initialDescription: 'line 1\nline 2',
      initialInternalAnalysis: 'host: PC-1',
      processNotifications: false,
      skipCallback: true,
    });
    const body = sent[0]?.body as Record<string, unknown>;
    expect(body.summary).toBe(`${'S'.repeat(99)}\u2026`);
    expect((body.summary as string).length).toBe(100);
    expect(body.contactName).toBe(`${'N'.repeat(61)}\u2026`);
    expect(body).toMatchObject({
      company: { identifier: 'Catchall' },
      contact: { id: 7 },
      board: { id: 1 },
      status: { id: 2 },
      type: { id: 3 },
      subType: { id: 4 },
      item: { id: 5 },
      priority: { id: 6 },
      team: { id: 7 },
      source: { id: 8 },
      owner: { identifier: 'jdoe' },
      impact: 'High',
      severity: 'Low',
      externalXRef: 'press_01J8Z',
      skipCallback: true,
      processNotifications: false,
    });
    expectContract(sent[0] as Sent);
  });

  it('refuses to cut identities and refuses an empty summary', () => {
    expect(() => buildTicketBody({ summary: 'x', company: { id: 1 }, externalXRef: 'x'.repeat(101) })).toThrow(/externalXRef is 101 characters/);
    expect(() => buildTicketBody({ summary: '   ', company: { id: 1 } })).toThrow(/summary/);
  });

  it('turns a record Manage sends back in an unexpected shape into an invalid_response error', async () => {
    const { client } = recordingClient(() => ({ id: 'not a number' }));
    const error = await createTicket(client, { summary: 'x', company: { id: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManageError);
    expect(error).toMatchObject({ kind: 'invalid_response', code: 'InvalidResponse', method: 'POST', path: '/service/tickets' });
  });
});

describe('patchTicket', () => {
  it('sends replace operations, whole reference objects, and is retry-safe', async () => {
    const requests: ManageRequest[] = [];
    const { client, sent } = recordingClient((req) => {
      requests.push(req);
      return ticketAnswer;
    });
    await patchTicket(client, 501, [
      { field: 'summary', value: 'New summary' },
      { field: 'status', id: 9 },
      { field: 'owner', identifier: 'jdoe' },
      { field: 'severity', value: 'Medium' },
    ]);
    expect(sent[0]).toMatchObject({ method: 'PATCH', path: '/service/tickets/501' });
    expect(sent[0]?.body).toEqual([
      { op: 'replace', path: 'summary', value: 'New summary' },
      { op: 'replace', path: 'status', value: { id: 9 } },
      { op: 'replace', path: 'owner', value: { identifier: 'jdoe' } },
      { op: 'replace', path: 'severity', value: 'Medium' },
    ]);
    expect(requests[0]?.idempotent).toBe(true);
    expectContract(sent[0] as Sent);
  });

  it('refuses an empty change list', async () => {
    const { client } = recordingClient(() => ticketAnswer);
    await expect(patchTicket(client, 1, [])).rejects.toThrow(TypeError);
  });
});

describe('notes, configurations and documents', () => {
  it('adds an internal note with the ServiceNote flags', async () => {
    const { client, sent } = recordingClient(() => ({ id: 9, ticketId: 501, text: 't', internalAnalysisFlag: true }));
    const note = await addTicketNote(client, 501, { text: 'Host: PC-1\nUser: jdoe', internal: true, processNotifications: false });
    expect(sent[0]?.body).toEqual({
      text: 'Host: PC-1\nUser: jdoe',
      detailDescriptionFlag: false,
      internalAnalysisFlag: true,
      resolutionFlag: false,
      processNotifications: false,
    });
    expectContract(sent[0] as Sent);
    expect(note).toMatchObject({ id: 9, internal: true, detail: false });
    await expect(addTicketNote(client, 501, { text: 'x' })).rejects.toThrow(/at least one flag/);
  });

  it('links a configuration with {id}', async () => {
    const { client, sent } = recordingClient(() => ({ id: 44, deviceIdentifier: 'PC-1' }));
    await linkConfigurationToTicket(client, 501, 44);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/service/tickets/501/configurations', body: { id: 44 } });
    expectContract(sent[0] as Sent);
  });

  it('uploads a document with the DocumentFormData field names', async () => {
    const { client, sent } = recordingClient(() => ({ id: 3, title: 'Screenshot', fileName: 'shot.png', size: 4 }));
    const doc = await uploadTicketDocument(client, {
      ticketId: 501,
      filename: 'C:\\Users\\jdoe\\shot.png',
      contentType: 'image/png',
      bytes: new Uint8Array([137, 80, 78, 71]),
      title: 'Screenshot',
      privateFlag: true,
    });
    expect(sent[0]?.body).toEqual({
      fields: { recordType: 'Ticket', recordId: '501', title: 'Screenshot', privateFlag: 'true' },
      files: [{ field: 'file', filename: 'shot.png', contentType: 'image/png', size: 4 }],
    });
    expectContract(sent[0] as Sent);
    expect(doc).toMatchObject({ id: 3, fileName: 'shot.png', size: 4 });
  });
});

describe('companies and contacts', () => {
  it('creates a company with identifier, name and an address field', async () => {
    const { client, sent } = recordingClient(() => ({ id: 12, identifier: 'Unregistered', name: 'Unregistered users' }));
    await createCompany(client, {
      identifier: 'Unregistered',
      name: 'Unregistered users',
      address: { line1: ' 1 Main St ', city: 'Tampa', zip: ' ' },
    });
    expect(sent[0]?.body).toEqual({ identifier: 'Unregistered', name: 'Unregistered users', addressLine1: '1 Main St', city: 'Tampa' });
    expectContract(sent[0] as Sent);
    await expect(createCompany(client, { identifier: 'X', name: 'Y', address: { line1: '  ', city: 'Tampa' } })).rejects.toThrow(
      /address line 1/,
    );
    await expect(createCompany(client, { identifier: 'X'.repeat(157), name: 'Y', address: { line1: '1' } })).rejects.toThrow(/at most 156/);
  });

  it('creates a contact with an Email communication item', async () => {
    const { client, sent } = recordingClient(() => ({
      id: 30,
      firstName: 'Unregistered',
      company: { id: 12, name: 'Unregistered users' },
      communicationItems: [
        { value: 'other@example.com', communicationType: 'Email', defaultFlag: false },
        { value: 'unregistered@helpdeskbuttons.com', communicationType: 'Email', defaultFlag: true },
        { value: '555-1234', communicationType: 'Phone', defaultFlag: true },
      ],
    }));
    const contact = await createContact(client, { firstName: 'Unregistered', companyId: 12, email: 'unregistered@helpdeskbuttons.com' });
    expect(sent[0]?.body).toEqual({
      firstName: 'Unregistered',
      company: { id: 12 },
      communicationItems: [{ type: { name: 'Email' }, value: 'unregistered@helpdeskbuttons.com', communicationType: 'Email', defaultFlag: true }],
    });
    expectContract(sent[0] as Sent);
    expect(contact).toEqual({
      id: 30,
      firstName: 'Unregistered',
      lastName: '',
      companyId: 12,
      companyName: 'Unregistered users',
      emails: ['unregistered@helpdeskbuttons.com', 'other@example.com'],
      inactive: false,
    });
  });
});

describe('callbacks and hosted setups', () => {
  const callbackAnswer = { id: 5, url: 'https://d.example/cb?recordId=', objectId: 1, type: 'ticket', level: 'owner' };

  it('creates and replaces a callback with a description cut to 100', async () => {
    const { client, sent } = recordingClient(() => callbackAnswer);
    const input = { url: 'https://d.example/cb?recordId=', objectId: 1, type: 'ticket', level: 'owner', description: 'D'.repeat(120) };
    await createCallback(client, input);
    await updateCallback(client, 5, { ...input, inactive: true });
    expect(sent[0]?.body).toMatchObject({ url: input.url, objectId: 1, type: 'ticket', level: 'owner', inactiveFlag: false, isSelfSuppressedFlag: false });
    expect((sent[0]?.body as { description: string }).description).toHaveLength(100);
    expect(sent[1]).toMatchObject({ method: 'PUT', path: '/system/callbacks/5', body: { id: 5, inactiveFlag: true } });
    for (const s of sent) expectContract(s);
    await expect(createCallback(client, { ...input, url: 'not a url' })).rejects.toThrow(/not a valid URL/);
  });

  it('creates a pod with its origin taken from the URL', async () => {
    const { client, sent } = recordingClient(() => ({ id: 8, screenId: 1, description: 'Deskbell', url: 'u', type: 'Pod' }));
    await createHostedSetup(client, { screenId: 1, description: 'Deskbell', url: 'https://d.example/pod?id=[cw_id]', type: 'Pod', podHeight: 400 });
    expect(sent[0]?.body).toEqual({
      screenId: 1,
      description: 'Deskbell',
      url: 'https://d.example/pod?id=[cw_id]',
      type: 'Pod',
      origin: 'https://d.example',
      podHeight: 400,
      disabledFlag: false,
    });
    expectContract(sent[0] as Sent);
    await expect(createHostedSetup(client, { screenId: 1, description: 'x', url: `https://d.example/${'a'.repeat(1100)}`, type: 'Pod' })).rejects.toThrow(
      /at most 1024/,
    );
  });
});

describe('header parsing', () => {
  it('reads Link targets by rel', () => {
    const links = parseLinkHeader(
      '<https://h/apis/3.0/company/contacts?pageSize=2&page=2>; rel="next", <https://h/apis/3.0/company/contacts?pageSize=2&page=5>; rel="last"',
    );
    expect(links.get('next')).toBe('https://h/apis/3.0/company/contacts?pageSize=2&page=2');
    expect(links.get('last')).toBe('https://h/apis/3.0/company/contacts?pageSize=2&page=5');
    expect(parseLinkHeader(undefined).size).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
