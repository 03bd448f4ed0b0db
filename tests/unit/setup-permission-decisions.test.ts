import { describe, expect, it } from 'vitest';
import { combineVerdicts, decideProbeCall, PERMISSION_PROBES } from '@/lib/setup/permission-probes';

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
