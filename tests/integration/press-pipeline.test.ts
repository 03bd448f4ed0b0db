import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { basePress } from '../support/press-fixtures';
import { screenshot, shotsMeta, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

let h: PipelineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function notesOf(harness: PipelineHarness, ticketId: number): string {
  return harness.sim.store.ticketNotes
    .list()
    .filter((n) => n.ticketId === ticketId)
    .map((n) => n.text)
    .join('\n---\n');
}

describe('a press becomes a complete Manage ticket', () => {
  it('finds the contact, files the ticket with its documents and configuration, and says so', async () => {
    h = await startPipelineHarness();
    const shots = [screenshot(1), screenshot(2), screenshot(3)];
    const attachment = { name: 'attachment' as const, bytes: Buffer.from('event log excerpt\n'), filename: 'events.txt', type: 'text/plain' };
    const accepted = await h.press(
      basePress({
        email: 'dana.whitfield@acme-mfg.example',
        message: 'Outlook will not open and the printer queue is stuck since the update this morning',
        host: { hostname: 'acme-pc-01.acme.local', username: 'dana', localIp: '10.20.1.21', mac: 'AA-BB-CC-00-11-22', os: 'Windows 11 Pro', agentVersion: '1.4.2' },
        screenshots: shotsMeta(3),
      }),
      [...shots, attachment],
    );
    expect(accepted.status).toBe(202);
    const pressId = accepted.body.id;

    await h.settle();
    const status = await h.status(pressId);
    expect(status).toMatchObject({ status: 'ticket_created', ticketId: expect.any(Number), ticketNumber: expect.any(String) });

    const [ticket, ...others] = h.ticketsFor(pressId);
    expect(others).toEqual([]);
    const raw = ticket as unknown as {
      id: number; summary: string; company: { identifier: string }; contact: { id: number; name: string };
      board: { name: string }; status: { name: string }; team: { name: string }; source: { name: string }; externalXRef: string;
    };
    expect(raw.id).toBe(status.ticketId);
    expect(raw.summary).toBe('Outlook will not open and the printer queue is');
    expect(raw.company.identifier).toBe('AcmeMfg');
    const dana = h.sim.store.contacts.list().find((c) => c.firstName === 'Dana')!;
    expect(raw.contact.id).toBe(dana.id);
    expect(raw.board.name).toBe('Help Desk');
    expect(raw.status.name).toBe('New');
    expect(raw.team.name).toBe('Tier 1');
    expect(raw.source.name).toBe('Helpdesk Button');

    const documents = h.sim.store.documents.list().filter((d) => d.recordType === 'Ticket' && d.recordId === raw.id);
    expect(documents).toHaveLength(4);
    const sent = [...shots.map((s) => s.bytes), attachment.bytes].map(sha).sort();
    expect(documents.map((d) => sha(d.content)).sort()).toEqual(sent);

    const links = h.sim.store.ticketConfigurations.list().filter((l) => l.ticketId === raw.id);
    const pc01 = h.sim.store.configurations.list().find((c) => c.name === 'ACME-PC-01')!;
    expect(links.map((l) => l.configurationId)).toEqual([pc01.id]);

    const notes = notesOf(h, raw.id);
    expect(notes).toContain(`Deskbell report: https://deskbell.test/presses/${pressId}`);
    expect(notes).toContain('[Host Details]\nHostname: acme-pc-01.acme.local\nUsername: dana');
    expect(notes).toContain('Default printer: HP LaserJet');
    expect(notes).not.toContain('[User Registration Requested]');
    expect(notes).not.toContain('[Submission Errors]');

    const row = await h.db.selectFrom('presses').select('outcome').where('id', '=', pressId).executeTakeFirstOrThrow();
    const outcome = JSON.parse(row.outcome!);
    expect(outcome.steps.map((s: { name: string }) => s.name)).toEqual(['contact', 'rules', 'names', 'ticket', 'documents+configuration']);
    expect(outcome.calls.length).toBeGreaterThan(0);
    expect(outcome.calls.every((c: { method: string; path: string; status: number; ms: number }) => c.method && c.path && c.ms >= 0)).toBe(true);
    expect(outcome.configuration).toEqual({ id: pc01.id, name: 'ACME-PC-01' });
  });

  it('an attachment named with 101 to 120 characters is shortened to what Manage keeps and uploaded, extension intact', async () => {
    h = await startPipelineHarness();
    const longName = `${'quarterly-report-'.repeat(6)}final.xlsx`;
    expect(longName.length).toBeGreaterThan(100);
    expect(longName.length).toBeLessThanOrEqual(120);
    const attachment = { name: 'attachment' as const, bytes: Buffer.from('cells\n'), filename: longName, type: 'application/octet-stream' };
    const accepted = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }), [attachment]);
    expect(accepted.status).toBe(202);
    await h.settle();
    const status = await h.status(accepted.body.id);
    expect(status).toMatchObject({ status: 'ticket_created' });
    const documents = h.sim.store.documents.list().filter((d) => d.recordType === 'Ticket' && d.recordId === status.ticketId);
    expect(documents).toHaveLength(1);
    const title = documents[0]!.title ?? '';
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title.endsWith('.xlsx')).toBe(true);
    expect(title.startsWith('quarterly-report-quarterly-report-')).toBe(true);
  });

  it('sends an unknown email to the unregistered contact and asks for registration', async () => {
    h = await startPipelineHarness();
    const { body } = await h.press(basePress({ email: 'new.hire@acme-mfg.example', name: 'Nia Newhire', phone: '555-0199' }));
    await h.settle();
    const [ticket] = h.ticketsFor(body.id) as unknown as { id: number; company: { identifier: string }; contact: { name: string }; contactEmailAddress: string; contactName: string }[];
    expect(ticket!.company.identifier).toBe('UnregisteredUsers');
    expect(ticket!.contactEmailAddress).toBe('new.hire@acme-mfg.example');
    expect(ticket!.contactName).toBe('Nia Newhire');
    const notes = notesOf(h, ticket!.id);
    expect(notes).toContain('[User Registration Requested]\nName: Nia Newhire\nEmail Address: new.hire@acme-mfg.example\nPhone: 555-0199');
  });

  it('still creates the ticket when the default board does not exist, and lists the fallback', async () => {
    h = await startPipelineHarness({ defaults: { board: 'Professional Servces' } });
    const { body } = await h.press(basePress({ email: 'grace.holloway@northwinddental.example' }));
    await h.settle();
    expect(await h.status(body.id)).toMatchObject({ status: 'ticket_created' });
    const [ticket] = h.ticketsFor(body.id) as unknown as { id: number }[];
    const notes = notesOf(h, ticket!.id);
    expect(notes).toContain("[Submission Errors]\n- Board 'Professional Servces' not found; left to Manage's default");
    const row = await h.db.selectFrom('presses').select('outcome').where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.outcome!).submissionErrors).toContain("Board 'Professional Servces' not found; left to Manage's default");
  });

  it('files the ticket when the API member may not read members and no owner is asked for', async () => {
    h = await startPipelineHarness();
    h.sim.setPermissions({ denied: ['system/member-maintenance'] });
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle();
    expect(await h.status(body.id)).toMatchObject({ status: 'ticket_created' });
  });

  it('after the caches are warmed at start, a press makes no lookup-table call', async () => {
    const { warmManageCaches } = await import('@/lib/intake/warm-manage-caches');
    h = await startPipelineHarness();
    await warmManageCaches(h.context, await h.deps.loadSettings(h.db));
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example', host: { hostname: 'ACME-PC-01' } }));
    await h.settle();
    const row = await h.db.selectFrom('presses').select('outcome').where('id', '=', body.id).executeTakeFirstOrThrow();
    const paths = (JSON.parse(row.outcome!).calls as { method: string; path: string }[]).map((c) => `${c.method} ${c.path}`);
    expect(paths.filter((p) => /\/service\/(boards|priorities|sources|impacts|severities)|\/system\/members/.test(p))).toEqual([]);
    expect(paths[0]).toBe('GET /company/contacts');
  });

  it('links no configuration when only an inactive one matches the hostname', async () => {
    h = await startPipelineHarness();
    const { body } = await h.press(basePress({ email: 'hannah.kim@summitcpa.example', host: { hostname: 'SUMMIT-PC-02' } }));
    await h.settle();
    const [ticket] = h.ticketsFor(body.id);
    expect(h.sim.store.ticketConfigurations.list().filter((l) => l.ticketId === ticket!.id)).toEqual([]);
  });

  it('answers a long-polling agent as soon as the ticket exists', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'latency', ms: 150 }]);
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    const started = Date.now();
    const seen = await h.status(body.id, 10);
    // The first change the poll sees may be 'processing'; keep polling like an agent does.
    let final = seen;
    while (final.status !== 'ticket_created' && Date.now() - started < 10_000) final = await h.status(body.id, 10);
    expect(final).toMatchObject({ status: 'ticket_created', ticketNumber: String(final.ticketId) });
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});

