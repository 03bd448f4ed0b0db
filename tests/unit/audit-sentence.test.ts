import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DESCRIBED_AUDIT_ACTIONS, describeAuditEntry, type AuditSentenceInput } from '@/lib/audit/audit-sentence';

const names = new Map([['aisha@msp.example', 'Aisha Khan']]);
const AISHA = 'aisha@msp.example';

function say(action: string, details: Record<string, unknown> | null, extra: Partial<AuditSentenceInput> = {}): string {
  return describeAuditEntry({ actor: AISHA, action, target: null, details, ...extra }, names);
}

/** Each kind as its writer records it (the details are copied from the recordAudit calls). */
const CASES: [string, () => string, string][] = [
  ['admin.signin', () => say('admin.signin', { provider: 'credentials' }, { target: AISHA }), 'Aisha Khan signed in with a password.'],
  [
    'admin.signin.failed',
    () => say('admin.signin.failed', { failures: 3, locked: true, clientIp: '10.0.0.9', knownDevice: false }, { actor: 'anonymous', target: 'bob@msp.example' }),
    'A sign-in as bob@msp.example failed (3 failed attempts in a row); sign-in for this address is locked for a while.',
  ],
  [
    'admin.signin.denied',
    () => say('admin.signin.denied', { provider: 'oidc', reason: 'disabled' }, { actor: 'anonymous', target: 'bob@msp.example' }),
    'Single sign-on refused bob@msp.example: the admin account is disabled.',
  ],
  [
    'admin.user.created',
    () => say('admin.user.created', { name: 'Bob Lee', signIn: 'password' }, { target: 'bob@msp.example' }),
    'Aisha Khan added the admin Bob Lee (bob@msp.example), signing in with a password.',
  ],
  ['admin.user.disabled', () => say('admin.user.disabled', null, { target: 'bob@msp.example', actor: 'cli' }), 'An admin at the command line disabled the admin bob@msp.example.'],
  ['admin.user.enabled', () => say('admin.user.enabled', null, { target: AISHA }), 'Aisha Khan enabled the admin Aisha Khan (aisha@msp.example) again.'],
  [
    'admin.user.password_reset',
    () => say('admin.user.password_reset', { sessionsEnded: true }, { target: 'bob@msp.example' }),
    'Aisha Khan set a new password for bob@msp.example, which signed them out everywhere.',
  ],
  [
    'manage.connection.saved',
    () =>
      say(
        'manage.connection.saved',
        { endpoint: 'https://na.myconnectwise.net', companyId: 'acme', publicKey: 'pub', privateKeyChanged: true, clientIdChanged: false },
        { target: 'https://na.myconnectwise.net' },
      ),
    'Aisha Khan saved the Manage connection to https://na.myconnectwise.net (company acme) and changed the private key.',
  ],
  [
    'rules.saved',
    () => say('rules.saved', { version: 4, previousVersion: 3, sha256: 'ab', lines: 1, note: 'VIPs first' }, { target: 'rules v4' }),
    'Aisha Khan saved the dispatcher rules as version 4 (1 line): “VIPs first”.',
  ],
  [
    'rules.rolled_back',
    () => say('rules.rolled_back', { version: 5, previousVersion: 4, rollbackOf: 2, sha256: 'ab', lines: 12, note: 'Rolled back to v2' }),
    'Aisha Khan rolled back the dispatcher rules to version 2, saved as version 5.',
  ],
  [
    'press.retry',
    () => say('press.retry', { jobId: 'j', previousAttempts: 1, deadReason: 'x' }, { target: '0c9f6a1e-1111-2222-3333-444455556666' }),
    'Aisha Khan retried the press 0c9f6a1e after 1 attempt.',
  ],
  ['agent_token.created', () => say('agent_token.created', { name: 'Front desk', prefix: 'db_12' }, { target: 'id' }), "Aisha Khan created the agent token 'Front desk'."],
  ['agent_token.revoked', () => say('agent_token.revoked', { name: 'Front desk', prefix: 'db_12' }), "Aisha Khan revoked the agent token 'Front desk'."],
  [
    'setup.ticket_defaults.saved',
    () => say('setup.ticket_defaults.saved', { changed: ['board', 'priority'], values: { board: 'Help Desk' } }),
    'Aisha Khan changed the ticket defaults: board and priority.',
  ],
  [
    'setup.unregistered.linked',
    () => say('setup.unregistered.linked', { email: 'unknown@msp.example', companyId: 4, contactId: 9 }),
    'Aisha Khan set where presses from unknown people go: the Manage contact unknown@msp.example.',
  ],
  [
    'setup.unregistered.created',
    () => say('setup.unregistered.created', { email: 'unknown@msp.example', companyId: 4, contactId: 9, created: ['company "Catch-all" (id 4)', 'contact unknown@msp.example (id 9)'] }),
    'Aisha Khan set where presses from unknown people go: unknown@msp.example, after creating the company "Catch-all" (id 4) and contact unknown@msp.example (id 9) in Manage.',
  ],
  [
    'setup.callbacks.registered',
    () => say('setup.callbacks.registered', { level: 'board', boardIds: [1, 2], url: 'https://d/…', created: 1, updated: 0, unchanged: 1, removed: 0, failed: 0, kept: 0 }),
    'Aisha Khan registered the ticket callbacks in Manage for 2 boards (1 created).',
  ],
  [
    'setup.callbacks.created',
    () => say('setup.callbacks.created', { type: 'Ticket', level: 'board', objectId: 1, boardName: 'Help Desk', url: 'https://d/…' }),
    "Aisha Khan added a ticket callback in Manage for the board 'Help Desk'.",
  ],
  [
    'setup.callbacks.updated',
    () => say('setup.callbacks.updated', { type: 'Ticket', level: 'owner', objectId: 1, boardName: null, changed: ['url', 'inactive'], from: 'x', url: 'y' }),
    'Aisha Khan updated the ticket callback for all tickets (its address and it was switched off).',
  ],
  [
    'setup.callbacks.repaired',
    () => say('setup.callbacks.repaired', { type: 'Ticket', level: 'board', objectId: 7, changed: ['description'], from: 'x', url: 'y' }),
    'Aisha Khan repaired the ticket callback for board 7 (its description).',
  ],
  [
    'setup.callbacks.removed',
    () => say('setup.callbacks.removed', { type: 'Ticket', level: 'board', objectId: 1, boardName: 'Help Desk', reason: 'duplicate', url: 'x' }),
    "Aisha Khan removed the ticket callback for the board 'Help Desk' from Manage because it was a duplicate.",
  ],
  [
    'setup.pod.registered',
    () => say('setup.pod.registered', { tabs: ['company-tab'], url: 'u', origin: 'o', podHeight: 400, created: 2, updated: 0, unchanged: 0, removed: 1, failed: 1, kept: 0 }),
    'Aisha Khan registered the pod and the Company tab in Manage (2 created, 1 removed, 1 refused by Manage).',
  ],
  [
    'setup.pod.created',
    () => say('setup.pod.created', { screenId: 1, screen: 'Service Ticket', type: 'Pod', kind: 'ticket-pod', url: 'u', origin: 'o', podHeight: 400 }),
    'Aisha Khan added the Service Ticket pod in Manage.',
  ],
  [
    'setup.pod.updated',
    () => say('setup.pod.updated', { screenId: 1, screen: 'Service Ticket', type: 'Tab', kind: 'ticket-tab', changed: ['origin'], from: {}, url: 'u' }),
    'Aisha Khan updated the Service Ticket tab in Manage (its origin).',
  ],
  [
    'setup.pod.repaired',
    () => say('setup.pod.repaired', { screenId: 1, screen: 'Service Ticket', type: 'Pod', kind: 'ticket-pod', changed: ['podHeight'], from: {}, url: 'u' }),
    'Aisha Khan repaired the Service Ticket pod in Manage (its height).',
  ],
  [
    'setup.pod.removed',
    () => say('setup.pod.removed', { screenId: 3, type: 'Tab', reason: 'removed_by_admin', url: 'u' }),
    'Aisha Khan removed a Manage tab from Manage.',
  ],
  [
    'notifications.settings_saved',
    () => say('notifications.settings_saved', { changed: ['status_changed'], disabled: ['note_added', 'closed'] }),
    "Aisha Khan changed the 'status changed' notification; switched off: 'note added' and 'ticket closed'.",
  ],
];

