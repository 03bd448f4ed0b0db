// @vitest-environment jsdom
/**
 * The shared registration step posts each step's choice to its own API and shows the sync
 * report; a step's local check (no board ticked) stops the request. fetch is the only stand-in:
 * the server side runs against the simulator in tests/integration/manage-registrations.test.ts.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallbacksStep } from '@/components/setup/callbacks-step';
import { PodStep } from '@/components/setup/pod-step';
import type { CallbacksStepState } from '@/lib/registrations/callbacks';
import type { PodStepState } from '@/lib/registrations/pod';

vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh: vi.fn() }) }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const common = { registration: null, rows: [], missing: [], foreignCount: 0, problem: null, warnings: [] };
const podState: PodStepState = {
  ...common,
  publicUrl: 'https://deskbell.msp.example',
  origin: 'https://deskbell.msp.example',
  podUrl: 'https://deskbell.msp.example/pod?id=[cw_id]&screen=[cw_screen]',
  podHeight: 360,
  kinds: [],
  screens: { ticket: null, company: null },
  screensProblem: null,
};
const callbacksState: CallbacksStepState = {
  ...common,
  callbackUrl: 'https://deskbell.msp.example/api/connectwise/callback/x?recordId=',
  publicUrl: 'https://deskbell.msp.example',
  boards: [{ id: 3, name: 'Help Desk' }],
  boardsProblem: null,
};

/** Answers the POST with a report and the GET that follows with the state. */
function answer(state: unknown, summary: string) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const body = init.method === 'POST' ? { ok: true, summary, entries: [{ id: 1, outcome: 'created', target: 'x', message: 'Registered.' }], counts: {} } : state;
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

describe('RegistrationStep', () => {
  it('the Pod step posts its choice without a step-specific result handler', async () => {
    const calls = answer(podState, 'Registered in Manage: the Service Ticket pod (1 created).');
    render(<PodStep initial={podState} />);
    fireEvent.click(screen.getByRole('button', { name: 'Register the pod' }));
    await waitFor(() => expect(screen.getByTestId('pod-summary').textContent).toBe('Registered in Manage: the Service Ticket pod (1 created).'));
    expect(calls[0]).toEqual({ method: 'POST', url: '/api/admin/setup/pod', body: { tabs: { ticket: false, company: false } } });
  });

  it('the Callbacks step refuses an empty board choice before asking the server, then posts the boards', async () => {
    const calls = answer(callbacksState, '1 callback registered for 1 board (1 created).');
    render(<CallbacksStep initial={callbacksState} />);
    fireEvent.click(screen.getByLabelText(/Only tickets on these boards/));
    fireEvent.click(screen.getByRole('button', { name: 'Register callbacks' }));
    expect(await screen.findByText('Choose at least one board, or choose All tickets.')).toBeTruthy();
    expect(calls).toEqual([]);
    fireEvent.click(screen.getByLabelText('Help Desk'));
    fireEvent.click(screen.getByRole('button', { name: 'Register callbacks' }));
    await waitFor(() => expect(screen.getByTestId('callbacks-summary').textContent).toBe('1 callback registered for 1 board (1 created).'));
    expect(calls[0]).toEqual({ method: 'POST', url: '/api/admin/setup/callbacks', body: { level: 'board', boardIds: [3] } });
  });
});
