// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fieldErrorKey, fieldErrorSentence, fieldErrorsFromDetails } from '@/components/notifications/field-errors';
import { NotificationSettingsForm } from '@/components/notifications/notification-settings-form';
import { RecentNotifications } from '@/components/notifications/recent-notifications';
import type { NotificationLogEntry, NotificationPreview, NotificationsPageData } from '@/components/notifications/types';
import { DEFAULT_NOTIFICATION_SETTINGS, EVENT_LABELS, TEMPLATE_KEYWORDS, TICKET_EVENT_KINDS } from '@/lib/notifications/templates';

const data = (overrides: Partial<NotificationsPageData> = {}): NotificationsPageData => ({
  settings: structuredClone(DEFAULT_NOTIFICATION_SETTINGS),
  defaults: DEFAULT_NOTIFICATION_SETTINGS,
  kinds: TICKET_EVENT_KINDS,
  labels: EVENT_LABELS,
  keywords: TEMPLATE_KEYWORDS,
  loadProblem: null,
  ...overrides,
});

const json = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

/** A stand-in preview API: "rendered" is the template with the ticket number filled in. */
function previewAnswer(init: RequestInit | undefined) {
  const body = JSON.parse(String(init?.body)) as { kind: string; template: { title: string; body: string } };
  const fill = (t: string) => t.replaceAll('__ticket_number__', '4711');
  const preview: NotificationPreview = {
    rendered: { title: fill(body.template.title), body: fill(body.template.body) },
    source: { pressId: 'p1', ticketId: 4711, ticketNumber: '4711' },
    sampleReason: null,
  };
  return json(200, preview);
}

type Call = { url: string; method: string; body: unknown };
let fetchMock: ReturnType<typeof vi.fn>;
let putAnswer: (body: unknown) => Promise<Response>;
const calls = (): Call[] =>
  fetchMock.mock.calls.map(([url, init]) => ({
    url: String(url),
    method: (init as RequestInit | undefined)?.method ?? 'GET',
    body: (init as RequestInit | undefined)?.body ? JSON.parse(String((init as RequestInit).body)) : undefined,
  }));
const previewCalls = (kind: string) => calls().filter((c) => c.url === '/api/admin/notifications/preview' && (c.body as { kind: string }).kind === kind);

