/**
 * The setup wizard's logic against the real simulator over HTTP and a real SQLite database:
 * connection test and save, permission probes (and that they change nothing), the
 * unregistered catch-all, defaults and the ticket preview, agent tokens.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { listAuditEntries } from '@/lib/audit/audit-log';
import { DeskbellApiError } from '@/lib/http/errors';
import { verifyAgentToken } from '@/lib/auth/agent-tokens';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { describeManageConnection } from '@/lib/settings/manage-connection';
import { createAgentTokenForAdmin, listAgentTokensForAdmin, revokeAgentTokenForAdmin } from '@/lib/setup/agents';
import { checkManageConnection, saveTestedManageConnection, testManageConnection } from '@/lib/setup/connection-test';
import { PERMISSION_PROBES } from '@/lib/connectwise/permissions';
import { checkManagePermissions } from '@/lib/setup/permission-probes';
import { readSetupCheck } from '@/lib/setup/setup-checks';
import { loadBoardOptions, loadDefaultsPage, previewTicket, saveTicketDefaults } from '@/lib/setup/ticket-defaults';
import { checkUnregisteredCatchAll, createUnregisteredCatchAll } from '@/lib/setup/unregistered';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';
import { DEMO_TICKET_DEFAULTS } from '@/lib/setup/demo-setup';

const ADMIN = 'admin@msp.example';
let sim: ManageSim;
let db: DeskbellDatabase;

const key = (overrides: Partial<ManageSim['credentials']> = {}) => {
  const c = { ...sim.credentials, ...overrides };
  return `${c.companyId}+${c.publicKey}:${c.privateKey}`;
};
const goodForm = () => ({ endpoint: sim.endpoint, apiKey: key(), clientId: sim.credentials.clientId });

const demoDefaults = DEMO_TICKET_DEFAULTS;

/** Everything the simulator holds, to prove a check created or changed nothing. */
function snapshotStore(): string {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(sim.store)) {
    if (value && typeof value === 'object' && 'list' in value && typeof value.list === 'function') out[name] = value.list();
  }
  return JSON.stringify(out, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.length : v));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function expectApiError(promise: Promise<unknown>, code: string): Promise<DeskbellApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeskbellApiError);
  expect((error as DeskbellApiError).code).toBe(code);
  return error as DeskbellApiError;
}

beforeAll(async () => {
  // lib/env reads the environment once, on first use: stub before anything runs.
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID', 'DESKBELL_PUBLIC_URL']) vi.stubEnv(name, undefined);
  sim = await startManageSim({ port: 0 });
  db = await openTestDatabase();
});

afterAll(async () => {
  await sim.close();
  await db.destroy();
});

