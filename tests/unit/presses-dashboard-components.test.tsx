// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PressChart } from '@/components/presses/press-chart';
import { PressDashboard } from '@/components/presses/press-dashboard';
import { PressTable } from '@/components/presses/press-table';
import { PressesGettingStarted } from '@/components/presses/presses-getting-started';
import type { PressDayStat, PressListItem, PressListPage } from '@/lib/presses/types';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

function item(id: string, extra: Partial<PressListItem> = {}): PressListItem {
  return {
    id,
    status: 'ticket_created',
    receivedAt: '2026-11-28T10:00:00.000Z',
    companyName: 'Acme Manufacturing',
    contactName: 'Dana Whitfield',
    contactEmail: 'dana.whitfield@acme-mfg.example',
    registered: true,
    hostname: 'PC-1',
    messagePreview: 'Printer is jammed',
    ticketId: 42,
    ticketNumber: '42',
    ticketUrl: 'https://na.myconnectwise.net/v4_6_release/ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid=42&companyName=acme',
    ticketCreatedAt: '2026-11-28T10:00:03.200Z',
    msToTicket: 3200,
    attempt: 1,
    retryReason: null,
    nextAttemptAt: null,
    needsAdminReason: null,
    ...extra,
  };
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('PressTable', () => {
  it('shows a row per press with its ticket linked into Manage and the time to ticket', () => {
    render(<PressTable items={[item('p1')]} />);
    const row = screen.getByTestId('press-row-p1');
    expect(row.getAttribute('data-status')).toBe('ticket_created');
    expect(within(row).getByText('Ticket created')).toBeTruthy();
    const ticket = within(row).getByRole('link', { name: 'Ticket #42 in Manage' });
    expect(ticket.getAttribute('href')).toContain('recid=42');
    expect(within(row).getByText('3.2 s')).toBeTruthy();
    expect(within(row).getByText('Acme Manufacturing')).toBeTruthy();
    expect(within(row).getByRole('link', { name: /Open report/ }).getAttribute('href')).toBe('/presses/p1');
    expect(within(row).queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('names an unregistered contact by the email they typed, and a ticket without a link as text', () => {
    render(<PressTable items={[item('p2', { registered: false, contactEmail: 'new@nowhere.example', ticketUrl: null })]} />);
    const row = screen.getByTestId('press-row-p2');
    expect(within(row).getByText('unregistered: new@nowhere.example')).toBeTruthy();
    expect(within(row).queryByRole('link', { name: /Ticket/ })).toBeNull();
    expect(within(row).getByText('#42')).toBeTruthy();
  });

  it('has an empty state', () => {
    render(<PressTable items={[]} />);
    expect(screen.getByTestId('presses-empty').textContent).toBe('No presses match these filters.');
  });

  it('does not blame filters nobody set', () => {
    render(<PressTable items={[]} filtered={false} />);
    expect(screen.getByTestId('presses-empty').textContent).not.toMatch(/filters/);
  });

  it('says why a retrying press waits, and when it tries again, relative with the viewer’s time in the tooltip', () => {
    vi.stubEnv('TZ', 'Europe/Berlin');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T10:02:00.000Z'));
    render(
      <PressTable
        items={[
          item('r', { status: 'retrying', attempt: 3, ticketId: null, ticketNumber: null, ticketUrl: null, msToTicket: null, retryReason: 'Manage did not answer within 10 s', nextAttemptAt: '2026-11-28T10:05:00.000Z' }),
          item('ok'),
        ]}
      />,
    );
    const reasons = screen.getAllByTestId('press-retry-reason');
    expect(reasons).toHaveLength(1);
    expect(within(screen.getByTestId('press-row-r')).getByTestId('press-retry-reason').textContent).toBe(
      'Attempt 3 failed: Manage did not answer within 10 s Next try in 3 min.',
    );
    const when = within(screen.getByTestId('press-row-r')).getByTestId('press-retry-reason').querySelector('time')!;
    expect(when.getAttribute('dateTime')).toBe('2026-11-28T10:05:00.000Z');
    expect(when.getAttribute('title')).toBe('28 Nov 2026, 11:05:00 CET');
  });

  it('labels a press stopped by a Manage permission as needing an admin, with the fix, and offers Retry', () => {
    const reason = 'Needs an admin: Manage refused POST /service/tickets (403). Fix: in Manage set System > Security Roles > Service Tickets Add Level = All, then press Retry.';
    render(
      <PressTable
        items={[
          item('na', { status: 'dead', ticketId: null, ticketNumber: null, ticketUrl: null, msToTicket: null, needsAdminReason: reason }),
          item('gone', { status: 'dead', ticketId: null, ticketNumber: null, ticketUrl: null, msToTicket: null }),
        ]}
        onRetried={() => {}}
      />,
    );
    const row = within(screen.getByTestId('press-row-na'));
    expect(row.getByTestId('press-status').textContent).toBe('Needs an admin');
    expect(row.getByTestId('press-needs-admin-reason').textContent).toBe(reason);
    expect(row.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(within(screen.getByTestId('press-row-gone')).getByTestId('press-status').textContent).toBe('Gave up');
  });

  it('retries a dead press and reports a refusal in words', async () => {
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(jsonResponse({ error: { code: 'conflict', message: 'Only a press that gave up can be retried; this one is queued.' } }, 409))
      .mockResolvedValueOnce(jsonResponse({ id: 'p3', status: 'queued' }));
    vi.stubGlobal('fetch', fetchMock);
    const onRetried = vi.fn();
    render(<PressTable items={[item('p3', { status: 'dead', ticketId: null, ticketNumber: null, ticketUrl: null, msToTicket: null })]} onRetried={onRetried} />);

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only a press that gave up can be retried; this one is queued.');
    expect(onRetried).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(onRetried).toHaveBeenCalledWith('p3'));
    expect(fetchMock).toHaveBeenLastCalledWith('/api/admin/presses/p3/retry', expect.objectContaining({ method: 'POST' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('PressDashboard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
  });

  it('refreshes the list from the JSON route with the same filters and page', async () => {
    const newer: PressListPage = { items: [item('new', { status: 'processing' }), item('p1')], nextCursor: 'c2' };
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(jsonResponse(newer));
    vi.stubGlobal('fetch', fetchMock);
    render(<PressDashboard initialPage={{ items: [item('p1')], nextCursor: null }} filterQuery="status=processing&q=printer" cursor="c1" refreshMs={3000} />);
    expect(screen.queryByTestId('press-row-new')).toBeNull();
    expect(screen.queryByRole('link', { name: /Older/ })).toBeNull();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(3000);
    });
    expect(fetchMock).toHaveBeenCalledWith('/api/admin/presses?status=processing&q=printer&cursor=c1', expect.anything());
    expect(screen.getByTestId('press-row-new').getAttribute('data-status')).toBe('processing');
    expect(screen.getByRole('link', { name: /Older/ }).getAttribute('href')).toBe('/presses?status=processing&q=printer&cursor=c2');
    expect(screen.getByRole('link', { name: /Newest/ }).getAttribute('href')).toBe('/presses?status=processing&q=printer');
  });

  it('stops refreshing when the session ends, and says so', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(jsonResponse({ error: { code: 'unauthorized' } }, 401));
    vi.stubGlobal('fetch', fetchMock);
    render(<PressDashboard initialPage={{ items: [item('p1')], nextCursor: null }} filterQuery="" cursor={null} refreshMs={1000} />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5000);
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('presses-live').textContent).toMatch(/session has ended/);
    expect(screen.getByTestId('press-row-p1')).toBeTruthy();
  });

  it('shows a retried press as queued at once', async () => {
    vi.useRealTimers();
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockResolvedValue(jsonResponse({ id: 'd1', status: 'queued' })));
    render(<PressDashboard initialPage={{ items: [item('d1', { status: 'dead' })], nextCursor: null }} filterQuery="" cursor={null} refreshMs={60_000} />);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect(screen.getByTestId('press-row-d1').getAttribute('data-status')).toBe('queued'));
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});

describe('PressChart', () => {
  const days: PressDayStat[] = [
    { date: '2026-11-28', presses: 2, ticketed: 2, medianMsToTicket: 3000 },
    { date: '2026-11-29', presses: 0, ticketed: 0, medianMsToTicket: null },
    { date: '2026-11-30', presses: 4, ticketed: 3, medianMsToTicket: 6000 },
  ];

  it('draws a bar per day and a median line broken on days without tickets', () => {
    const { container } = render(<PressChart days={days} medianMsToTicket={4000} />);
    const bars = container.querySelectorAll('rect[data-date]');
    expect([...bars].map((b) => b.getAttribute('data-presses'))).toEqual(['2', '0', '4']);
    // The tallest day fills the plot; an empty day has no height.
    expect(Number(bars[2]!.getAttribute('height'))).toBeGreaterThan(Number(bars[0]!.getAttribute('height')));
    expect(bars[1]!.getAttribute('height')).toBe('0');
    const path = container.querySelector('path')!.getAttribute('d')!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(container.querySelectorAll('circle')).toHaveLength(2);
    expect(screen.getByRole('img', { name: /Presses per day/ })).toBeTruthy();
    expect(screen.getByTestId('press-chart-summary').textContent).toBe('6 presses from 28 Nov 2026 to 30 Nov 2026; median time to ticket 4.0 s.');
  });

  it('draws no made-up scale when there is nothing to chart', () => {
    const empty = days.map((d) => ({ ...d, presses: 0, ticketed: 0, medianMsToTicket: null }));
    const { container } = render(<PressChart days={empty} medianMsToTicket={null} />);
    expect(container.querySelector('svg')).toBeNull();
    expect(screen.getByTestId('press-chart-empty').textContent).toBe('No presses in the last 3 days, so there is nothing to chart yet.');
    expect(container.textContent).not.toMatch(/1 ms/);
  });

  it('labels no time axis while no press has a ticket', () => {
    const waiting = days.map((d) => ({ ...d, ticketed: 0, medianMsToTicket: null }));
    const { container } = render(<PressChart days={waiting} medianMsToTicket={null} />);
    expect(container.querySelector('svg')!.textContent).not.toMatch(/ms/);
  });
});

describe('PressesGettingStarted', () => {
  it('says what to do first, with each step done or not', () => {
    render(
      <PressesGettingStarted
        steps={[
          { title: 'Connect ConnectWise Manage', text: 't', href: '/setup/connection', action: 'Open the connection step', done: true },
          { title: 'Create an agent token', text: 't', href: '/setup/agents', action: 'Open the agents step', done: false },
        ]}
      />,
    );
    const steps = screen.getAllByTestId('first-step');
    expect(steps.map((s) => s.getAttribute('data-done'))).toEqual(['true', 'false']);
    expect(within(steps[1]!).getByRole('link', { name: 'Open the agents step' }).getAttribute('href')).toBe('/setup/agents');
    expect(screen.queryByText(/match these filters/)).toBeNull();
  });
});
