import 'server-only';
import { FormData } from 'undici';
import type { ManageClient, ManageMethod, ManageQuery } from '@/lib/connectwise/client';
import { isManageError } from '@/lib/connectwise/errors';
import type { DeskbellDatabase } from '@/lib/store/database';
import { withSetupClient } from './manage-access';
import { recordSetupCheck, type ProbeResult, type ProbeVerdict } from './setup-checks';

/**
 * Checks each security-role permission Deskbell needs WITHOUT creating or changing anything
 * in Manage. Reads are plain GETs of one record. Writes are requests Manage must refuse for
 * their content or their record: a body without a summary, ticket id 0 (Manage ids start at
 * 1), a document without a file. Manage checks the security role before it reads the body or
 * looks up the record, so:
 *   403            -> the role lacks the permission (fail)
 *   400 / 404      -> the request got past the role check and was refused for its content or
 *                     its record, on purpose (pass)
 *   401, 5xx, ...  -> the probe cannot tell (unknown): fix the connection or run it again.
 */

type ProbeExpectation = 'read' | 'refused';

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

export type PermissionProbe = {
  id: string;
  /** As the seed and Manage's security role screen name it. */
  permission: string;
  purpose: string;
  fix: string;
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
    calls: [{ method: 'GET', path: '/company/companies', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'contacts-inquire',
    permission: 'Companies / Contacts / Inquire Level - All',
    purpose: 'Finds the contact behind the email address of each press.',
    fix: `${ROLE} > Companies > Contacts: Inquire Level = All`,
    calls: [{ method: 'GET', path: '/company/contacts', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'service-tickets-inquire',
    permission: 'Service Desk / Service Tickets / Inquire Level - All',
    purpose: 'Reads tickets, so a retried press finds the ticket it already created.',
    fix: `${ROLE} > Service Desk > Service Tickets: Inquire Level = All`,
    calls: [{ method: 'GET', path: '/service/tickets', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'service-tickets-add',
    permission: 'Service Desk / Service Tickets / Add Level - All',
    purpose: 'Creates the ticket for each press.',
    fix: `${ROLE} > Service Desk > Service Tickets: Add Level = All`,
    // No summary and a company id that cannot exist: Manage refuses it as InvalidObject.
    calls: [{ method: 'POST', path: '/service/tickets', json: { company: { id: NO_SUCH_ID } }, expect: 'refused' }],
  },
  {
    id: 'service-tickets-edit',
    permission: 'Service Desk / Service Tickets / Edit Level - All',
    purpose: 'Updates tickets (later features: callbacks, the pod).',
    fix: `${ROLE} > Service Desk > Service Tickets: Edit Level = All`,
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
    calls: [{ method: 'POST', path: `/service/tickets/${NO_SUCH_ID}/notes`, json: { text: '' }, expect: 'refused' }],
  },
  {
    id: 'document-upload',
    permission: 'Companies / Manage Attachments / Add Level - All (and Service Ticket - Dependencies / Add)',
    purpose: 'Uploads the screenshots and files of each press to the ticket.',
    fix: `${ROLE} > Companies > Manage Attachments: Add Level = All, and Service Desk > Service Ticket - Dependencies: Add Level = All`,
    // A multipart upload without a file for record 0: refused as invalid, nothing stored.
    calls: [{ method: 'POST', path: '/system/documents', form: { recordType: 'Ticket', recordId: String(NO_SUCH_ID), title: 'Deskbell permission check' }, expect: 'refused' }],
  },
  {
    id: 'configurations-inquire',
    permission: 'Companies / Configurations / Inquire Level - All',
    purpose: 'Finds the configuration whose name matches the computer that pressed.',
    fix: `${ROLE} > Companies > Configurations: Inquire Level = All`,
    calls: [{ method: 'GET', path: '/company/configurations', query: { pageSize: 1 }, expect: 'read' }],
  },
  {
    id: 'table-setup-inquire',
    permission: 'System / Table Setup / Inquire Level - All',
    purpose: 'Reads boards, statuses, types, teams, priorities and sources for the defaults.',
    fix: `${ROLE} > System > Table Setup: Inquire Level = All`,
    calls: [
      { method: 'GET', path: '/service/boards', query: { pageSize: 1 }, expect: 'read' },
      { method: 'GET', path: '/service/priorities', query: { pageSize: 1 }, expect: 'read' },
    ],
  },
  {
    id: 'member-maintenance-inquire',
    permission: 'System / Member Maintenance / Inquire Level - All',
    purpose: 'Reads members to resolve a ticket owner set in the defaults or by a rule. Not in the original list; without it presses still work, but an owner cannot be assigned.',
    fix: `${ROLE} > System > Member Maintenance: Inquire Level = All`,
    calls: [{ method: 'GET', path: '/system/members', query: { pageSize: 1 }, expect: 'read' }],
  },
];

/** What one call answered: an HTTP status with Manage's code, or no answer at all. */
export type ProbeAnswer = { status: number; code: string | null } | { status: null; reason: string };

/** Pure: how one call's answer decides the permission, with the sentence the admin sees. */
export function decideProbeCall(call: Pick<ProbeCall, 'method' | 'path' | 'expect'>, answer: ProbeAnswer): { verdict: ProbeVerdict; how: string } {
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
export function combineVerdicts(verdicts: readonly ProbeVerdict[]): ProbeVerdict {
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

export async function runPermissionProbe(client: ManageClient, probe: PermissionProbe): Promise<ProbeResult> {
  const decisions = [];
  // One call after the other: a probe's second call is only worth sending when it adds news.
  for (const call of probe.calls) decisions.push(decideProbeCall(call, await sendProbeCall(client, call)));
  return {
    id: probe.id,
    permission: probe.permission,
    purpose: probe.purpose,
    fix: probe.fix,
    verdict: combineVerdicts(decisions.map((d) => d.verdict)),
    how: decisions.map((d) => d.how),
  };
}

export async function runPermissionProbes(client: ManageClient, probes: readonly PermissionProbe[] = PERMISSION_PROBES): Promise<ProbeResult[]> {
  return Promise.all(probes.map((probe) => runPermissionProbe(client, probe)));
}

export type PermissionCheck = { ok: boolean; at: string; probes: ProbeResult[] };

/** Probes every permission with the stored connection and records the lines as the step's last check. */
export async function checkManagePermissions(db: DeskbellDatabase): Promise<PermissionCheck> {
  const probes = await withSetupClient(db, (client) => runPermissionProbes(client));
  const failing = probes.filter((p) => p.verdict === 'fail').length;
  const unknown = probes.filter((p) => p.verdict === 'unknown').length;
  const ok = failing === 0 && unknown === 0;
  const summary = ok
    ? `All ${probes.length} permissions are granted.`
    : [failing ? `${failing} permission(s) missing` : '', unknown ? `${unknown} could not be checked` : ''].filter(Boolean).join(', ') + '.';
  const stored = await recordSetupCheck(db, 'permissions', { ok, summary, probes });
  return { ok, at: stored.at, probes };
}
