import { describe, expect, it } from 'vitest';
import type { StoredManageConnection } from '@/lib/settings/manage-connection';
import { computeWizardSteps } from '@/lib/setup/wizard-status';

const connection: StoredManageConnection = {
  endpoint: 'cw.example/v4_6_release',
  companyId: 'acme',
  publicKey: 'Pub',
  hasPrivateKey: true,
  clientIdHint: 'abcd',
  apiVersion: '2026.11',
  updatedAt: '2026-01-01T00:00:00Z',
  source: 'database',
};
const check = (ok: boolean, summary = ok ? 'fine' : 'broken') => ({ ok, at: '2026-01-01T00:00:00Z', summary });
const base = { connection: null, checks: {}, unregisteredIdsStored: false, defaultsSaved: false, activeTokens: 0 };
const states = (input: Parameters<typeof computeWizardSteps>[0]) => Object.fromEntries(computeWizardSteps(input).map((s) => [s.id, s.state]));

describe('step indicator', () => {
  it('a fresh install has everything to do, and the later features marked as later', () => {
    expect(states(base)).toEqual({ connection: 'todo', permissions: 'todo', unregistered: 'todo', defaults: 'todo', rules: 'optional', agents: 'todo', later: 'later' });
  });

  it('a failed connection test shows failing even before anything is saved', () => {
    const steps = computeWizardSteps({ ...base, checks: { connection: check(false, 'Manage rejected the API keys') } });
    expect(steps[0]).toMatchObject({ id: 'connection', state: 'failing', detail: 'Manage rejected the API keys' });
  });

  it('follows the last check of each step once connected', () => {
    expect(
      states({
        ...base,
        connection,
        checks: { connection: check(true), permissions: check(false), unregistered: check(true) },
        unregisteredIdsStored: true,
        defaultsSaved: true,
        activeTokens: 2,
      }),
    ).toEqual({ connection: 'done', permissions: 'failing', unregistered: 'done', defaults: 'done', rules: 'optional', agents: 'done', later: 'later' });
  });

  it('stored catch-all ids with a failing last check are failing; a stored, untested connection is still to do', () => {
    const s = states({ ...base, connection, checks: { unregistered: check(false) }, unregisteredIdsStored: true });
    expect(s.unregistered).toBe('failing');
    expect(s.connection).toBe('todo');
  });
});
