import { describe, expect, it } from 'vitest';
import type { ManageSecurityLevel, ManageSecurityRoleSetting } from '@/lib/connectwise/types';
import { combineVerdicts, decideFromRole, decideProbeCall, PERMISSION_PROBES } from '@/lib/connectwise/permissions';

const read = { method: 'GET' as const, path: '/company/companies', expect: 'read' as const };
const write = { method: 'POST' as const, path: '/service/tickets', expect: 'refused' as const };

describe('probe decisions', () => {
  it('a read passes on 200 and fails on 403', () => {
    expect(decideProbeCall(read, { status: 200, code: null })).toEqual({ verdict: 'pass', how: 'GET /company/companies answered 200: the role allows it.' });
    const denied = decideProbeCall(read, { status: 403, code: 'Forbidden' });
    expect(denied.verdict).toBe('fail');
    expect(denied.how).toBe('GET /company/companies answered 403 Forbidden: the security role refuses it.');
  });

  it('a write built to be refused passes on 400 and 404, fails on 403', () => {
    const content = decideProbeCall(write, { status: 400, code: 'InvalidObject' });
    expect(content.verdict).toBe('pass');
    expect(content.how).toBe('POST /service/tickets answered 400 InvalidObject: the permission exists; the content was refused on purpose.');
    expect(decideProbeCall({ ...write, method: 'PATCH', path: '/service/tickets/0' }, { status: 404, code: 'NotFound' }).verdict).toBe('pass');
    expect(decideProbeCall(write, { status: 403, code: 'Forbidden' }).verdict).toBe('fail');
  });

  it('a write Manage accepted still proves the permission, and says so', () => {
    const accepted = decideProbeCall(write, { status: 201, code: null });
    expect(accepted.verdict).toBe('pass');
    expect(accepted.how).toMatch(/look for a record Deskbell left behind/);
  });

  it('cannot tell on 401, 404 for a read, 429, 5xx, 415 or no answer', () => {
    expect(decideProbeCall(read, { status: 401, code: 'Unauthorized' }).how).toMatch(/Fix step 1 first/);
    for (const answer of [
      { status: 401, code: 'Unauthorized' },
      { status: 404, code: 'NotFound' },
      { status: 429, code: 'TooManyRequests' },
      { status: 500, code: 'ConnectWiseApi' },
      { status: 415, code: 'UnsupportedMediaType' },
      { status: null, reason: 'timed out' },
    ] as const) {
      expect(decideProbeCall(read, answer).verdict).toBe('unknown');
    }
    expect(decideProbeCall(write, { status: 400, code: 'InvalidObject' }).verdict).toBe('pass');
    expect(decideProbeCall(read, { status: 400, code: 'InvalidObject' }).verdict).toBe('unknown');
  });

  it('one failing call fails the line; an unknown one makes it unknown', () => {
    expect(combineVerdicts(['pass', 'fail', 'unknown'])).toBe('fail');
    expect(combineVerdicts(['pass', 'unknown'])).toBe('unknown');
    expect(combineVerdicts(['pass', 'pass'])).toBe('pass');
  });

  it('every probe names its role setting, and writes only send requests Manage must refuse', () => {
    for (const probe of PERMISSION_PROBES) {
      expect(probe.fix).toMatch(/^System > Security Roles > .+: .*Level = All/);
      for (const call of probe.calls) {
        if (call.method !== 'GET') {
          expect(call.expect).toBe('refused');
          expect(call.path.includes('/0') || JSON.stringify(call.json ?? call.form).includes('"id":0') || call.form?.recordId === '0').toBe(true);
        }
      }
    }
  });
});

function setting(moduleName: string, functionName: string, levels: Partial<Record<'add' | 'edit' | 'delete' | 'inquire', ManageSecurityLevel | null>>, extra: Partial<ManageSecurityRoleSetting> = {}): ManageSecurityRoleSetting {
  return { moduleIdentifier: null, moduleName, functionIdentifier: null, functionName, add: null, edit: null, delete: null, inquire: null, customized: false, ...levels, ...extra };
}

const probe = (id: string) => PERMISSION_PROBES.find((p) => p.id === id)!;

