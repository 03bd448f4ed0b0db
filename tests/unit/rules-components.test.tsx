// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RuleTrace } from '@/components/report/rule-trace';
import { RuleTestResultView } from '@/components/rules/rule-test-result';
import { RuleVersionHistory } from '@/components/rules/rule-version-history';
import { formatRuleValue } from '@/components/rules/rule-variables-table';
import { RulesStep } from '@/components/rules/rules-step';
import type { RulesPageData, RuleTestResult, RuleVersionView } from '@/lib/rules/types';

const refresh = vi.fn();
vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh }) }));

// jsdom has no layout; CodeMirror measures text ranges to draw the selection and cursor.
beforeAll(() => {
  const noRects = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getClientRects = noRects;
  Range.prototype.getBoundingClientRect = () => new DOMRect(0, 0, 0, 0);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  refresh.mockReset();
});

const result = (overrides: Partial<RuleTestResult> = {}): RuleTestResult => ({
  verdict: 'ticket',
  variables: [
    { name: 'board', readOnly: false, before: 'Help Desk', after: 'Alerts', changed: true },
    { name: 'priority', readOnly: false, before: 'Priority 3 - Normal Response', after: 0, changed: true },
    { name: 'exception', readOnly: false, before: null, after: null, changed: false },
    { name: 'registered', readOnly: true, before: true, after: true, changed: false },
  ],
  refusal: null,
  error: null,
  output: 'routed\n',
  warnings: [],
  durationMs: 3.25,
  totalMs: 12.4,
  ...overrides,
});

describe('the Run result', () => {
  it('highlights the changed variables and says how long it took', () => {
    render(<RuleTestResultView result={result()} />);
    expect(screen.getByTestId('rule-var-board').dataset.changed).toBe('true');
    expect(screen.getByTestId('rule-var-exception').dataset.changed).toBe('false');
    expect(within(screen.getByTestId('rule-var-board')).getByText('changed')).toBeTruthy();
    expect(within(screen.getByTestId('rule-var-priority')).getByText('0')).toBeTruthy();
    expect(within(screen.getByTestId('rule-var-registered')).getAllByText('True')).toHaveLength(2);
    expect(screen.getByTestId('rule-test-time').textContent).toBe('Ran in 3.3 ms (12 ms round trip). Changed: board, priority.');
    expect(screen.getByTestId('rule-test-output').textContent).toBe('routed\n');
  });

  it('shows a crash with its line, and a refusal with its text', () => {
    render(<RuleTestResultView result={result({ verdict: 'ticket_despite_error', error: { type: 'NameError', message: "name 'x' is not defined", line: 4 }, output: '' })} />);
    expect(screen.getByRole('alert').textContent).toContain('The rules crashed');
    expect(screen.getByTestId('rule-test-error').textContent).toBe("NameError: name 'x' is not defined (line 4)");
    expect(screen.getByText('The rules printed nothing.')).toBeTruthy();
    cleanup();
    render(<RuleTestResultView result={result({ verdict: 'refused', refusal: 'Call us', warnings: ['name is read-only; the assignment was ignored'] })} />);
    expect(screen.getByTestId('rule-test-refusal').textContent).toBe('Refusal: Call us');
    expect(screen.getByTestId('rule-test-warnings').textContent).toContain('name is read-only');
  });

  it('formats values the way Python shows them', () => {
    expect([null, true, false, 0, '0', 'a\nb'].map(formatRuleValue)).toEqual(['None', 'True', 'False', '0', '"0"', '"a\\nb"']);
  });
});

const version = (n: number, extra: Partial<RuleVersionView> = {}): RuleVersionView => ({
  version: n,
  createdAt: '2026-11-28T10:00:00.000Z',
  createdBy: 'admin@msp.example',
  note: null,
  sha256: `sha-${n}`,
  lines: 2,
  active: false,
  diff: `--- rules v${n - 1}\n+++ rules v${n}\n@@ -1 +1 @@\n-board = 'A'\n+board = 'B'\n`,
  added: 1,
  removed: 1,
  ...extra,
});