describe('the rules step inside the pipeline', () => {
  it('routes by what the rules set: board by name, with its board-scoped status', async () => {
    const { scriptedRuleEngine } = await import('../support/scripted-rule-engine');
    h = await startPipelineHarness({
      rules: { source: "if 'emergency' in selections: board = 'Alerts'", engine: scriptedRuleEngine((v) => (v.selections.includes('emergency') ? { board: 'Alerts', state: 'In Progress', team: 'NOC', priority: 0 } : {})) },
    });
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle();
    const [ticket] = h.ticketsFor(body.id) as unknown as { board: { name: string }; status: { id: number; name: string }; team: { name: string }; priority: { name: string } }[];
    expect(ticket!.board.name).toBe('Alerts');
    expect(ticket!.status.name).toBe('In Progress');
    expect(ticket!.status.id).toBe(14);
    expect(ticket!.team.name).toBe('NOC');
    expect(ticket!.priority.name).toBe('Priority 1 - Emergency Response');
  });

  it('a rule that sets exception refuses the press: no ticket, and the agent sees the text', async () => {
    const { scriptedRuleEngine } = await import('../support/scripted-rule-engine');
    h = await startPipelineHarness({ rules: { source: "exception = 'Call us'", engine: scriptedRuleEngine(() => ({ exception: 'Please call 555-0100 for outages.' })) } });
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle();
    expect(await h.status(body.id)).toMatchObject({ status: 'refused', message: 'Please call 555-0100 for outages.' });
    expect(h.ticketsFor(body.id)).toHaveLength(0);
  });

  it('a crashing rule still files the ticket with the values from before, and reports the error', async () => {
    const { scriptedRuleEngine } = await import('../support/scripted-rule-engine');
    h = await startPipelineHarness({ rules: { source: 'x = 1 / 0', engine: scriptedRuleEngine(() => ({ crash: { type: 'ZeroDivisionError', message: 'division by zero', line: 1 } })) } });
    const { body } = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle();
    const [ticket] = h.ticketsFor(body.id) as unknown as { id: number; board: { name: string } }[];
    expect(ticket!.board.name).toBe('Help Desk');
    expect(notesOf(h, ticket!.id)).toContain(
      '[Submission Errors]\n- Dispatcher rules failed: ZeroDivisionError: division by zero (line 1); the ticket uses the values from before the rules ran',
    );
  });
});