beforeEach(() => {
  putAnswer = (body) => json(200, { settings: body });
  fetchMock = vi.fn((url: string, init?: RequestInit) => {
    if (url === '/api/admin/notifications/preview') return previewAnswer(init);
    if (url === '/api/admin/notifications' && init?.method === 'PUT') return putAnswer(JSON.parse(String(init.body)));
    return json(404, { error: { code: 'not_found', message: 'no such route' } });
  });
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const card = (kind: string) => screen.getByTestId(`notification-card-${kind}`);

describe('the templates form', () => {
  it('previews every card once on load, from a real ticket', async () => {
    render(<NotificationSettingsForm data={data()} />);
    await waitFor(() => expect(screen.getByTestId('notification-preview-created-title').textContent).toBe('Ticket #4711 opened'));
    for (const kind of TICKET_EVENT_KINDS) await waitFor(() => expect(previewCalls(kind)).toHaveLength(1));
    expect(screen.getByTestId('notification-preview-created-source').textContent).toContain('Values from ticket #4711');
    expect(within(screen.getByTestId('notification-preview-created-source')).getByRole('link').getAttribute('href')).toBe('/presses/p1');
  });

  it('typing asks for a new preview once the typing pauses, and shows it', async () => {
    render(<NotificationSettingsForm data={data()} />);
    await waitFor(() => expect(previewCalls('status_changed')).toHaveLength(1));
    const title = within(card('status_changed')).getByLabelText('Title');
    fireEvent.change(title, { target: { value: 'Update' } });
    fireEvent.change(title, { target: { value: 'Update on' } });
    fireEvent.change(title, { target: { value: 'Update on #__ticket_number__' } });
    await waitFor(() => expect(screen.getByTestId('notification-preview-status_changed-title').textContent).toBe('Update on #4711'));
    const later = previewCalls('status_changed').slice(1);
    // Debounced: the keystrokes in between were never sent.
    expect(later.map((c) => (c.body as { template: { title: string } }).template.title)).toEqual(['Update on #__ticket_number__']);
    expect(later[0]!.body).toEqual({ kind: 'status_changed', template: { title: 'Update on #__ticket_number__', body: DEFAULT_NOTIFICATION_SETTINGS.templates.status_changed.body } });
    expect(screen.getByTestId('notifications-dirty').textContent).toBe('You have unsaved changes.');
  });

  it('says when the preview used sample values, and why', async () => {
    fetchMock.mockImplementation((url: string, init?: RequestInit) => {
      if (url !== '/api/admin/notifications/preview') return json(404, {});
      const body = JSON.parse(String(init?.body)) as { template: { title: string; body: string } };
      return json(200, { rendered: body.template, source: null, sampleReason: 'No press has a ticket yet, so sample values are shown.' });
    });
    render(<NotificationSettingsForm data={data()} />);
    await waitFor(() => expect(screen.getByTestId('notification-preview-closed-source').textContent).toBe('Sample values, not a real ticket. No press has a ticket yet, so sample values are shown.'));
  });

  it('an empty field refused by the preview is marked with a sentence', async () => {
    fetchMock.mockImplementation((url: string, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { template: { title: string; body: string } };
      if (body.template.body.trim() === '') {
        return json(422, { error: { code: 'unprocessable_entity', message: 'The request does not match the expected shape.', details: [{ path: 'template.body', message: 'must not be empty' }] } });
      }
      return previewAnswer(init);
    });
    render(<NotificationSettingsForm data={data()} />);
    fireEvent.change(within(card('note_added')).getByLabelText('Body'), { target: { value: '  ' } });
    await waitFor(() => expect(screen.getByTestId('template-note_added-body-error').textContent).toBe('The body of \u201cNote added (external notes only)\u201d must not be empty.'));
    expect(screen.getByTestId('notification-preview-note_added-problem').textContent).toContain('fields marked in red');
    expect(within(card('note_added')).getByLabelText('Body').getAttribute('aria-invalid')).toBe('true');
  });

  it('marks a mistyped keyword as the admin types, with the keyword it most likely meant', () => {
    render(<NotificationSettingsForm data={data()} />);
    const title = within(card('created')).getByLabelText('Title');
    fireEvent.change(title, { target: { value: 'Ticket #__ticket_numbr__ opened' } });
    expect(screen.getByTestId('template-created-title-error').textContent).toBe(
      'The title of \u201cTicket created\u201d uses __ticket_numbr__, which is not a keyword: did you mean __ticket_number__?',
    );
    expect(title.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(title, { target: { value: 'Ticket #__ticket_number__ opened' } });
    expect(screen.queryByTestId('template-created-title-error')).toBeNull();
  });

  it('a refused save shows the field errors next to their fields, as sentences', async () => {
    putAnswer = () =>
      json(422, {
        error: {
          code: 'unprocessable_entity',
          message: 'The request does not match the expected shape.',
          details: [
            { path: 'templates.status_changed.body', message: 'must not be empty' },
            { path: 'templates.closed.title', message: 'must be at most 200 characters' },
          ],
        },
      });
    render(<NotificationSettingsForm data={data()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save notifications' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not saved');
    expect(alert.textContent).toContain('2 fields need fixing');
    expect(screen.getByTestId('template-status_changed-body-error').textContent).toBe('The body of \u201cStatus changed\u201d must not be empty.');
    expect(screen.getByTestId('template-closed-title-error').textContent).toBe('The title of \u201cTicket closed\u201d must be at most 200 characters.');
    // Editing the field clears its save error.
    fireEvent.change(within(card('closed')).getByLabelText('Title'), { target: { value: 'Closed' } });
    expect(screen.queryByTestId('template-closed-title-error')).toBeNull();
  });

  it('a save that fails for another reason shows what the server said', async () => {
    putAnswer = () => json(500, { error: { code: 'internal_server_error', message: 'Something went wrong on our side. It has been logged.', details: null } });
    render(<NotificationSettingsForm data={data()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save notifications' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Something went wrong on our side.');
  });

  it('saves the switches and templates with one PUT and says so', async () => {
    render(<NotificationSettingsForm data={data()} />);
    fireEvent.click(within(card('assigned')).getByLabelText('Notify the end user'));
    fireEvent.change(within(card('assigned')).getByLabelText('Title'), { target: { value: 'Yours now' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save notifications' }));
    expect((await screen.findByTestId('notifications-save-message')).textContent).toBe('The next notification uses these switches and templates.');
    const put = calls().find((c) => c.method === 'PUT')!;
    expect(put.url).toBe('/api/admin/notifications');
    const sent = put.body as typeof DEFAULT_NOTIFICATION_SETTINGS;
    expect(sent.enabled.assigned).toBe(false);
    expect(sent.enabled.created).toBe(true);
    expect(sent.templates.assigned.title).toBe('Yours now');
    expect(screen.getByTestId('notifications-dirty').textContent).toBe('All changes saved.');
  });

  it('inserts a keyword at the cursor of the field last focused', async () => {
    render(<NotificationSettingsForm data={data()} />);
    const title = within(card('created')).getByLabelText('Title') as HTMLInputElement;
    fireEvent.change(title, { target: { value: 'Hello  there' } });
    fireEvent.focus(title);
    title.setSelectionRange(6, 6);
    fireEvent.click(screen.getByRole('button', { name: /^Insert __ticket_fname__/ }));
    expect(title.value).toBe('Hello __ticket_fname__ there');
    await act(() => new Promise((r) => setTimeout(r, 5)));
    expect(title.selectionStart).toBe(6 + '__ticket_fname__'.length);
    expect(screen.getByTestId('keyword-target').textContent).toContain('Ticket created \u2013 title');
  });

  it('asks for a field first when no field was focused', () => {
    render(<NotificationSettingsForm data={data()} />);
    fireEvent.click(screen.getByRole('button', { name: /^Insert __note__/ }));
    expect(screen.getByText('Click into a title or body first: the keyword goes where the cursor is.')).toBeTruthy();
  });

  it('resets one template to its default', () => {
    const settings = structuredClone(DEFAULT_NOTIFICATION_SETTINGS);
    settings.templates.closed = { title: 'Done', body: 'Bye' };
    render(<NotificationSettingsForm data={data({ settings })} />);
    const reset = within(card('closed')).getByRole('button', { name: 'Reset to default' });
    expect(within(card('created')).getByRole('button', { name: 'Reset to default' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(reset);
    expect((within(card('closed')).getByLabelText('Title') as HTMLInputElement).value).toBe(DEFAULT_NOTIFICATION_SETTINGS.templates.closed.title);
    expect((within(card('closed')).getByLabelText('Body') as HTMLTextAreaElement).value).toBe(DEFAULT_NOTIFICATION_SETTINGS.templates.closed.body);
    expect(reset.hasAttribute('disabled')).toBe(true);
  });
});

describe('field error sentences', () => {
  it('turns API paths into the field they belong to and a sentence', () => {
    expect(fieldErrorKey('templates.created.title')).toBe('created.title');
    expect(fieldErrorKey('template.body', 'closed')).toBe('closed.body');
    expect(fieldErrorKey('enabled.assigned')).toBe('assigned.enabled');
    expect(fieldErrorSentence('assigned.enabled', 'Invalid input: expected boolean, received string', EVENT_LABELS)).toBe(
      'The \u201cNotify the end user\u201d switch of \u201cOwner assigned\u201d: Invalid input: expected boolean, received string.',
    );
    expect(fieldErrorSentence('(root)', 'Invalid input', EVENT_LABELS)).toBe('The settings: Invalid input.');
    expect(fieldErrorsFromDetails([{ path: 'template.title', message: 'must not be empty' }, { path: 'template.title', message: 'second' }], EVENT_LABELS, 'created')).toEqual({
      'created.title': 'The title of \u201cTicket created\u201d must not be empty.',
    });
  });
});

const entry = (overrides: Partial<NotificationLogEntry> = {}): NotificationLogEntry => ({
  id: 'n1',
  kind: 'status_changed',
  channel: 'agent',
  pressId: 'p1',
  ticketId: 4711,
  ticketNumber: '4711',
  recipient: null,
  agentTokenName: 'Front desk PC',
  title: 'Ticket #4711 is now In Progress',
  status: 'failed',
  attempts: 3,
  lastError: 'the agent did not answer',
  createdAt: '2026-11-28T10:00:00.000Z',
  deliveredAt: null,
  acknowledgedAt: null,
  ...overrides,
});

describe('Recent notifications', () => {
  it('has a friendly empty state', () => {
    render(<RecentNotifications entries={[]} labels={EVENT_LABELS} />);
    expect(screen.getByTestId('notifications-empty').textContent).toContain('No notifications have been sent yet.');
  });

  it('shows each notification with its ticket, recipient, status and error', () => {
    vi.stubEnv('TZ', 'Europe/Berlin');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T12:00:00.000Z'));
    render(
      <RecentNotifications
        entries={[entry(), entry({ id: 'n2', channel: 'email', recipient: 'dana@acme.example', status: 'acknowledged', attempts: 1, lastError: null, deliveredAt: '2026-11-28T10:00:02.000Z', acknowledgedAt: '2026-11-28T10:05:00.000Z' })]}
        labels={EVENT_LABELS}
      />,
    );
    const failed = screen.getByTestId('notification-row-n1');
    expect(failed.dataset.status).toBe('failed');
    expect(within(failed).getByRole('link', { name: '#4711' }).getAttribute('href')).toBe('/presses/p1');
    expect(within(failed).getByText('Status changed')).toBeTruthy();
    expect(within(failed).getByText('Desktop agent')).toBeTruthy();
    expect(within(failed).getByText('Front desk PC')).toBeTruthy();
    expect(within(failed).getByText('Failed')).toBeTruthy();
    expect(within(failed).getByText('the agent did not answer')).toBeTruthy();
    const seen = screen.getByTestId('notification-row-n2');
    expect(within(seen).getByText('dana@acme.example')).toBeTruthy();
    expect(within(seen).getByText('Acknowledged')).toBeTruthy();
    expect(within(seen).getByText('28 Nov 2026, 11:05:00 CET')).toBeTruthy();
    // When it was created reads relative, the full time in the tooltip.
    const created = within(failed).getByText('2 h ago');
    expect(created.getAttribute('title')).toBe('28 Nov 2026, 11:00:00 CET');
  });
});