describe('decisions from the security role', () => {
  const tickets = setting('Service Desk', 'Service Tickets', { add: 'All', edit: 'My', delete: 'None', inquire: 'All' });
  const dependencies = setting('Service Desk', 'Service Ticket - Dependencies', { add: 'None', inquire: 'All' });
  const attachments = setting('Companies', 'Manage Attachments', { add: 'All' });
  const settings = [tickets, dependencies, attachments];

  it('All passes, naming the role and the level it read', () => {
    expect(decideFromRole(probe('service-tickets-add'), 'API Integration', settings)).toEqual({
      decided: true,
      verdict: 'pass',
      how: ['Security role \u201cAPI Integration\u201d: Service Desk > Service Tickets, Add Level = All.'],
    });
  });

  it('None and My fail: Deskbell needs All', () => {
    const my = decideFromRole(probe('service-tickets-edit'), 'API Integration', settings);
    expect(my).toEqual({
      decided: true,
      verdict: 'fail',
      how: ['Security role \u201cAPI Integration\u201d: Service Desk > Service Tickets, Edit Level = My (only records of the API member itself); Deskbell needs All.'],
    });
    const none = decideFromRole(probe('ticket-dependencies-add'), null, settings);
    expect(none).toMatchObject({ decided: true, verdict: 'fail', how: ['The security role: Service Desk > Service Ticket - Dependencies, Add Level = None; Deskbell needs All.'] });
  });

  it('a line that needs two settings fails when either is short, and says which', () => {
    const upload = decideFromRole(probe('document-upload'), 'R', settings);
    expect(upload).toMatchObject({ decided: true, verdict: 'fail' });
    expect(upload.decided && upload.how).toEqual([
      'Security role \u201cR\u201d: Companies > Manage Attachments, Add Level = All.',
      'Security role \u201cR\u201d: Service Desk > Service Ticket - Dependencies, Add Level = None; Deskbell needs All.',
    ]);
    const granted = [tickets, setting('Service Desk', 'Service Ticket - Dependencies', { add: 'All' }), attachments];
    expect(decideFromRole(probe('document-upload'), 'R', granted)).toMatchObject({ decided: true, verdict: 'pass' });
  });

  it('leaves the line to a test request when the role does not list the function or gives no level', () => {
    expect(decideFromRole(probe('configurations-inquire'), 'R', settings)).toEqual({ decided: false, missing: 'Security role \u201cR\u201d does not list Companies > Configurations' });
    expect(decideFromRole(probe('service-tickets-edit'), 'R', [setting('Service Desk', 'Service Tickets', { add: 'All' })])).toEqual({
      decided: false,
      missing: 'Security role \u201cR\u201d gives no Edit Level for Service Desk > Service Tickets',
    });
    // A function of the same name in another module is not the one the line needs.
    expect(decideFromRole(probe('configurations-inquire'), 'R', [setting('Procurement', 'Configurations', { inquire: 'All' })]).decided).toBe(false);
  });

  it('matches names as the role screen shows them, ignoring case and punctuation, or by identifier', () => {
    const spaced = [setting('SERVICE DESK', 'service ticket dependencies', { inquire: 'All' })];
    expect(decideFromRole(probe('ticket-dependencies-inquire'), 'R', spaced)).toMatchObject({ decided: true, verdict: 'pass' });
    const byIdentifier = [setting('', '', { inquire: 'None' }, { moduleIdentifier: 'System', functionIdentifier: 'TableSetup' })];
    expect(decideFromRole(probe('table-setup-inquire'), 'R', byIdentifier)).toMatchObject({ decided: true, verdict: 'fail' });
  });

  it('every line names the role settings it needs, and they agree with its fix', () => {
    for (const line of PERMISSION_PROBES) {
      expect(line.requires.length).toBeGreaterThan(0);
      for (const req of line.requires) {
        const level = { add: 'Add', edit: 'Edit', delete: 'Delete', inquire: 'Inquire' }[req.level];
        expect(line.fix).toContain(`${req.module} > ${req.function}: ${level} Level = All`);
      }
    }
  });
});
