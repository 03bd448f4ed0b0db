import 'server-only';
import { FormData } from 'undici';
import type { ManageClient, ManageMethod, ManageQuery } from './client';
import { isManageError } from './errors';
import { getOwnMember, listSecurityRoleSettings } from './security-roles';
import type { ManageSecurityLevel, ManageSecurityRoleSetting } from './types';

/**
 * The security-role permissions Deskbell needs in Manage, and how to check each WITHOUT
 * creating or changing anything in Manage, in one of two ways, line by line:
 *
 * 1. From the security role, when the API member may read it: `GET /system/myMembers` names the
 *    role, `GET /system/securityRoles/{id}/settings` lists its module/function levels, and each
 *    line is decided from the levels it needs (All passes; None and My fail). No test request.
 * 2. By a test request, only when the role cannot be read (or does not list a function a line
 *    needs). Reads are plain GETs of one record. Writes are requests Manage must refuse for their
 *    content or their record: a body without a summary, ticket id 0 (Manage ids start at 1), a
 *    document without a file. This assumes Manage checks the security role before it reads the
 *    body or looks up the record, an order ConnectWise does not document:
 *      403            -> the role lacks the permission (fail)
 *      400 / 404      -> the request got past the role check and was refused for its content or
 *                        its record, on purpose (pass)
 *      401, 5xx, ...  -> the probe cannot tell (unknown): fix the connection or run it again.
 */

/** What a check found for one permission: granted, missing, or the answer said nothing. */
export type PermissionVerdict = 'pass' | 'fail' | 'unknown';

export type ProbeExpectation = 'read' | 'refused';

export type ProbeCall = {
  method: ManageMethod;
  path: string;
  query?: ManageQuery;
  json?: unknown;
  /** Multipart fields (no file on purpose). */
  form?: Record<string, string>;
  /** 'read': a GET that must answer 2xx. 'refused': a request built to be refused for content. */
  expect: ProbeExpectation;
};

/** One module/function level a permission line needs, named as Manage's security role screen names it. */
export type RoleRequirement = { module: string; function: string; level: RoleLevel };
export type RoleLevel = 'add' | 'edit' | 'delete' | 'inquire';

/**
 * One permission line. Its words are here, beside the Manage facts they name, because two
 * readers share them: the wizard's Permissions step and a press Manage refused for a missing
 * permission (lib/intake/press-failure.ts), which must not depend on the wizard.
 */
export type PermissionProbe = {
  id: string;
  /** As the seed and Manage's security role screen name it. */
  permission: string;
  /** Why Deskbell needs it, in an admin's words. */
  purpose: string;
  /** Where in Manage to grant it. */
  fix: string;
  /** What the role must grant (All) for the line to pass. */
  requires: RoleRequirement[];
  /** The test requests that decide the line when the role cannot be read. */
  calls: ProbeCall[];
};

const ROLE = 'System > Security Roles > (the API member\u2019s role)';
/** An id Manage never gives out: its ids start at 1. */
const NO_SUCH_ID = 0;

