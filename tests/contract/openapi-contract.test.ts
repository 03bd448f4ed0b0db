// The contract checker must be able to say no: each case here is a way a real request or
// response can break the official contract, and each must be named in a readable error.
import { describe, expect, it } from 'vitest';
import {
  listManageOperations,
  matchManageOperation,
  readManageEnum,
  readManageMaxLength,
  readManageServerBasePath,
  validateManageRequest,
  validateManageResponse,
} from '@/tests/support/openapi-contract';

const headers = { clientId: '3c2f6a3e-2b4c-4c8f-9d0e-0d6b5c1e7f21', 'content-type': 'application/json' };
const minimalTicket = { summary: 'Printer on fire', company: { id: 2 } };

function postTicket(body: unknown, extraHeaders: Record<string, string> = headers) {
  return validateManageRequest({ method: 'POST', path: '/service/tickets', headers: extraHeaders, contentType: 'application/json', body });
}

function joined(result: { errors: string[] }): string {
  return result.errors.join('\n');
}

describe('operation matching', () => {
  it('knows all 52 operations of the subset', () => {
    expect(listManageOperations()).toHaveLength(52);
  });

  it('maps concrete paths, with or without the server base, to their templates', () => {
    expect(matchManageOperation('POST', '/service/tickets/42/notes')?.operation.operationId).toBe('postServiceTicketsByParentIdNotes');
    expect(matchManageOperation('POST', '/service/tickets/42/notes')?.pathParams).toEqual({ parentId: '42' });
    expect(matchManageOperation('get', 'http://127.0.0.1:1/v4_6_release/apis/3.0/service/tickets/7?conditions=x')?.operation.operationId).toBe(
      'getServiceTicketsById',
    );
    expect(readManageServerBasePath()).toBe('/v4_6_release/apis/3.0');
  });

  it('prefers literal segments over parameters', () => {
    expect(matchManageOperation('GET', '/company/companies/statuses')?.operation.operationId).toBe('getCompanyCompaniesStatuses');
    expect(matchManageOperation('GET', '/company/companies/12')?.operation.operationId).toBe('getCompanyCompaniesById');
    expect(matchManageOperation('GET', '/system/myMembers/info')?.operation.operationId).toBe('getSystemMyMembersInfo');
    expect(matchManageOperation('GET', '/system/securityRoles/63/settings')?.operation.operationId).toBe('getSystemSecurityRolesByParentIdSettings');
    expect(matchManageOperation('GET', '/system/securityRoles/63/settings')?.pathParams).toEqual({ parentId: '63' });
  });

  it('rejects an unknown path, a wrong method and wrong casing with a reason', () => {
    const unknown = validateManageRequest({ method: 'GET', path: '/service/ticketz', headers });
    expect(unknown.ok).toBe(false);
    expect(joined(unknown)).toMatch(/no operation in the official OpenAPI subset matches/);

    const wrongMethod = validateManageRequest({ method: 'DELETE', path: '/service/tickets/5', headers });
    expect(wrongMethod.ok).toBe(false);
    expect(joined(wrongMethod)).toMatch(/method not in the official contract .*allowed: (GET|PATCH), (GET|PATCH)/);

    const casing = validateManageRequest({ method: 'GET', path: '/service/slas/1', headers });
    expect(joined(casing)).toMatch(/path casing differs from the official template \/service\/SLAs\/\{id\}/);
  });
});

