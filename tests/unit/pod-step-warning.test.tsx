// @vitest-environment jsdom
/**
 * The Pod step shows the reachability warnings the server computes, in full: an admin whose
 * Deskbell is on a private address reads why technicians see an empty pod and what to do.
 */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PodStep } from '@/components/setup/pod-step';
import { podReachabilityWarnings, type PodStepState } from '@/lib/registrations/pod';

vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh: vi.fn() }) }));

afterEach(cleanup);

function stateFor(publicUrl: string, manageEndpoint: string): PodStepState {
  const origin = new URL(publicUrl).origin;
  return {
    registration: null,
    publicUrl,
    origin,
    podUrl: `${origin}/pod?id=[cw_id]&screen=[cw_screen]`,
    podHeight: 360,
    kinds: [
      { kind: 'ticket-pod', label: 'the Service Ticket pod', screen: 'Service Ticket', type: 'Pod', description: 'Deskbell Instant Replay', podHeight: 360, optional: false },
    ],
    rows: [],
    missing: [],
    foreignCount: 0,
    screens: { ticket: { id: 1, name: 'Service Ticket' }, company: { id: 2, name: 'Company' } },
    screensProblem: null,
    problem: null,
    warnings: podReachabilityWarnings(publicUrl, manageEndpoint),
  };
}

describe('PodStep reachability warning', () => {
  it('tells the admin that a private address is refused inside a cloud Manage, and what to do', () => {
    render(<PodStep initial={stateFor('https://192.168.10.4:8443', 'na.myconnectwise.net/v4_6_release')} />);
    const warning = screen.getByText('Technicians may not see the pod').closest('[role="status"]');
    expect(warning).not.toBeNull();
    const text = warning?.textContent ?? '';
    expect(text).toMatch(/^Technicians may not see the pod/);
    expect(text).toContain('192.168.10.4 is a private network address (only computers inside your network reach it)');
    expect(text).toContain('Manage (na.myconnectwise.net) is a ConnectWise cloud site on the internet');
    expect(text).toContain('the technician sees an empty pod');
    expect(text).toContain('Serve Deskbell on a public https name that your technicians\u2019 browsers can reach (for example behind a reverse proxy)');
    expect(text).toContain('DESKBELL_PUBLIC_URL');
  });

  it('shows no warning for a public https name', () => {
    render(<PodStep initial={stateFor('https://deskbell.msp.example', 'na.myconnectwise.net/v4_6_release')} />);
    expect(screen.queryByText('Technicians may not see the pod')).toBeNull();
  });
});