describe('connection step', () => {
  it('a good connection shows Manage\u2019s version and company name', async () => {
    const result = await testManageConnection(goodForm());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.companyName).toBe(sim.store.settings.companyName);
    expect(result.version).toBe((sim.store.settings.systemInfo as { version: string }).version);
    expect(result.companyId).toBe(sim.credentials.companyId);
    expect(result.notes).toEqual([]);
  });

  it('a wrong private key is "keys rejected", naming the public key and never the private one', async () => {
    const wrongPrivate = 'WrongPrivate9999';
    const result = await testManageConnection({ ...goodForm(), apiKey: key({ privateKey: wrongPrivate }) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem).toMatchObject({ kind: 'keys_rejected', field: 'apiKey' });
    expect(result.problem.message).toContain(sim.credentials.publicKey);
    expect(JSON.stringify(result)).not.toContain(wrongPrivate);
    expect(JSON.stringify(result)).not.toContain(sim.credentials.privateKey);
  });

  it('an unknown company id is reported as such', async () => {
    const result = await testManageConnection({ ...goodForm(), apiKey: key({ companyId: 'not_our_company' }) });
    expect(!result.ok && result.problem).toMatchObject({ kind: 'company_unknown', field: 'apiKey' });
    expect(!result.ok && result.problem.title).toContain('not_our_company');
  });

  it('a missing clientId and an unregistered clientId are told apart', async () => {
    const missing = await testManageConnection({ ...goodForm(), clientId: '' });
    expect(!missing.ok && missing.problem).toMatchObject({ kind: 'input', field: 'clientId' });
    const malformed = await testManageConnection({ ...goodForm(), clientId: 'deskbell' });
    expect(!malformed.ok && malformed.problem.message).toMatch(/must be a GUID/);
    const unregistered = await testManageConnection({ ...goodForm(), clientId: '11111111-2222-4333-8444-555555555555' });
    expect(!unregistered.ok && unregistered.problem).toMatchObject({ kind: 'client_id', field: 'clientId' });
  });

  it('each malformed key gets the adapter\u2019s precise message', async () => {
    const cases: [string, RegExp][] = [
      ['deskbell_demoDemoPubKey000001:secret', /no "\+"/],
      ['deskbell_demo+DemoPubKey000001', /no ":"/],
      ['deskbell_demo+DemoPubKey000001:', /has no private key/],
      ['+DemoPubKey000001:secret', /no company id/],
      ['deskbell_demo+Demo PubKey:secret', /contains a space/],
    ];
    for (const [apiKey, message] of cases) {
      const result = await testManageConnection({ ...goodForm(), apiKey });
      expect(!result.ok && result.problem.kind).toBe('input');
      expect(!result.ok && result.problem.message).toMatch(message);
    }
  });

  it('a closed port is "connection refused"', async () => {
    const port = await closedPort();
    const result = await testManageConnection({ ...goodForm(), endpoint: `127.0.0.1:${port}/v4_6_release` });
    expect(!result.ok && result.problem).toMatchObject({ kind: 'refused', field: 'endpoint' });
  });

  it('saves only after a successful test or with "save anyway", and never returns the private key', async () => {
    const refused = await saveTestedManageConnection(db, { ...goodForm(), apiKey: key({ privateKey: 'WrongPrivate9999' }) }, ADMIN);
    expect(refused.saved).toBe(false);
    expect(await describeManageConnection(db)).toBeNull();
    expect((await loadWizardStatus(db)).steps[0]).toMatchObject({ id: 'connection', state: 'todo' });

    const malformed = await saveTestedManageConnection(db, { ...goodForm(), apiKey: 'nope', saveAnyway: true }, ADMIN);
    expect(malformed.saved).toBe(false);

    const anyway = await saveTestedManageConnection(db, { ...goodForm(), apiKey: key({ privateKey: 'WrongPrivate9999' }), saveAnyway: true }, ADMIN);
    expect(anyway.saved).toBe(true);

    const saved = await saveTestedManageConnection(db, goodForm(), ADMIN);
    expect(saved.saved).toBe(true);
    expect(saved.connection).toMatchObject({ companyId: sim.credentials.companyId, publicKey: sim.credentials.publicKey, hasPrivateKey: true });
    expect(JSON.stringify(saved)).not.toContain(sim.credentials.privateKey);
    expect((await loadWizardStatus(db)).steps[0]).toMatchObject({ id: 'connection', state: 'done' });
  });

  it('an empty API key and clientId in the form keep the stored ones', async () => {
    const result = await checkManageConnection(db, { endpoint: sim.endpoint, apiKey: '', clientId: '' });
    expect(result.ok).toBe(true);
    expect((await readSetupCheck(db, 'connection'))?.ok).toBe(true);
  });
});