describe('the version history', () => {
  it('offers one-click rollback on every version but the active one', () => {
    const onRollback = vi.fn();
    render(
      <RuleVersionHistory
        versions={[version(3, { active: true, sha256: 'sha-1', note: 'Rolled back to v1' }), version(2), version(1, { sha256: 'sha-1' })]}
        total={3}
        activeSha="sha-1"
        busyVersion={null}
        onRollback={onRollback}
      />,
    );
    expect(screen.queryByRole('button', { name: 'Roll back to v3' })).toBeNull();
    // v1 has the same rules as the active v3: nothing to roll back to.
    expect(screen.queryByRole('button', { name: 'Roll back to v1' })).toBeNull();
    expect(within(screen.getByTestId('rule-version-1')).getByText('Same rules as the active version')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v2' }));
    expect(onRollback).toHaveBeenCalledWith(2);
    expect(within(screen.getByTestId('rule-version-3')).getByText('Active')).toBeTruthy();
    expect(within(screen.getByTestId('rule-version-2')).getByText(/Diff from v1: \+1 −1/)).toBeTruthy();
    expect(within(screen.getByTestId('rule-version-2')).getByTestId('rule-diff').textContent).toContain("+board = 'B'");
  });

  it('says when there is nothing yet, or when a diff was too large', () => {
    render(<RuleVersionHistory versions={[]} total={0} activeSha={null} busyVersion={null} onRollback={() => undefined} />);
    expect(screen.getByText(/No rules saved yet/)).toBeTruthy();
    cleanup();
    render(<RuleVersionHistory versions={[version(1, { active: true, diff: null })]} total={1} activeSha="sha-1" busyVersion={null} onRollback={() => undefined} />);
    expect(screen.getByText('The change is too large to show as a diff.')).toBeTruthy();
  });
});

describe('the report page’s rule trace', () => {
  it('shows the variables before and after, changed ones highlighted, and the warnings', () => {
    render(
      <RuleTrace
        rules={{
          refusal: null,
          error: null,
          output: 'hi\n',
          durationMs: 4,
          changed: ['board'],
          warnings: ['name is read-only; the assignment was ignored'],
          before: { board: 'Help Desk', name: 'Dana', priority: 'P3' },
          after: { board: 'Alerts', name: 'Dana', priority: 'P3' },
          version: 2,
        }}
      />,
    );
    expect(screen.getByTestId('rule-trace').querySelector('summary')!.textContent).toBe('Rules: changed board · 1 warning · 4 ms');
    const table = screen.getByTestId('rule-trace-variables');
    expect(within(table).getByTestId('rule-var-board').dataset.changed).toBe('true');
    expect(within(table).getByTestId('rule-var-name').dataset.changed).toBe('false');
    expect(screen.getByTestId('rule-trace-warnings').textContent).toContain('name is read-only');
    expect(screen.getByText('Rules version v2.')).toBeTruthy();
  });

  it('still shows an older trace that has only the summary', () => {
    render(<RuleTrace rules={{ refusal: null, error: null, output: '', durationMs: 4, changed: ['board', 'priority'] }} />);
    expect(screen.getByTestId('rule-trace').querySelector('summary')!.textContent).toBe('Rules: changed board, priority · 4 ms');
    expect(screen.queryByTestId('rule-trace-variables')).toBeNull();
    expect(screen.getByText('board')).toBeTruthy();
  });
});

describe('the Rules step', () => {
  const data: RulesPageData = {
    list: {
      active: { version: 1, source: "board = 'Alerts'\n", createdAt: '2026-11-28T10:00:00.000Z', createdBy: 'admin@msp.example', sha256: 'sha-1' },
      versions: [version(1, { active: true, sha256: 'sha-1' })],
      total: 1,
    },
    prefill: {
      fromPress: null,
      sample: { message: 'Printer jammed', selections: [], name: '', email: '', hostname: '', username: '', ip: '', mac: '', os: '', company: 'Acme', registered: true },
    },
    startingValues: {
      priority: 'Priority 3 - Normal', state: '__default__', team: '__default__', type: '__default__', subtype: '__default__', item: '__default__',
      msg: 'Printer jammed', subject: 'Printer jammed', source: '__default__', impact: '__default__', urgency: '__default__', owner: '__default__',
      board: 'Help Desk', append: '', priv_append: '', exception: null,
    },
    networkContainment: 'javascript',
  };
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  const answer = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

  it('has a code editor labelled Rules, with line numbers, holding the active rules', () => {
    render(<RulesStep data={data} />);
    const editor = screen.getByRole('textbox', { name: 'Rules' });
    expect(editor.textContent).toContain("board = 'Alerts'");
    expect(document.querySelector('.cm-lineNumbers')).not.toBeNull();
    expect(screen.getByTestId('rules-active-version').textContent).toBe('Active: v1');
  });

  it('a refused save shows the line, column and message, and marks the line', async () => {
    fetchMock.mockReturnValueOnce(
      answer(422, {
        error: {
          code: 'unprocessable_entity',
          message: 'Line 1, column 7: SyntaxError: invalid syntax. The rules were not saved.',
          details: [{ path: 'source', message: 'SyntaxError: invalid syntax', line: 1, column: 7 }],
        },
      }),
    );
    render(<RulesStep data={data} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('rules-problem').textContent).toBe('Line 1, column 7: SyntaxError: invalid syntax'));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/admin/rules/versions');
    expect(JSON.parse(init.body as string)).toEqual({ source: "board = 'Alerts'\n", baseVersion: 1 });
    // The editor is told in an effect, which React may run just after the text appears.
    await waitFor(() => expect(document.querySelector('[data-error-line="1"]')).not.toBeNull());
    expect(screen.getByRole('textbox', { name: 'Rules' }).getAttribute('aria-invalid')).toBe('true');
  });

  it('Run sends the editor’s rules and the sample, then shows the result', async () => {
    fetchMock.mockReturnValueOnce(answer(200, result({ verdict: 'ticket_despite_error', error: { type: 'ZeroDivisionError', message: 'division by zero', line: 1 } })));
    render(<RulesStep data={data} />);
    fireEvent.change(screen.getByLabelText('Selections'), { target: { value: 'This is an emergency\nPrinting' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(screen.getByTestId('rule-test-result')).toBeTruthy());
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/admin/rules/test');
    expect(JSON.parse(init.body as string)).toMatchObject({ source: "board = 'Alerts'\n", sample: { message: 'Printer jammed', selections: ['This is an emergency', 'Printing'], company: 'Acme' } });
    expect(screen.getByTestId('rule-test-error').textContent).toBe('ZeroDivisionError: division by zero (line 1)');
    // The editor is told in an effect, which React may run just after the text appears.
    await waitFor(() => expect(document.querySelector('[data-error-line="1"]')).not.toBeNull());
  });

  it('Run sends only the starting values the admin changed, numbers as numbers', async () => {
    fetchMock.mockReturnValueOnce(answer(200, result({})));
    render(<RulesStep data={data} />);
    expect((screen.getByTestId('start-priority') as HTMLInputElement).value).toBe('Priority 3 - Normal');
    expect((screen.getByTestId('start-board') as HTMLInputElement).value).toBe('Help Desk');
    fireEvent.change(screen.getByTestId('start-priority'), { target: { value: '3' } });
    fireEvent.change(screen.getByTestId('start-owner'), { target: { value: 'jsmith' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(() => expect(screen.getByTestId('rule-test-result')).toBeTruthy());
    const [, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(JSON.parse(init.body as string).start).toEqual({ priority: 3, owner: 'jsmith' });
  });

  it('says when network containment is by the JavaScript layer only', () => {
    render(<RulesStep data={data} />);
    expect(screen.getByTestId('rules-network-containment').textContent).toMatch(/by the JavaScript layer only/);
  });

  it('a sample without a message is refused before any request', () => {
    render(<RulesStep data={{ ...data, prefill: { ...data.prefill, sample: { ...data.prefill.sample, message: '' } } }} />);
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByText('Type a sample message, as an end user would.')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('rolling back loads the new active rules into the editor', async () => {
    const withTwo: RulesPageData = {
      ...data,
      list: {
        active: { version: 2, source: "board = 'B'\n", createdAt: '2026-11-28T11:00:00.000Z', createdBy: 'admin@msp.example', sha256: 'sha-2' },
        versions: [version(2, { active: true }), version(1)],
        total: 2,
      },
    };
    fetchMock
      .mockReturnValueOnce(answer(201, { unchanged: false, version: version(3, { active: true, sha256: 'sha-1' }) }))
      .mockReturnValueOnce(
        answer(200, {
          active: { version: 3, source: "board = 'A'\n", createdAt: '2026-11-28T12:00:00.000Z', createdBy: 'admin@msp.example', sha256: 'sha-1' },
          versions: [version(3, { active: true, sha256: 'sha-1' }), version(2, { sha256: 'sha-2' }), version(1, { sha256: 'sha-1' })],
          total: 3,
        }),
      );
    render(<RulesStep data={withTwo} />);
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to v1' }));
    await waitFor(() => expect(screen.getByText('Rolled back to v1')).toBeTruthy());
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/admin/rules/rollback/1');
    // The editor takes the new text in an effect after the render that shows the notice.
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Rules' }).textContent).toContain("board = 'A'"));
    expect(screen.getByTestId('rules-active-version').textContent).toBe('Active: v3');
    expect(refresh).toHaveBeenCalled();
  });
});