describe('request bodies', () => {
  it('accepts valid minimal bodies', () => {
    expect(postTicket(minimalTicket)).toEqual({ ok: true, operationId: 'postServiceTickets', errors: [] });
    const note = validateManageRequest({
      method: 'POST',
      path: '/service/tickets/42/notes',
      headers,
      body: { text: 'hello\nworld', detailDescriptionFlag: true, processNotifications: false },
    });
    expect(note.errors).toEqual([]);
    const callback = validateManageRequest({
      method: 'POST',
      path: '/system/callbacks',
      headers,
      body: { url: 'https://deskbell.example/api/connectwise/callback?recordId=', objectId: 1, type: 'ticket', level: 'owner' },
    });
    expect(callback.errors).toEqual([]);
    const company = validateManageRequest({
      method: 'POST',
      path: '/company/companies',
      headers,
      body: { identifier: 'Catchall', name: 'Catch-all', addressLine1: '1 Main St' },
    });
    expect(company.errors).toEqual([]);
  });

  it('rejects a ticket without summary', () => {
    const r = postTicket({ company: { id: 2 } });
    expect(r.ok).toBe(false);
    expect(joined(r)).toContain('POST /service/tickets (postServiceTickets) body: missing required property "summary"');
  });

  it('rejects a summary over the Max length read from the description', () => {
    expect(readManageMaxLength('Ticket', 'summary')).toBe(100);
    expect(postTicket({ ...minimalTicket, summary: 'x'.repeat(100) }).ok).toBe(true);
    const r = postTicket({ ...minimalTicket, summary: 'x'.repeat(101) });
    expect(r.ok).toBe(false);
    expect(joined(r)).toContain('body.summary: longer than the official Max length 100 (got 101 chars)');
    const name = postTicket({ ...minimalTicket, contactName: 'n'.repeat(63) });
    expect(joined(name)).toContain('body.contactName: longer than the official Max length 62');
  });

  it('rejects a wrong enum value and accepts null where the schema is nullable', () => {
    expect(readManageEnum('Ticket', 'impact')).toEqual(['Low', 'Medium', 'High']);
    const r = postTicket({ ...minimalTicket, impact: 'Huge' });
    expect(r.ok).toBe(false);
    expect(joined(r)).toContain('body.impact: must be one of "Low", "Medium", "High", null (got "Huge")');
    expect(postTicket({ ...minimalTicket, impact: null, severity: 'High' }).ok).toBe(true);
    const hosted = validateManageRequest({
      method: 'POST',
      path: '/system/connectwisehostedsetups',
      headers,
      body: { screenId: 1, description: 'Deskbell', url: 'https://d.example/pod?id=[cw_id]', type: 'Popup' },
    });
    expect(joined(hosted)).toContain('body.type: must be one of "Tab", "Pod", "ToolbarButton", null (got "Popup")');
  });

  it('rejects wrong types, also inside references and arrays', () => {
    const r = postTicket({ summary: 42, company: { id: '2' } });
    expect(r.ok).toBe(false);
    expect(joined(r)).toContain('body.summary: must be string (got number 42)');
    expect(joined(r)).toContain('body.company.id: must be integer,null (got "2")');
    const contact = validateManageRequest({
      method: 'POST',
      path: '/company/contacts',
      headers,
      body: { firstName: 'A', communicationItems: [{ value: 7, communicationType: 'Email' }] },
    });
    expect(joined(contact)).toContain('body.communicationItems[0].value: must be string');
    const notInt32 = postTicket({ ...minimalTicket, board: { id: 2 ** 31 } });
    expect(joined(notInt32)).toContain('body.board.id: must match format int32');
  });

  it('rejects properties the official schema does not name', () => {
    const r = postTicket({ ...minimalTicket, contactEmail: 'a@b.example' });
    expect(joined(r)).toContain('body.contactEmail: unknown property (not in the official schema)');
  });

  it('enforces the prose rule "at least one address field is required" on company create', () => {
    const r = validateManageRequest({ method: 'POST', path: '/company/companies', headers, body: { identifier: 'X', name: 'X' } });
    expect(r.ok).toBe(false);
    expect(joined(r)).toMatch(/body: needs at least one of addressLine1, addressLine2, city, state, zip, country/);
  });

  it('requires a body where the contract does, and no body where it takes none', () => {
    expect(joined(postTicket(undefined))).toContain('body: a request body is required');
    const get = validateManageRequest({ method: 'GET', path: '/system/info', headers, body: { x: 1 } });
    expect(joined(get)).toContain('body: this operation takes no request body');
  });

  it('rejects a JSON body sent with the wrong content type', () => {
    const r = validateManageRequest({ method: 'POST', path: '/service/tickets', headers: { clientId: 'x' }, contentType: 'text/plain', body: minimalTicket });
    expect(joined(r)).toContain('content-type: text/plain is not accepted (official: application/json)');
  });

  it('accepts scalar PATCH values (documented deviation) but checks the operation shape', () => {
    const ok = validateManageRequest({
      method: 'PATCH',
      path: '/service/tickets/9',
      headers,
      body: [
        { op: 'replace', path: 'summary', value: 'new' },
        { op: 'replace', path: 'status', value: { id: 3 } },
      ],
    });
    expect(ok.errors).toEqual([]);
    const bad = validateManageRequest({ method: 'PATCH', path: '/service/tickets/9', headers, body: { op: 'replace' } });
    expect(joined(bad)).toContain('body: must be array (got an object)');
  });
});

