import { describe, expect, it } from 'vitest';
import type { StoredManageConnection } from '@/lib/settings/manage-connection';
import { computeWizardSteps, WIZARD_STEPS } from '@/lib/setup/wizard-status';

const connection: StoredManageConnection = {
  endpoint: 'cw.example/v4_6_release',
  origin: 'https://cw.example',
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
  it('a fresh install has everything to do (the rules are optional)', () => {
    expect(states(base)).toEqual({ connection: 'todo', permissions: 'todo', unregistered: 'todo', defaults: 'todo', rules: 'optional', agents: 'todo', callbacks: 'todo', pod: 'todo' });
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
    ).toEqual({ connection: 'done', permissions: 'failing', unregistered: 'done', defaults: 'done', rules: 'optional', agents: 'done', callbacks: 'todo', pod: 'todo' });
  });

  it('stored catch-all ids with a failing last check are failing; a stored, untested connection is still to do', () => {
    const s = states({ ...base, connection, checks: { unregistered: check(false) }, unregisteredIdsStored: true });
    expect(s.unregistered).toBe('failing');
    expect(s.connection).toBe('todo');
  });

  it('step 7 is Callbacks and step 8 the Pod, a real step now; no step is a later-release placeholder', () => {
    expect(WIZARD_STEPS.slice(6).map((s) => `${s.number}. ${s.title} ${s.href}`)).toEqual(['7. Callbacks /setup/callbacks', '8. Pod /setup/pod']);
  });

  it('callbacks: to do until a registration is stored, then done with the count, failing when Manage refused a change', () => {
    const step = (callbacks: Parameters<typeof computeWizardSteps>[0]['callbacks']) => computeWizardSteps({ ...base, connection, callbacks }).find((s) => s.id === 'callbacks')!;
    expect(step(undefined)).toMatchObject({ state: 'todo', detail: 'Register the callback, so Manage tells Deskbell when a ticket moves.' });
    expect(step({ level: 'owner', boards: 0, registered: 1, failed: 0 })).toMatchObject({ state: 'done', detail: '1 callback registered for all tickets (owner level).' });
    expect(step({ level: 'board', boards: 2, registered: 2, failed: 0 })).toMatchObject({ state: 'done', detail: '2 callbacks registered for 2 boards.' });
    expect(step({ level: 'board', boards: 3, registered: 1, failed: 2 })).toMatchObject({ state: 'failing', detail: '1 of 3 callbacks registered for 3 boards; Manage refused 2 changes.' });
    expect(step({ level: 'board', boards: 1, registered: 1, failed: 0 })).toMatchObject({ state: 'done', detail: '1 callback registered for 1 board.' });
    expect(step({ level: 'board', boards: 2, registered: 1, failed: 1 })).toMatchObject({ state: 'failing', detail: '1 of 2 callbacks registered for 2 boards; Manage refused 1 change.' });
    expect(step({ level: 'owner', boards: 0, registered: 0, failed: 0 })).toMatchObject({ state: 'todo' });
  });

  it('pod: to do until a registration is stored, done once every wanted pod and tab is in Manage, to do again after a failure or a removal', () => {
    const step = (pod: Parameters<typeof computeWizardSteps>[0]['pod']) => computeWizardSteps({ ...base, connection, pod }).find((s) => s.id === 'pod')!;
    expect(step(undefined)).toMatchObject({ state: 'todo', detail: expect.stringMatching(/^Register the Deskbell pod on Manage\u2019s Service Ticket screen/) });
    expect(step(null)).toMatchObject({ state: 'todo' });
    expect(step({ tabs: 0, wanted: 1, registered: 1, failed: 0 })).toMatchObject({ state: 'done', detail: 'The pod is registered in Manage.' });
    expect(step({ tabs: 2, wanted: 3, registered: 3, failed: 0 })).toMatchObject({ state: 'done', detail: 'The pod and 2 tabs are registered in Manage.' });
    expect(step({ tabs: 1, wanted: 2, registered: 2, failed: 0 })).toMatchObject({ state: 'done', detail: 'The pod and 1 tab are registered in Manage.' });
    expect(step({ tabs: 1, wanted: 2, registered: 1, failed: 1 })).toMatchObject({ state: 'todo', detail: '1 of 2 Hosted API entries registered; 1 change failed. Register again.' });
    expect(step({ tabs: 0, wanted: 1, registered: 0, failed: 0 })).toMatchObject({ state: 'todo', detail: '0 of 1 Hosted API entry is registered in Manage; register again.' });
  });
});