describe('audit log sentences', () => {
  it.each(CASES)('%s reads as a sentence', (_action, render, expected) => {
    expect(render()).toBe(expected);
  });

  it('names people by their admin name, and keeps the address when no name is known', () => {
    expect(say('agent_token.created', { name: 'Front desk' })).toMatch(/^Aisha Khan /);
    expect(say('agent_token.created', { name: 'Front desk' }, { actor: 'bob@msp.example' })).toMatch(/^bob@msp\.example created/);
  });

  it('an unknown kind still gets a sentence, without its event code or raw details', () => {
    const text = say('billing.plan_changed', { plan: { tier: 'gold', seats: 12 }, secret: '[redacted]' }, { target: 'acme' });
    expect(text).toBe('Aisha Khan changed billing plan (acme).');
    expect(text).not.toContain('billing.plan_changed');
    expect(text).not.toMatch(/[{}[\]"]/);
    expect(say('weird', null)).toBe('Aisha Khan changed weird.');
  });

  it('a kind recorded without its details does not print undefined or JSON', () => {
    for (const action of DESCRIBED_AUDIT_ACTIONS) {
      const text = describeAuditEntry({ actor: AISHA, action, target: null, details: null }, names);
      expect(text, action).not.toMatch(/undefined|null|NaN|\{|\}|\[object/);
      expect(text, action).not.toContain(action);
    }
  });

  it('every audit event the code writes has its own sentence', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const written = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else if (/\.tsx?$/.test(name)) {
          const source = readFileSync(file, 'utf8');
          // Registration descriptors name the actions the reconciler writes for them.
          if (!source.includes('recordAudit') && !source.includes('auditActions:')) continue;
          for (const m of source.matchAll(/'((?:admin|manage|rules|press|agent_token|setup|notifications)\.[a-z_.]+)'/g)) written.add(m[1]!);
        }
      }
    };
    walk(path.join(root, 'lib'));
    walk(path.join(root, 'app'));
    walk(path.join(root, 'scripts'));
    // Setting keys share the dotted shape; they are not events.
    for (const key of ['setup.check.unregistered', 'manage.connection']) written.delete(key);
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((a) => !DESCRIBED_AUDIT_ACTIONS.includes(a)).sort()).toEqual([]);
    expect([...CASES.map(([a]) => a)].sort()).toEqual([...written].sort());
  });
});
