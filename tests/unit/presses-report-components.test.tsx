// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostDetails } from '@/components/report/host-details';
import { ManageCallsTable } from '@/components/report/manage-calls-table';
import { MessageAndSelections } from '@/components/report/message-and-selections';
import { PressStatusPanel } from '@/components/report/press-status-panel';
import { PressTimeline } from '@/components/report/press-timeline';
import { RuleTrace } from '@/components/report/rule-trace';
import { ScreenshotGallery } from '@/components/report/screenshot-gallery';
import { SubmissionErrors } from '@/components/report/submission-errors';
import type { ScreenshotView } from '@/lib/presses/types';

// A viewer east of UTC: every time must come out in their zone, whatever the machine's.
beforeEach(() => vi.stubEnv('TZ', 'Europe/Berlin'));
afterEach(() => {
  cleanup();
  vi.unstubAllEnvs();
});

function shot(n: number, extra: Partial<ScreenshotView> = {}): ScreenshotView {
  return {
    id: `file-${n}`,
    src: `/files/${n}.png`,
    filename: `shot-${n}.png`,
    width: 640,
    height: 400,
    capturedAt: `2026-11-28T10:00:0${n}.000Z`,
    monitor: n - 1,
    removedAt: null,
    ...extra,
  };
}

describe('ScreenshotGallery', () => {
  it('says so when there are no screenshots', () => {
    render(<ScreenshotGallery screenshots={[]} />);
    expect(screen.getByText('No screenshots were sent with this press.')).toBeTruthy();
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('shows one full size and moves with the arrow keys, wrapping around', () => {
    render(<ScreenshotGallery screenshots={[shot(1), shot(2), shot(3)]} />);
    const gallery = screen.getByRole('region', { name: 'Screenshots' });
    const main = () => screen.getByTestId('screenshot-main') as HTMLImageElement;
    expect(main().getAttribute('src')).toBe('/files/1.png');
    expect(main().alt).toBe('Screenshot 1 of 3, monitor 0, captured 28 Nov 2026, 11:00:01 CET');
    expect(screen.getByTestId('screenshot-position').textContent).toContain('1 / 3');

    fireEvent.keyDown(gallery, { key: 'ArrowRight' });
    expect(main().getAttribute('src')).toBe('/files/2.png');
    fireEvent.keyDown(gallery, { key: 'ArrowRight' });
    fireEvent.keyDown(gallery, { key: 'ArrowRight' });
    expect(main().getAttribute('src')).toBe('/files/1.png');
    fireEvent.keyDown(gallery, { key: 'ArrowLeft' });
    expect(main().getAttribute('src')).toBe('/files/3.png');
    expect(screen.getByTestId('screenshot-position').textContent).toContain('3 / 3');
    // Other keys do nothing.
    fireEvent.keyDown(gallery, { key: 'Enter' });
    expect(main().getAttribute('src')).toBe('/files/3.png');
  });

  it('picks a screenshot from its thumbnail, and arrow keys work from a focused thumbnail', () => {
    render(<ScreenshotGallery screenshots={[shot(1), shot(2), shot(3)]} />);
    const thumbs = within(screen.getByRole('list', { name: 'Thumbnails' })).getAllByRole('button');
    expect(thumbs).toHaveLength(3);
    fireEvent.click(screen.getByRole('button', { name: 'Show screenshot 2' }));
    expect((screen.getByTestId('screenshot-main') as HTMLImageElement).getAttribute('src')).toBe('/files/2.png');
    expect(screen.getByRole('button', { name: 'Show screenshot 2' }).getAttribute('aria-current')).toBe('true');
    fireEvent.keyDown(screen.getByRole('button', { name: 'Show screenshot 2' }), { key: 'ArrowRight' });
    expect((screen.getByTestId('screenshot-main') as HTMLImageElement).getAttribute('src')).toBe('/files/3.png');
    fireEvent.click(screen.getByRole('button', { name: /Previous/ }));
    expect((screen.getByTestId('screenshot-main') as HTMLImageElement).getAttribute('src')).toBe('/files/2.png');
  });

  it('keeps the place of a screenshot retention removed, and says when', () => {
    render(<ScreenshotGallery screenshots={[shot(1, { removedAt: '2027-02-01T03:00:00.000Z' }), shot(2)]} />);
    expect(screen.getByTestId('screenshot-removed').textContent).toBe('shot-1.png: removed by retention on 1 Feb 2027');
    expect(screen.queryByTestId('screenshot-main')).toBeNull();
    fireEvent.keyDown(screen.getByRole('region'), { key: 'ArrowRight' });
    expect(screen.getByTestId('screenshot-main').getAttribute('src')).toBe('/files/2.png');
  });

  it('shows no thumbnails or buttons for a single screenshot', () => {
    render(<ScreenshotGallery screenshots={[shot(1)]} />);
    expect(screen.queryByRole('list', { name: 'Thumbnails' })).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('SubmissionErrors', () => {
  it('has an empty state', () => {
    render(<SubmissionErrors errors={[]} />);
    expect(screen.getByTestId('submission-errors-empty').textContent).toMatch(/No submission errors/);
  });

  it('lists field, file and configuration problems', () => {
    render(
      <SubmissionErrors
        errors={["Priority 'Urgent' not found; used 'Priority 3 - Normal Response'"]}
        fileErrors={[{ filename: 'huge.bmp', message: 'Manage refused the file type' }]}
        configurationError="Configuration 'PC-1' could not be linked: 403"
      />,
    );
    const items = within(screen.getByRole('list', { name: 'Submission Errors' })).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      "Priority 'Urgent' not found; used 'Priority 3 - Normal Response'",
      'File huge.bmp was not uploaded: Manage refused the file type',
      "Configuration 'PC-1' could not be linked: 403",
    ]);
  });
});

describe('ManageCallsTable', () => {
  const calls = [
    { method: 'GET', path: '/company/contacts', status: 200, ms: 120, attempt: 1 },
    { method: 'POST', path: '/service/tickets', status: null, ms: 1500, attempt: 1, error: 'timed out after commit' },
    { method: 'POST', path: '/service/tickets', status: 201, ms: 380.4, attempt: 2 },
  ];

  it('lists every call and totals count, failures and time', () => {
    render(<ManageCallsTable calls={calls} />);
    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row');
    // header + 3 calls + total
    expect(rows).toHaveLength(5);
    expect(within(rows[2]!).getByText('failed')).toBeTruthy();
    expect(within(rows[2]!).getByText('timed out after commit')).toBeTruthy();
    expect(screen.getByTestId('manage-calls-total').textContent).toBe('Total: 3 calls, 1 failed2.0 s');
    expect(screen.queryByTestId('critical-path')).toBeNull();
  });

  it('shows the critical path from the pipeline steps', () => {
    render(
      <ManageCallsTable
        calls={calls.slice(0, 1)}
        steps={[
          { name: 'contact', ms: 130 },
          { name: 'ticket', ms: 400 },
        ]}
      />,
    );
    expect(screen.getByTestId('manage-calls-total').textContent).toBe('Total: 1 call120 ms');
    expect(screen.getByTestId('critical-path').textContent).toBe('Critical path 530 ms: contact 130 ms → ticket 400 ms');
  });

  it('has an empty state', () => {
    render(<ManageCallsTable calls={[]} />);
    expect(screen.getByText('No Manage calls were recorded for this press.')).toBeTruthy();
  });
});

describe('RuleTrace', () => {
  it('is collapsed with a summary line', () => {
    render(<RuleTrace rules={{ refusal: null, error: null, output: 'board -> Alerts', durationMs: 4, changed: ['board', 'priority'] }} />);
    const details = screen.getByTestId('rule-trace') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Rules: changed board, priority · 4 ms');
    expect(screen.getByText('board -> Alerts')).toBeTruthy();
  });

  it('shows a crash and a refusal', () => {
    render(
      <RuleTrace rules={{ refusal: 'Use the phone', error: { type: 'NameError', message: "name 'x' is not defined", line: 3 }, output: '', durationMs: 2, changed: [] }} />,
    );
    expect(screen.getByTestId('rule-trace').querySelector('summary')!.textContent).toBe('Rules: refused the press · failed (NameError) · 2 ms');
    expect(screen.getByText(/line 3/)).toBeTruthy();
    expect(screen.getByText('Use the phone', { exact: false })).toBeTruthy();
  });

  it('says when no rules ran', () => {
    render(<RuleTrace rules={null} />);
    expect(screen.getByText('No dispatcher rules ran for this press.')).toBeTruthy();
  });
});

describe('HostDetails and MessageAndSelections', () => {
  it('shows only the host fields the agent sent', () => {
    render(<HostDetails host={{ hostname: 'PC-1', localIp: '10.0.0.5' }} />);
    const terms = within(screen.getByTestId('host-details')).getAllByRole('term').map((t) => t.textContent);
    expect(terms).toEqual(['Hostname', 'IP address']);
  });

  it('has an empty state for host details', () => {
    render(<HostDetails host={{}} />);
    expect(screen.getByText('The agent sent no host details.')).toBeTruthy();
  });

  it('keeps the message as typed and lists selections and appended text', () => {
    render(<MessageAndSelections message={'Line one\n  Line two'} selections={['Printing', 'Urgent']} append={['Default printer: HP']} custom={{ floor: 3 }} />);
    expect(screen.getByTestId('press-message').textContent).toBe('Line one\n  Line two');
    expect(within(screen.getByTestId('press-selections')).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Printing', 'Urgent']);
    expect(screen.getByText('Default printer: HP')).toBeTruthy();
    expect(screen.getByText('floor')).toBeTruthy();
  });

  it('says when there are no selections', () => {
    render(<MessageAndSelections message="Help" selections={[]} append={[]} />);
    expect(screen.getByText('No selections.')).toBeTruthy();
    expect(screen.queryByText('Appended by the agent')).toBeNull();
  });
});

describe('PressStatusPanel and PressTimeline', () => {
  it('shows retry details while retrying and the reason once dead', () => {
    const { rerender } = render(
      <PressStatusPanel
        status="retrying"
        retry={{ attempt: 2, nextAttemptAt: '2026-11-28T10:05:00.000Z', lastError: 'Manage answered 503', deadReason: null }}
        refusedMessage={null}
      />,
    );
    expect(screen.getByText('2 attempts')).toBeTruthy();
    expect(screen.getByText('28 Nov 2026, 11:05:00 CET')).toBeTruthy();
    expect(screen.getByText('Manage answered 503')).toBeTruthy();

    rerender(
      <PressStatusPanel
        status="dead"
        retry={{ attempt: 8, nextAttemptAt: null, lastError: 'Manage answered 503', deadReason: 'gave up after 8 attempts' }}
        refusedMessage={null}
        actions={<button type="button">Retry</button>}
      />,
    );
    expect(screen.getByText('Gave up')).toBeTruthy();
    expect(screen.getByText('gave up after 8 attempts')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.queryByText('Next attempt')).toBeNull();
  });

  it('shows the refusal message', () => {
    render(<PressStatusPanel status="refused" retry={{ attempt: 1, nextAttemptAt: null, lastError: null, deadReason: null }} refusedMessage="Call us instead" />);
    expect(screen.getByText('Call us instead')).toBeTruthy();
  });

  it('lists events in order, with unrecorded times said plainly', () => {
    render(
      <PressTimeline
        events={[
          { kind: 'received', at: '2026-11-28T10:00:00.000Z', label: 'Press received' },
          { kind: 'ticket_created', at: '2026-11-28T10:00:03.000Z', label: 'Ticket #12 created', detail: 'after 2 attempts' },
        ]}
      />,
    );
    const items = within(screen.getByTestId('press-timeline')).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-kind'))).toEqual(['received', 'ticket_created']);
    expect(items[1]!.textContent).toContain('after 2 attempts');
  });
});