describe('permissions step', () => {
  beforeEach(() => {
    sim.clearPermissions();
    sim.clearRequests();
  });

  const ROLE_READS = ['GET /system/myMembers', 'GET /system/securityRoles/63/settings'];
  const apiCalls = () => sim.requests().map((r) => `${r.method} ${r.path}`);
  const probePaths = new Set(PERMISSION_PROBES.flatMap((p) => p.calls.map((c) => `${c.method} ${c.path}`)));

  it('decides every line from the API member\u2019s security role and sends no test request', async () => {
    const before = snapshotStore();
    const check = await checkManagePermissions(db);
    expect(check.probes.map((p) => [p.id, p.verdict, p.method])).toEqual(PERMISSION_PROBES.map((p) => [p.id, 'pass', 'role']));
    expect(check.ok).toBe(true);
    expect(apiCalls()).toEqual(ROLE_READS);
    expect(snapshotStore()).toBe(before);
    const upload = check.probes.find((p) => p.id === 'document-upload');
    expect(upload?.how).toEqual([
      'Security role \u201cAPI Integration\u201d: Companies > Manage Attachments, Add Level = All.',
      'Security role \u201cAPI Integration\u201d: Service Desk > Service Ticket - Dependencies, Add Level = All.',
    ]);
    expect((await readSetupCheck(db, 'permissions'))?.probes?.every((p) => p.method === 'role')).toBe(true);
  });

  const DENIALS = [
    ['companies/configurations', 'configurations-inquire', 'Companies > Configurations', 'Inquire'],
    ['service-desk/service-tickets:add', 'service-tickets-add', 'Service Desk > Service Tickets', 'Add'],
    ['service-desk/service-tickets:edit', 'service-tickets-edit', 'Service Desk > Service Tickets', 'Edit'],
    ['companies/manage-attachments', 'document-upload', 'Companies > Manage Attachments', 'Add'],
  ] as const;
  // The same denials, decided from the role (readable) and by test requests (role unreadable).
  const BOTH_WAYS = (['role', 'probe'] as const).flatMap((method) => DENIALS.map((denial) => [method, ...denial] as const));

  it.each(BOTH_WAYS)('decided by %s: with %s denied exactly the %s line fails, with its fix', async (method, denied, failingId, where, level) => {
    sim.setPermissions({ denied: method === 'role' ? [denied] : ['system/security-roles', denied] });
    const before = snapshotStore();
    const check = await checkManagePermissions(db);
    expect(check.ok).toBe(false);
    expect(check.probes.filter((p) => p.verdict !== 'pass').map((p) => p.id)).toEqual([failingId]);
    const line = check.probes.find((p) => p.id === failingId)!;
    expect(line).toMatchObject({ verdict: 'fail', method });
    expect(line.fix).toContain(`${where}: ${level} Level = All`);
    if (method === 'role') {
      expect(line.how.join(' ')).toContain(`${where}, ${level} Level = None; Deskbell needs All.`);
      // Decided from the role alone: not one test request went to Manage.
      expect(apiCalls()).toEqual(ROLE_READS);
    } else {
      expect(line.how.join(' ')).toMatch(/answered 403 Forbidden: the security role refuses it/);
    }
    expect(snapshotStore()).toBe(before);
    expect((await loadWizardStatus(db)).steps[1]).toMatchObject({ id: 'permissions', state: 'failing' });
  });

  it('when the role may not be read, every line is decided by a test request that changes nothing', async () => {
    sim.setPermissions({ denied: ['system/security-roles'] });
    const before = snapshotStore();
    const check = await checkManagePermissions(db);
    expect(check.probes.map((p) => [p.id, p.verdict, p.method])).toEqual(PERMISSION_PROBES.map((p) => [p.id, 'pass', 'probe']));
    expect(check.ok).toBe(true);
    expect(snapshotStore()).toBe(before);
    const add = check.probes.find((p) => p.id === 'service-tickets-add');
    expect(add?.how).toEqual(['POST /service/tickets answered 400 InvalidObject: the permission exists; the content was refused on purpose.']);
    expect(new Set(check.probes.map((p) => p.fallback))).toEqual(
      new Set(['The API member\u2019s security role could not be read: GET /system/securityRoles/63/settings answered 403 Forbidden.']),
    );
    expect(apiCalls().filter((c) => probePaths.has(c)).sort()).toEqual([...probePaths].sort());
  });

  it('falls back to test requests when Manage does not answer the role read either', async () => {
    sim.setFaults([{ kind: 'status', status: 503, times: 10, match: { path: '^/system/myMembers$' } }]);
    try {
      const check = await checkManagePermissions(db);
      expect(check.probes.every((p) => p.method === 'probe' && p.verdict === 'pass')).toBe(true);
      expect(check.probes[0]!.fallback).toBe('The API member\u2019s security role could not be read: GET /system/myMembers answered 503 ServiceUnavailable.');
    } finally {
      sim.clearFaults();
    }
  });

  it('the simulator\u2019s admin endpoint denies and grants permissions too', async () => {
    const put = await fetch(`${sim.url}/__sim/permissions`, { method: 'PUT', body: JSON.stringify({ denied: ['system/table-setup'] }) });
    expect(await put.json()).toEqual({ denied: ['system/table-setup'] });
    const check = await checkManagePermissions(db);
    expect(check.probes.filter((p) => p.verdict === 'fail').map((p) => [p.id, p.method])).toEqual([['table-setup-inquire', 'role']]);
    const bad = await fetch(`${sim.url}/__sim/permissions`, { method: 'PUT', body: JSON.stringify({ denied: ['system/everything'] }) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${sim.url}/__sim/permissions`, { method: 'DELETE' })).status).toBe(204);
    expect(sim.permissions()).toEqual({ denied: [] });
    expect((await checkManagePermissions(db)).ok).toBe(true);
  });
});

describe('unregistered users step', () => {
  const email = 'unregistered@helpdeskbuttons.com';

  it('finds the demo catch-all and stores its ids, audited', async () => {
    const state = await checkUnregisteredCatchAll(db, { email }, ADMIN);
    expect(state.ok).toBe(true);
    expect(state.company?.name).toBe('Unregistered Users');
    const settings = await loadIntakeSettings(db);
    expect(settings.unregistered).toEqual({ email, companyId: state.company?.id, contactId: state.contact?.id });
    const audit = await listAuditEntries(db);
    expect(audit.find((a) => a.action === 'setup.unregistered.linked')).toBeDefined();
  });

  it('on a Manage without them: nothing is created without confirmation, then both are created', async () => {
    const company = sim.store.companies.find((c) => c.identifier === 'UnregisteredUsers')!;
    for (const contact of sim.store.contacts.filter((c) => (c.company as { id: number } | undefined)?.id === company.id)) sim.store.contacts.delete(contact.id);
    sim.store.companies.delete(company.id);
    const counts = { companies: sim.store.companies.size, contacts: sim.store.contacts.size };

    const missing = await checkUnregisteredCatchAll(db, { email }, ADMIN);
    expect(missing).toMatchObject({ ok: false, company: null, contact: null });
    expect(missing.notes.join(' ')).toMatch(/No catch-all company/);
    expect((await loadWizardStatus(db)).steps[2]).toMatchObject({ id: 'unregistered', state: 'failing' });

    const refused = await expectApiError(
      createUnregisteredCatchAll(db, { email, confirm: false, address: { line1: '1 Main St' } }, ADMIN),
      'bad_request',
    );
    expect(refused.details).toEqual([expect.objectContaining({ path: 'confirm' })]);
    expect({ companies: sim.store.companies.size, contacts: sim.store.contacts.size }).toEqual(counts);

    const created = await createUnregisteredCatchAll(db, { email, confirm: true, address: { line1: '1 Main St', city: 'Portland' } }, ADMIN);
    expect(created.ok).toBe(true);
    expect(created.notes[0]).toMatch(/Created company "Unregistered Users" .* and contact unregistered@helpdeskbuttons.com/);
    const newCompany = sim.store.companies.find((c) => c.identifier === 'UnregisteredUsers')!;
    expect(newCompany).toMatchObject({ name: 'Unregistered Users', addressLine1: '1 Main St', status: expect.objectContaining({ name: 'Active' }) });
    expect((await loadIntakeSettings(db)).unregistered).toEqual({ email, companyId: newCompany.id, contactId: created.contact?.id });
    const entry = (await listAuditEntries(db)).find((a) => a.action === 'setup.unregistered.created');
    expect(entry?.details).toMatchObject({ companyId: newCompany.id, contactId: created.contact?.id });

    const again = await createUnregisteredCatchAll(db, { email, confirm: true, address: { line1: '1 Main St' } }, ADMIN);
    expect(again.notes[0]).toBe('Both already existed; nothing was created.');
    expect(sim.store.companies.size).toBe(counts.companies + 1);
    expect((await loadWizardStatus(db)).steps[2]).toMatchObject({ id: 'unregistered', state: 'done' });
  });
});

describe('defaults step', () => {
  it('offers Manage\u2019s lists with __default__, and board-scoped lists per board', async () => {
    const page = await loadDefaultsPage(db);
    expect(page.options.boards.map((b) => b.value)).toEqual(expect.arrayContaining(['Help Desk', 'Professional Services']));
    for (const list of [page.options.priorities, page.options.sources, page.options.owners, page.options.impacts, page.options.severities]) {
      expect(list[0]?.value).toBe('__default__');
      expect(list.length).toBeGreaterThan(1);
    }
    expect(page.options.owners.map((o) => o.value)).not.toContain('rjones');
    const helpDesk = page.options.boards.find((b) => b.value === 'Help Desk')!;
    const services = page.options.boards.find((b) => b.value === 'Professional Services')!;
    const [a, b] = await Promise.all([loadBoardOptions(db, helpDesk.id), loadBoardOptions(db, services.id)]);
    expect(a.teams.map((t) => t.value)).toEqual(['__default__', 'Tier 1', 'Tier 2']);
    expect(a.statuses[0]?.value).toBe('__default__');
    expect(a.statuses.map((s) => s.value)).toContain('New');
    expect(b.teams.map((t) => t.value)).not.toEqual(a.teams.map((t) => t.value));
    await expectApiError(loadBoardOptions(db, 999_999), 'not_found');
  });

  it('refuses values Manage does not have, field by field, then saves and audits', async () => {
    const error = await expectApiError(
      saveTicketDefaults(db, { ...demoDefaults, status: 'Nope', priority: 'Whenever' }, ADMIN),
      'unprocessable_entity',
    );
    expect(error.details).toEqual([
      { path: 'status', message: "Board 'Help Desk' has no status named 'Nope'." },
      { path: 'priority', message: "Manage has no priority 'Whenever'." },
    ]);
    const noBoard = await expectApiError(saveTicketDefaults(db, { ...demoDefaults, board: '__default__' }, ADMIN), 'unprocessable_entity');
    expect((noBoard.details as { path: string }[]).map((d) => d.path)).toEqual(['status', 'type', 'team']);

    await saveTicketDefaults(db, demoDefaults, ADMIN);
    expect((await loadIntakeSettings(db)).defaults).toEqual(demoDefaults);
    expect((await listAuditEntries(db)).find((a) => a.action === 'setup.ticket_defaults.saved')).toBeDefined();
    expect((await loadWizardStatus(db)).steps[3]).toMatchObject({ id: 'defaults', state: 'done' });
  });

  it('previews the ticket a sample press produces, with Submission Errors', async () => {
    const preview = await previewTicket(db, {
      defaults: demoDefaults,
      sample: { message: 'My printer is jammed and the office needs the invoices printed before noon today', email: 'dana.whitfield@acme-mfg.example', hostname: 'ACME-PC-01' },
    });
    expect(preview.summary).toBe('My printer is jammed and the office needs the');
    expect(preview.contact).toMatchObject({ companyName: 'Acme Manufacturing Co.', registered: true });
    expect(preview.fields).toMatchObject({ board: 'Help Desk', status: 'New', type: 'Incident', team: 'Tier 1', priority: 'Priority 3 - Normal Response' });
    expect(preview.submissionErrors).toEqual([]);
    expect(preview.internalNote).toContain('Hostname: ACME-PC-01');

    const wrong = await previewTicket(db, { defaults: { ...demoDefaults, team: 'Night Shift' }, sample: { message: 'Help', email: 'nobody@unknown.example', name: 'Pat' } });
    expect(wrong.contact).toMatchObject({ registered: false });
    expect(wrong.submissionErrors).toEqual(["Team 'Night Shift' not found on board 'Help Desk'; left to Manage's default"]);
    expect(wrong.internalNote).toContain("[Submission Errors]\n- Team 'Night Shift' not found on board 'Help Desk'; left to Manage's default");
    expect(wrong.internalNote).toContain('[User Registration Requested]');
  });
});

describe('agents step', () => {
  it('creates a token shown once with its press link and CLI command, revokes it, and audits both without the token', async () => {
    const created = await createAgentTokenForAdmin(db, { name: 'Acme front desk' }, ADMIN);
    expect(created.token).toMatch(/^dbt_/);
    expect(created.pressLink).toMatch(new RegExp(`/press#token=${created.token}$`));
    expect(created.cliCommand).toContain(`--token ${created.token}`);
    expect((await verifyAgentToken(db, created.token)).ok).toBe(true);
    expect((await listAgentTokensForAdmin(db)).map((t) => t.name)).toContain('Acme front desk');

    await revokeAgentTokenForAdmin(db, created.agentToken.id, ADMIN);
    expect(await verifyAgentToken(db, created.token)).toEqual({ ok: false, reason: 'revoked' });
    await expectApiError(revokeAgentTokenForAdmin(db, created.agentToken.id, ADMIN), 'conflict');
    await expectApiError(revokeAgentTokenForAdmin(db, '00000000-0000-4000-8000-000000000000', ADMIN), 'not_found');
    await expectApiError(createAgentTokenForAdmin(db, { name: '   ' }, ADMIN), 'unprocessable_entity');

    const audit = await listAuditEntries(db, { limit: 200 });
    const actions = audit.filter((a) => a.target === created.agentToken.id).map((a) => a.action);
    expect(actions.sort()).toEqual(['agent_token.created', 'agent_token.revoked']);
    expect(JSON.stringify(audit)).not.toContain(created.token);
    const rows = await db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(JSON.stringify(rows)).not.toContain(sim.credentials.privateKey);
  });
});