describe('parameters and headers', () => {
  it('rejects a request without the required clientId header', () => {
    const r = postTicket(minimalTicket, { 'content-type': 'application/json' });
    expect(r.ok).toBe(false);
    expect(joined(r)).toContain('header clientId: required by the official contract but missing');
    const empty = validateManageRequest({ method: 'GET', path: '/system/info', headers: { clientid: ' ' } });
    expect(joined(empty)).toContain('header clientId: required');
  });

  it('reads clientId case-insensitively from plain objects and Headers', () => {
    expect(validateManageRequest({ method: 'GET', path: '/system/info', headers: { clientid: 'abc' } }).ok).toBe(true);
    expect(validateManageRequest({ method: 'GET', path: '/system/info', headers: new Headers({ ClientId: 'abc' }) }).ok).toBe(true);
  });

  it('checks path and query parameter types and rejects undeclared query parameters', () => {
    expect(joined(validateManageRequest({ method: 'GET', path: '/service/tickets/abc', headers }))).toContain(
      'path parameter id: must be an integer (got "abc")',
    );
    expect(joined(validateManageRequest({ method: 'GET', path: '/service/tickets?pageSize=ten', headers }))).toContain(
      'query parameter pageSize: must be an integer',
    );
    expect(joined(validateManageRequest({ method: 'GET', path: '/service/tickets', query: { pagesize: '10' }, headers }))).toContain(
      'query parameter pagesize: not declared for getServiceTickets',
    );
    expect(validateManageRequest({ method: 'GET', path: '/system/documents', query: { recordType: 'Ticket', recordId: '5' }, headers }).ok).toBe(true);
  });
});

describe('multipart document upload', () => {
  function upload(body: unknown, contentType = 'multipart/form-data; boundary=x') {
    return validateManageRequest({ method: 'POST', path: '/system/documents', headers, contentType, body });
  }

  it('accepts a FormData upload with the official field names', () => {
    const form = new FormData();
    form.set('file', new File([new Uint8Array([137, 80, 78, 71])], 'shot.png', { type: 'image/png' }));
    form.set('recordType', 'Ticket');
    form.set('recordId', '42');
    form.set('title', 'Screenshot');
    form.set('privateFlag', 'true');
    form.set('readOnlyFlay', 'false');
    expect(upload(form).errors).toEqual([]);
  });

  it('rejects a missing file part, wrong types and the "corrected" readOnlyFlag spelling', () => {
    const r = upload({ fields: { recordType: 'Ticket', recordId: 'forty-two', privateFlag: 'yes', readOnlyFlag: 'true' }, files: [] });
    expect(r.ok).toBe(false);
    const text = joined(r);
    expect(text).toContain('form file file: the file part is missing');
    expect(text).toContain('form field recordId: must be an integer (got "forty-two")');
    expect(text).toContain('form field privateFlag: must be true or false (got "yes")');
    expect(text).toMatch(/form field readOnlyFlag: unknown field .*readOnlyFlay/);
  });

  it('rejects a file sent as a text field and a document posted as JSON', () => {
    const asText = upload({ fields: { file: 'aGVsbG8=', recordType: 'Ticket', recordId: '1' }, files: [] });
    expect(joined(asText)).toContain('form field file: must be a file part, not a text field');
    const asJson = upload({ recordType: 'Ticket', recordId: 1 }, 'application/json');
    expect(joined(asJson)).toContain('content-type: application/json is not accepted (official: multipart/form-data)');
  });
});

describe('responses', () => {
  const vnd = 'application/vnd.connectwise.com+json; version=2026.11; charset=utf-8';

  it('accepts a conforming response and rejects a missing required property', () => {
    const ok = validateManageResponse({ method: 'GET', path: '/service/tickets/1', status: 200, contentType: vnd, body: { id: 1, ...minimalTicket } });
    expect(ok.errors).toEqual([]);
    const bad = validateManageResponse({ method: 'GET', path: '/service/tickets', status: 200, contentType: vnd, body: [{ id: 1, summary: 's' }] });
    expect(joined(bad)).toContain('body[0]: missing required property "company"');
  });

  it('rejects a write-only field echoed back, an undocumented status and a wrong media type', () => {
    const echoed = validateManageResponse({
      method: 'POST',
      path: '/service/tickets',
      status: 201,
      body: { id: 1, ...minimalTicket, initialDescription: 'x' },
    });
    expect(joined(echoed)).toContain('body.initialDescription: is write-only in the official schema');
    expect(joined(validateManageResponse({ method: 'POST', path: '/service/tickets', status: 200, body: {} }))).toContain(
      'status 200: not documented (official: 201)',
    );
    const json = validateManageResponse({ method: 'GET', path: '/system/info', status: 200, contentType: 'application/json', body: {} });
    expect(joined(json)).toContain('content-type: application/json differs from the official application/vnd.connectwise.com+json');
  });

  it('rejects bad formats and content on a 204', () => {
    const date = validateManageResponse({
      method: 'GET',
      path: '/service/tickets/1',
      status: 200,
      body: { id: 1, ...minimalTicket, requiredDate: 'tomorrow', mobileGuid: null },
    });
    expect(joined(date)).toContain('body.requiredDate: must match format date-time');
    expect(joined(date)).not.toContain('mobileGuid');
    const deleted = validateManageResponse({ method: 'DELETE', path: '/system/callbacks/4', status: 204, body: { id: 4 } });
    expect(joined(deleted)).toContain('body: status 204 is documented without content');
    expect(validateManageResponse({ method: 'DELETE', path: '/system/callbacks/4', status: 204, body: null }).ok).toBe(true);
  });
});