export const PERMISSION_PROBES: readonly PermissionProbe[] = [
  {
    id: 'company-maintenance-inquire',
    permission: 'Companies / Company Maintenance / Inquire Level - All',
    purpose: 'Reads companies (street address, the catch-all company).',
    fix: `${ROLE} > Companies > Company Maintenance: Inquire Level = All`,
    requires: [{ module: 'Companies', function: 'Company Maintenance', level: 'inquire' }],
    calls: [{ method: 'GET', path: '/company/companies', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'contacts-inquire',
    permission: 'Companies / Contacts / Inquire Level - All',
    purpose: 'Finds the contact behind the email address of each press.',
    fix: `${ROLE} > Companies > Contacts: Inquire Level = All`,
    requires: [{ module: 'Companies', function: 'Contacts', level: 'inquire' }],
    calls: [{ method: 'GET', path: '/company/contacts', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'service-tickets-inquire',
    permission: 'Service Desk / Service Tickets / Inquire Level - All',
    purpose: 'Reads tickets, so a retried press finds the ticket it already created.',
    fix: `${ROLE} > Service Desk > Service Tickets: Inquire Level = All`,
    requires: [{ module: 'Service Desk', function: 'Service Tickets', level: 'inquire' }],
    calls: [{ method: 'GET', path: '/service/tickets', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'service-tickets-add',
    permission: 'Service Desk / Service Tickets / Add Level - All',
    purpose: 'Creates the ticket for each press.',
    fix: `${ROLE} > Service Desk > Service Tickets: Add Level = All`,
    requires: [{ module: 'Service Desk', function: 'Service Tickets', level: 'add' }],
    // No summary and a company id that cannot exist: Manage refuses it as InvalidObject.
    calls: [{ method: 'POST', path: '/service/tickets', json: { company: { id: NO_SUCH_ID } }, expect: 'refused' }],
  },
  {
    id: 'service-tickets-edit',
    permission: 'Service Desk / Service Tickets / Edit Level - All',
    purpose: 'Updates tickets: Deskbell changes them when the callbacks and the pod need it.',
    fix: `${ROLE} > Service Desk > Service Tickets: Edit Level = All`,
    requires: [{ module: 'Service Desk', function: 'Service Tickets', level: 'edit' }],
    // Ticket 0 cannot exist, and an empty summary would be refused even if it did.
    calls: [
      {
        method: 'PATCH',
        path: `/service/tickets/${NO_SUCH_ID}`,
        json: [{ op: 'replace', path: 'summary', value: '' }],
        expect: 'refused',
      },
    ],
  },
  {
    id: 'ticket-dependencies-inquire',
    permission: 'Service Desk / Service Ticket - Dependencies / Inquire Level - All',
    purpose: 'Reads a ticket\u2019s notes and attachments (a retried press checks what already landed).',
    fix: `${ROLE} > Service Desk > Service Ticket - Dependencies: Inquire Level = All`,
    requires: [{ module: 'Service Desk', function: 'Service Ticket - Dependencies', level: 'inquire' }],
    calls: [
      { method: 'GET', path: `/service/tickets/${NO_SUCH_ID}/notes`, query: { pageSize: 1 }, expect: 'refused' },
      { method: 'GET', path: '/system/documents', query: { recordType: 'Ticket', recordId: NO_SUCH_ID }, expect: 'refused' },
    ],
  },
  {
    id: 'ticket-dependencies-add',
    permission: 'Service Desk / Service Ticket - Dependencies / Add Level - All',
    purpose: 'Adds notes and links the computer\u2019s configuration to the ticket.',
    fix: `${ROLE} > Service Desk > Service Ticket - Dependencies: Add Level = All`,
    requires: [{ module: 'Service Desk', function: 'Service Ticket - Dependencies', level: 'add' }],
    // Ticket 0 and empty text; a display flag so the note is refused for nothing else (never a flagless note).
    calls: [{ method: 'POST', path: `/service/tickets/${NO_SUCH_ID}/notes`, json: { text: '', detailDescriptionFlag: true }, expect: 'refused' }],
  },
  {
    id: 'document-upload',
    permission: 'Companies / Manage Attachments / Add Level - All (and Service Ticket - Dependencies / Add)',
    purpose: 'Uploads the screenshots and files of each press to the ticket.',
    fix: `${ROLE} > Companies > Manage Attachments: Add Level = All, and Service Desk > Service Ticket - Dependencies: Add Level = All`,
    requires: [
      { module: 'Companies', function: 'Manage Attachments', level: 'add' },
      { module: 'Service Desk', function: 'Service Ticket - Dependencies', level: 'add' },
    ],
    // A multipart upload without a file for record 0: refused as invalid, nothing stored.
    calls: [{ method: 'POST', path: '/system/documents', form: { recordType: 'Ticket', recordId: String(NO_SUCH_ID), title: 'Deskbell permission check' }, expect: 'refused' }],
  },
  {
    id: 'configurations-inquire',
    permission: 'Companies / Configurations / Inquire Level - All',
    purpose: 'Finds the configuration whose name matches the computer that pressed.',
    fix: `${ROLE} > Companies > Configurations: Inquire Level = All`,
    requires: [{ module: 'Companies', function: 'Configurations', level: 'inquire' }],
    calls: [{ method: 'GET', path: '/company/configurations', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'table-setup-inquire',
    permission: 'System / Table Setup / Inquire Level - All',
    purpose: 'Reads boards, statuses, types, teams, priorities and sources for the defaults.',
    fix: `${ROLE} > System > Table Setup: Inquire Level = All`,
    requires: [{ module: 'System', function: 'Table Setup', level: 'inquire' }],
    calls: [
      { method: 'GET', path: '/service/boards', query: { pageSize: 1 }, expect: 'read' },
      { method: 'GET', path: '/service/priorities', query: { pageSize: 1 }, expect: 'read' },
    ],
  },
  {
    id: 'member-maintenance-inquire',
    permission: 'System / Member Maintenance / Inquire Level - All',
    purpose: 'Reads members to resolve a ticket owner set in the defaults or by a rule. Optional: without it presses still work, but an owner cannot be assigned.',
    fix: `${ROLE} > System > Member Maintenance: Inquire Level = All`,
    requires: [{ module: 'System', function: 'Member Maintenance', level: 'inquire' }],
    calls: [{ method: 'GET', path: '/system/members', query: { pageSize: 1 }, expect: 'read' }],
  },
];

/** What one call answered: an HTTP status with Manage's code, or no answer at all. */
export type ProbeAnswer = { status: number; code: string | null } | { status: null; reason: string };

/** Pure: how one call's answer decides the permission, with the sentence the admin sees. */
export function decideProbeCall(call: Pick<ProbeCall, 'method' | 'path' | 'expect'>, answer: ProbeAnswer): { verdict: PermissionVerdict; how: string } {
  const at = `${call.method} ${call.path}`;
  if (answer.status === null) return { verdict: 'unknown', how: `${at} got no answer (${answer.reason}); run the check again.` };
  const said = `${at} answered ${answer.status}${answer.code ? ` ${answer.code}` : ''}`;
  const { status } = answer;
  if (status >= 200 && status < 300) {
    return call.expect === 'read'
      ? { verdict: 'pass', how: `${said}: the role allows it.` }
      : { verdict: 'pass', how: `${said}: the role allows it, but Manage accepted a request built to be refused; look for a record Deskbell left behind.` };
  }
  if (status === 403) return { verdict: 'fail', how: `${said}: the security role refuses it.` };
  if (status === 401) return { verdict: 'unknown', how: `${said}: Manage refused the keys, so the role was never checked. Fix step 1 first.` };
  if (call.expect === 'refused' && status === 400) {
    return { verdict: 'pass', how: `${said}: the permission exists; the content was refused on purpose.` };
  }
  if (call.expect === 'refused' && status === 404) {
    return { verdict: 'pass', how: `${said}: the permission exists; Manage looked for record ${NO_SUCH_ID}, which never exists, after the role check.` };
  }
  if (status === 404) {
    return { verdict: 'unknown', how: `${said}: this Manage has no such endpoint (or, on cloud, refused the keys).` };
  }
  if (status === 429 || status >= 500) return { verdict: 'unknown', how: `${said}: Manage is busy or failing; run the check again.` };
  return { verdict: 'unknown', how: `${said}: this answer says nothing about the permission.` };
}

/** The worst verdict of a probe's calls: one fail fails the line; else one unknown makes it unknown. */
export function combineVerdicts(verdicts: readonly PermissionVerdict[]): PermissionVerdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('unknown')) return 'unknown';
  return 'pass';
}

async function sendProbeCall(client: ManageClient, call: ProbeCall): Promise<ProbeAnswer> {
  let form: FormData | undefined;
  if (call.form) {
    form = new FormData();
    for (const [name, value] of Object.entries(call.form)) form.append(name, value);
  }
  try {
    const res = await client.request({ method: call.method, path: call.path, query: call.query, json: call.json, form, idempotent: call.method === 'GET' });
    return { status: res.status, code: null };
  } catch (error) {
    if (!isManageError(error)) throw error;
    if (error.status === null) return { status: null, reason: error.code === 'Timeout' ? 'timed out' : error.message };
    return { status: error.status, code: error.code };
  }
}

/** Decides one permission by its test requests, one after the other (a second call is only worth sending when it adds news). */
export async function probeManagePermission(client: ManageClient, probe: Pick<PermissionProbe, 'calls'>): Promise<{ verdict: PermissionVerdict; how: string[] }> {
  const decisions = [];
  for (const call of probe.calls) decisions.push(decideProbeCall(call, await sendProbeCall(client, call)));
  return { verdict: combineVerdicts(decisions.map((d) => d.verdict)), how: decisions.map((d) => d.how) };
}

/** The API member's role as read from Manage, or why it could not be read. */
export type RoleReading =
  | { readable: true; role: { id: number; name: string | null }; settings: readonly ManageSecurityRoleSetting[] }
  | { readable: false; reason: string };

function describeFailure(method: string, path: string, error: unknown): string {
  if (!isManageError(error)) throw error;
  if (error.kind === 'invalid_response') return `${method} ${path} answered with data Deskbell does not understand`;
  if (error.status === null) return `${method} ${path} got no answer (${error.code === 'Timeout' ? 'timed out' : error.message})`;
  return `${method} ${path} answered ${error.status}${error.code ? ` ${error.code}` : ''}`;
}

/** Reads the API member's own security role and its settings; never throws for a Manage refusal. */
export async function readApiMemberRole(client: ManageClient): Promise<RoleReading> {
  let role: { id: number; name: string | null } | null;
  try {
    role = (await getOwnMember(client)).securityRole;
  } catch (error) {
    return { readable: false, reason: describeFailure('GET', '/system/myMembers', error) };
  }
  if (!role) return { readable: false, reason: 'GET /system/myMembers named no security role for the API member' };
  const path = `/system/securityRoles/${role.id}/settings`;
  try {
    const settings = await listSecurityRoleSettings(client, role.id);
    if (settings.length === 0) return { readable: false, reason: `GET ${path} listed no settings` };
    return { readable: true, role, settings };
  } catch (error) {
    return { readable: false, reason: describeFailure('GET', path, error) };
  }
}

const LEVEL_LABEL: Record<RoleLevel, string> = { add: 'Add', edit: 'Edit', delete: 'Delete', inquire: 'Inquire' };

/** Names compare as Manage's screen shows them, ignoring case, spaces and punctuation. */
function sameName(a: string | null, b: string): boolean {
  const norm = (v: string) => v.toLowerCase().replace(/[^a-z0-9]/g, '');
  return a !== null && norm(a) === norm(b);
}

function findSetting(settings: readonly ManageSecurityRoleSetting[], req: RoleRequirement): ManageSecurityRoleSetting | undefined {
  const inModule = (s: ManageSecurityRoleSetting) => sameName(s.moduleName, req.module) || sameName(s.moduleIdentifier, req.module);
  const isFunction = (s: ManageSecurityRoleSetting) => sameName(s.functionName, req.function) || sameName(s.functionIdentifier, req.function);
  return settings.find((s) => inModule(s) && isFunction(s));
}

/**
 * Pure: decides a line from the role's settings, or returns `undecided` naming what the role
 * does not say (a function it does not list, a level it leaves out) so a test request decides.
 * Deskbell needs All on every level it lists: None refuses, and My limits the API member to the
 * records it owns, which the tickets, contacts and companies of presses are not.
 */
export function decideFromRole(
  probe: Pick<PermissionProbe, 'requires'>,
  roleName: string | null,
  settings: readonly ManageSecurityRoleSetting[],
): { decided: true; verdict: PermissionVerdict; how: string[] } | { decided: false; missing: string } {
  const role = roleName ? `Security role \u201c${roleName}\u201d` : 'The security role';
  const how: string[] = [];
  let failed = false;
  for (const req of probe.requires) {
    const where = `${req.module} > ${req.function}`;
    const setting = findSetting(settings, req);
    const level: ManageSecurityLevel | null | undefined = setting?.[req.level];
    if (!setting) return { decided: false, missing: `${role} does not list ${where}` };
    if (!level) return { decided: false, missing: `${role} gives no ${LEVEL_LABEL[req.level]} Level for ${where}` };
    const said = `${role}: ${where}, ${LEVEL_LABEL[req.level]} Level = ${level}`;
    if (level === 'All') {
      how.push(`${said}.`);
    } else {
      failed = true;
      how.push(level === 'My' ? `${said} (only records of the API member itself); Deskbell needs All.` : `${said}; Deskbell needs All.`);
    }
  }
  return { decided: true, verdict: failed ? 'fail' : 'pass', how };
}

/** The permission a Manage call needs: the line whose test request matches it (for a 403 on a real call). */
export function permissionForManageCall(method: string, path: string): PermissionProbe | undefined {
  const verb = method.toUpperCase();
  const p = path.toLowerCase().split('?')[0]!.replace(/\/+$/, '');
  const byId = (id: string) => PERMISSION_PROBES.find((probe) => probe.id === id);
  if (p.startsWith('/company/contacts')) return byId('contacts-inquire');
  if (p.startsWith('/company/configurations')) return byId('configurations-inquire');
  if (p.startsWith('/company/companies')) return byId('company-maintenance-inquire');
  if (p.startsWith('/system/documents')) return verb === 'GET' ? byId('ticket-dependencies-inquire') : byId('document-upload');
  if (p === '/system/members' || /^\/system\/members\/\d+$/.test(p)) return byId('member-maintenance-inquire');
  if (p === '/service/tickets' || /^\/service\/tickets\/\d+$/.test(p)) {
    if (verb === 'POST') return byId('service-tickets-add');
    if (verb === 'PATCH' || verb === 'PUT') return byId('service-tickets-edit');
    return byId('service-tickets-inquire');
  }
  if (/^\/service\/tickets\/\d+\//.test(p)) return verb === 'GET' ? byId('ticket-dependencies-inquire') : byId('ticket-dependencies-add');
  if (p.startsWith('/service/') || p.startsWith('/company/companies/')) return byId('table-setup-inquire');
  return undefined;
}
