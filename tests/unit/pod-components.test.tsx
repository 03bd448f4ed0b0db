// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { CompanyPressesView } from '@/components/pod/company-presses-view';
import { InstantReplay } from '@/components/pod/instant-replay';
import { PodApp } from '@/components/pod/pod-app';
import { PodContext, type PodContextValue } from '@/components/pod/pod-context';
import { NotADeskbellTicket, TicketPressView } from '@/components/pod/ticket-press-view';
import { normalizeScreen, parseRecordId } from '@/components/pod/use-pod-session';
import { startDemoManageHost } from '@/components/pod/hosted-api/demo-host';
import type { MemberAuthentication, ScreenObject } from '@/components/pod/hosted-api/protocol';
import type { PodCompanyPresses, PodPress } from '@/lib/pod/types';
import type { ScreenshotView } from '@/lib/presses/types';

// ---------------------------------------------------------------------------------------------
// Fixtures

function shot(n: number, extra: Partial<ScreenshotView> = {}): ScreenshotView {
  return {
    id: `file-${n}`,
    src: `/api/pod/presses/p1/files/file-${n}`,
    thumbnailSrc: `/api/pod/presses/p1/files/file-${n}/thumbnail`,
    filename: `shot-${n}.png`,
    width: 1920,
    height: 1080,
    capturedAt: `2026-11-28T10:00:0${n}.000Z`,
    monitor: n - 1,
    removedAt: null,
    ...extra,
  };
}

function press(extra: Partial<PodPress> = {}): PodPress {
  return {
    id: 'p1',
    status: 'ticket_created',
    receivedAt: '2026-11-28T10:00:00.000Z',
    updatedAt: '2026-11-28T10:00:02.000Z',
    ticketCreatedAt: '2026-11-28T10:00:02.000Z',
    msToTicket: 1_800,
    person: { name: 'Dana Whitfield', email: 'dana.whitfield@acme-mfg.example' },
    registered: true,
    companyName: 'Acme Manufacturing',
    message: 'The label printer prints blank pages',
    selections: ['Printer or scanner'],
    append: [],
    custom: {},
    host: {
      hostname: 'ACME-PC-01',
      username: 'dwhitfield',
      localIp: '10.0.4.17',
      mac: '00:1A:2B:3C:4D:5E',
      os: 'Windows 11 Pro 23H2',
      agentVersion: '2.4.1',
    },
    ticket: { id: 7012, number: '7012', url: null, boardName: 'Help Desk', statusName: 'New', reused: false },
    configuration: { id: 31, name: 'ACME-PC-01 (Workstation)', url: 'https://na.myconnectwise.net/v4_6_release/ConnectWise.aspx?routeTo=ConfigFV&recid=31' },
    refusedMessage: null,
    retry: { attempt: 1, nextAttemptAt: null, lastError: null, deadReason: null },
    screenshots: [shot(1), shot(2), shot(3)],
    attachments: [],
    filesRemovedAt: null,
    submissionErrors: ['Priority "Urgent" is not on the board; Manage\u2019s default was used.'],
    fileErrors: [],
    configurationError: null,
    rules: { refusal: null, error: null, output: 'routing to printers', durationMs: 12, changed: ['board'] },
    calls: [],
    steps: [],
    outcomeAttempt: 1,
    timeline: [
      { kind: 'received', at: '2026-11-28T10:00:00.000Z', label: 'Press received' },
      { kind: 'ticket_created', at: '2026-11-28T10:00:02.000Z', label: 'Ticket #7012 created' },
    ],
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// A fake Deskbell server (fetch) and object URLs (jsdom has none)

type FetchCall = { url: string; method: string; headers: Record<string, string>; body: string | null };
let fetchCalls: FetchCall[];
let routes: Map<string, (call: FetchCall) => Response | Promise<Response>>;
let objectUrls: Map<string, string>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function image(): Response {
  // Bytes, not a jsdom Blob: the Response here is Node's and cannot read jsdom's Blob.
  return new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-type': 'image/webp' } });
}

beforeEach(() => {
  // A viewer east of UTC: every time must come out in their zone, whatever the machine's.
  vi.stubEnv('TZ', 'Europe/Berlin');
  fetchCalls = [];
  routes = new Map();
  objectUrls = new Map();
  let n = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const call: FetchCall = { url: String(input), method: init.method ?? 'GET', headers, body: typeof init.body === 'string' ? init.body : null };
      fetchCalls.push(call);
      const path = call.url.split('?')[0]!;
      const handler = routes.get(`${call.method} ${path}`) ?? routes.get(`${call.method} ${call.url}`);
      if (handler) return handler(call);
      if (/\/files\/[^/]+(\/thumbnail)?$/.test(path) && call.method === 'GET') {
        return headers.authorization?.startsWith('Bearer ') ? image() : json({ error: { code: 'unauthorized', message: 'no token' } }, 401);
      }
      return json({ error: { code: 'not_found', message: `no route ${call.method} ${call.url}` } }, 404);
    }),
  );
  URL.createObjectURL = vi.fn((blob: Blob) => {
    const url = `blob:http://pod.test/${++n}`;
    objectUrls.set(url, blob.type);
    return url;
  });
  URL.revokeObjectURL = vi.fn((url: string) => {
    objectUrls.delete(url);
  });
  performance.clearMarks();
});

afterEach(() => {
  cleanup();
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const imageFetches = () => fetchCalls.filter((c) => c.url.includes('/files/'));

/** Renders views inside what PodApp gives them: a query client and a signed-in pod context. */
function renderInPod(ui: ReactNode, overrides: Partial<PodContextValue> = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const value: PodContextValue = {
    getToken: () => 'tok-1',
    renew: vi.fn(async () => 'tok-2'),
    openScreen: vi.fn(),
    ...overrides,
  };
  const result = render(
    <QueryClientProvider client={client}>
      <PodContext.Provider value={value}>{ui}</PodContext.Provider>
    </QueryClientProvider>,
  );
  return { ...result, value, client };
}

// ---------------------------------------------------------------------------------------------

describe('InstantReplay', () => {
  it('shows thumbnails first, fetched with the bearer token as object URLs, never with the token in a URL', async () => {
    renderInPod(<InstantReplay screenshots={[shot(1), shot(2), shot(3)]} variant="pod" />);
    const stage = await screen.findByTestId('replay-stage');
    expect(stage.getAttribute('data-showing')).toBe('thumbnail');
    expect(stage.getAttribute('src')).toMatch(/^blob:/);
    const thumbs = screen.getAllByTestId('replay-thumbnail');
    expect(thumbs).toHaveLength(3);
    expect(within(thumbs[1]!).getByText('11:00:02')).toBeTruthy();
    await waitFor(() => expect(thumbs[2]!.querySelector('img')?.getAttribute('src')).toMatch(/^blob:/));

    // Only thumbnails so far: the pod does not pay for a full-size image nobody opened.
    expect(imageFetches().length).toBeGreaterThan(0);
    expect(imageFetches().every((c) => c.url.endsWith('/thumbnail'))).toBe(true);
    expect(imageFetches().every((c) => c.headers.authorization === 'Bearer tok-1')).toBe(true);
    expect(fetchCalls.some((c) => c.url.includes('tok-'))).toBe(false);
  });

  it('steps with ← and →, wrapping around, and plays and pauses with space', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderInPod(<InstantReplay screenshots={[shot(1), shot(2), shot(3)]} variant="pod" intervalMs={1_000} />);
    const replay = screen.getByRole('region', { name: 'Instant Replay' });
    const position = () => screen.getByTestId('replay-position').textContent;
    expect(position()).toBe('1 / 3 · monitor 0 · 28 Nov 2026, 11:00:01 CET');
    fireEvent.keyDown(replay, { key: 'ArrowRight' });
    expect(position()).toContain('2 / 3');
    fireEvent.keyDown(replay, { key: 'ArrowLeft' });
    fireEvent.keyDown(replay, { key: 'ArrowLeft' });
    expect(position()).toContain('3 / 3');
    expect(screen.getByRole('button', { name: /Show screenshot 3/ }).getAttribute('aria-current')).toBe('true');

    fireEvent.keyDown(replay, { key: ' ' });
    expect(screen.getByRole('button', { name: 'Pause' }).getAttribute('aria-pressed')).toBe('true');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_050);
    });
    expect(position()).toContain('1 / 3');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    expect(position()).toContain('2 / 3');
    fireEvent.keyDown(replay, { key: ' ' });
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3_000);
    });
    expect(position()).toContain('2 / 3');
  });

  it('opens the full size on click (fetched then, not before) and closes with Escape', async () => {
    renderInPod(<InstantReplay screenshots={[shot(1), shot(2)]} variant="pod" />);
    await screen.findByTestId('replay-stage');
    expect(imageFetches().some((c) => c.url === '/api/pod/presses/p1/files/file-1')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: /Screenshot 1 of 2.*Open full size/ }));
    const dialog = screen.getByRole('dialog');
    await waitFor(() => expect(within(dialog).getByTestId('replay-full-image').getAttribute('data-showing')).toBe('full'));
    expect(imageFetches().filter((c) => c.url === '/api/pod/presses/p1/files/file-1')).toHaveLength(1);
    // → inside the full-size view moves on there too.
    fireEvent.keyDown(dialog, { key: 'ArrowRight' });
    expect(screen.getByRole('dialog').getAttribute('aria-label')).toMatch(/^Screenshot 2 of 2/);
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('as a tab, asks for the full size at once and shows it on the stage', async () => {
    renderInPod(<InstantReplay screenshots={[shot(1), shot(2)]} variant="tab" />);
    await waitFor(() => expect(screen.getByTestId('replay-stage').getAttribute('data-showing')).toBe('full'));
    expect(imageFetches().map((c) => c.url)).toContain('/api/pod/presses/p1/files/file-1');
  });

  it('marks pod:first-thumbnail once, when the first thumbnail image has loaded', async () => {
    renderInPod(<InstantReplay screenshots={[shot(1), shot(2)]} variant="pod" />);
    const stage = await screen.findByTestId('replay-stage');
    expect(performance.getEntriesByName('pod:first-thumbnail')).toHaveLength(0);
    fireEvent.load(stage);
    await waitFor(() => expect(performance.getEntriesByName('pod:first-thumbnail')).toHaveLength(1));
    fireEvent.load(stage);
    await new Promise((r) => setTimeout(r, 10));
    expect(performance.getEntriesByName('pod:first-thumbnail')).toHaveLength(1);
  });

  it('keeps the place of a screenshot retention removed, and says so when there are none', async () => {
    const { unmount } = renderInPod(<InstantReplay screenshots={[shot(1, { removedAt: '2027-02-01T03:00:00.000Z' }), shot(2)]} variant="pod" />);
    expect(screen.getByTestId('replay-removed').textContent).toBe('shot-1.png: removed by retention on 1 Feb 2027');
    expect(imageFetches().some((c) => c.url.includes('file-1'))).toBe(false);
    unmount();
    renderInPod(<InstantReplay screenshots={[]} variant="pod" />);
    expect(screen.getByTestId('replay-empty').textContent).toBe('No screenshots were sent with this press.');
  });

  it('renews the token once when an image answers 401, and retries with the new one', async () => {
    let first = true;
    routes.set('GET /api/pod/presses/p1/files/file-1/thumbnail', (call) => {
      if (first) {
        first = false;
        return json({ error: { code: 'unauthorized', message: 'expired' } }, 401);
      }
      return call.headers.authorization === 'Bearer tok-2' ? image() : json({}, 401);
    });
    const { value } = renderInPod(<InstantReplay screenshots={[shot(1)]} variant="pod" />);
    const stage = await screen.findByTestId('replay-stage');
    expect(stage.getAttribute('src')).toMatch(/^blob:/);
    expect(value.renew).toHaveBeenCalledTimes(1);
  });
});

describe('TicketPressView', () => {
  it('shows host details, message, the configuration linked into Manage, and keeps diagnostics collapsed', async () => {
    renderInPod(<TicketPressView press={press()} variant="pod" />);
    const host = screen.getByTestId('host-details');
    for (const value of ['ACME-PC-01', 'dwhitfield', '10.0.4.17', '00:1A:2B:3C:4D:5E', 'Windows 11 Pro 23H2', '2.4.1']) {
      expect(host.textContent).toContain(value);
    }
    expect(screen.getByTestId('press-message').textContent).toBe('The label printer prints blank pages');
    expect(screen.getByTestId('press-selections').textContent).toContain('Printer or scanner');
    const link = within(screen.getByTestId('pod-configuration')).getByRole('link', { name: 'ACME-PC-01 (Workstation)' });
    expect(link.getAttribute('href')).toContain('routeTo=ConfigFV&recid=31');
    expect(link.getAttribute('target')).toBe('_blank');

    const errors = screen.getByTestId('pod-submission-errors') as HTMLDetailsElement;
    expect(errors.open).toBe(false);
    expect(errors.querySelector('summary')!.textContent).toBe('Submission Errors: 1');
    expect((screen.getByTestId('rule-trace') as HTMLDetailsElement).open).toBe(false);
    expect(screen.getByTestId('press-timeline').textContent).toContain('Ticket #7012 created');
    expect(screen.getByTestId('pod-header').textContent).toContain('Dana Whitfield');
    expect(screen.getByTestId('pod-ticket').getAttribute('data-variant')).toBe('pod');
    await screen.findByTestId('replay-stage');
  });

  it('says when no configuration matched', () => {
    renderInPod(<TicketPressView press={press({ configuration: null, screenshots: [] })} variant="tab" />);
    expect(screen.getByTestId('pod-configuration-none').textContent).toBe('No configuration matched ACME-PC-01.');
    expect(screen.getByTestId('pod-ticket').getAttribute('data-variant')).toBe('tab');
  });

  it('has a friendly empty state for a ticket Deskbell did not create', () => {
    render(<NotADeskbellTicket ticketId={4242} />);
    expect(screen.getByRole('heading').textContent).toBe('This ticket did not come from the Deskbell button');
    expect(screen.getByTestId('pod-empty').textContent).toContain('Ticket #4242 was made another way');
  });
});

describe('CompanyPressesView', () => {
  const data: PodCompanyPresses = {
    presses: [
      { id: 'a', receivedAt: '2026-11-28T10:00:00.000Z', name: 'Dana Whitfield', email: 'dana@acme.example', hostname: 'ACME-PC-01', ticketId: 7012, ticketNumber: '7012', status: 'ticket_created', ticketStatusName: 'In Progress' },
      { id: 'b', receivedAt: '2026-11-28T09:00:00.000Z', name: null, email: 'sam@acme.example', hostname: null, ticketId: null, ticketNumber: null, status: 'retrying', ticketStatusName: null },
    ],
    topHosts: [
      { hostname: 'ACME-PC-01', presses: 4 },
      { hostname: 'ACME-LT-07', presses: 1 },
    ],
  };

  it('lists recent presses with a ticket link that asks Manage to open the ticket', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T10:03:00.000Z'));
    const openScreen = vi.fn();
    render(<CompanyPressesView data={data} openScreen={openScreen} />);
    const rows = screen.getAllByTestId('pod-company-press');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('3 min ago');
    expect(rows[0]!.querySelector('time')!.getAttribute('title')).toBe('28 Nov 2026, 11:00:00 CET');
    expect(rows[1]!.textContent).toContain('1 h ago');
    expect(rows[0]!.textContent).toContain('Dana Whitfield');
    expect(rows[0]!.textContent).toContain('ACME-PC-01');
    expect(rows[0]!.textContent).toContain('In Progress');
    expect(rows[1]!.textContent).toContain('none yet');
    fireEvent.click(screen.getByRole('button', { name: 'Open ticket #7012 in Manage' }));
    expect(openScreen).toHaveBeenCalledWith({ screen: 'ticket', id: 7012 });
    const hosts = screen.getByTestId('pod-top-hosts');
    expect(hosts.textContent).toContain('ACME-PC-014 presses');
    expect(hosts.textContent).toContain('ACME-LT-071 press');
  });

  it('says so when the company never pressed', () => {
    render(<CompanyPressesView data={{ presses: [], topHosts: [] }} openScreen={vi.fn()} />);
    expect(screen.getByTestId('pod-company-empty').textContent).toContain('No presses from this company yet');
  });
});

// ---------------------------------------------------------------------------------------------
// PodApp against the real Hosted API client and the demo Manage host, in jsdom windows wired
// like a browser (a message reaches a window only if targetOrigin is that window's origin).

const MANAGE = 'https://na.myconnectwise.net';
const POD = 'https://deskbell.example';
const EVIL = 'https://na.myconnectwise.net.evil.example';
const MEMBER: MemberAuthentication = {
  site: 'na.myconnectwise.net',
  companyid: 'deskbell_demo',
  memberid: 'jsmith',
  memberHash: 'demo-hash-jsmith-7f3a9c',
  memberContext: 'ctx',
};

type PostSpy = MockInstance<(message: unknown, targetOrigin: string) => void>;

function route(target: Window, receiverOrigin: string, sender: Window, senderOrigin: string): PostSpy {
  return vi.spyOn(target, 'postMessage').mockImplementation(((message: unknown, targetOrigin: string) => {
    if (targetOrigin !== '*' && targetOrigin !== receiverOrigin) return;
    setTimeout(() => target.dispatchEvent(new MessageEvent('message', { data: message, origin: senderOrigin, source: sender })), 0);
  }) as never) as unknown as PostSpy;
}

/** Manage's page (a jsdom window) framing the pod (an iframe's window); the React tree renders in the test document. */
function manageWithPod(options: { screenObject?: ScreenObject; answer?: boolean } = {}) {
  const manageFrame = document.createElement('iframe');
  const podFrame = document.createElement('iframe');
  document.body.append(manageFrame);
  manageFrame.contentDocument!.body.append(podFrame);
  const manageWindow = manageFrame.contentWindow!;
  const podWindow = podFrame.contentWindow!;
  const toManage = route(manageWindow, MANAGE, podWindow, POD);
  route(podWindow, POD, manageWindow, MANAGE);
  const requests: string[] = [];
  const host =
    options.answer === false
      ? null
      : startDemoManageHost({
          iframe: podFrame,
          podOrigin: POD,
          member: MEMBER,
          screenObject: options.screenObject ?? { screen: 'ticket', id: 7012, hostedAs: 'pod' },
          onRequest: (name) => requests.push(name),
        });
  return { manageWindow, podWindow, toManage, requests, close: () => host?.close() };
}

function sessionGrant(token: string, ttlMs: number, scope: { screen: 'ticket' | 'company'; id: number } = { screen: 'ticket', id: 7012 }) {
  return { token, expiresAt: new Date(Date.now() + ttlMs).toISOString(), member: { identifier: 'jsmith', name: 'John Smith' }, scope };
}

describe('PodApp', () => {
  it('signs in through Manage, keeps the token in memory only, and shows the ticket\u2019s press', async () => {
    const manage = manageWithPod();
    routes.set('POST /api/pod/session', () => json(sessionGrant('tok-A', 600_000)));
    routes.set('GET /api/pod/tickets/7012', () => json({ press: press() }));
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow, timeoutMs: 1_000 }} />);

    await screen.findByTestId('pod-ticket');
    expect(performance.getEntriesByName('pod:ready-sent')).toHaveLength(1);
    const sessionCall = fetchCalls.find((c) => c.url === '/api/pod/session')!;
    expect(JSON.parse(sessionCall.body!)).toEqual({ auth: MEMBER, screen: 'ticket', id: 7012 });
    const ticketCall = fetchCalls.find((c) => c.url === '/api/pod/tickets/7012')!;
    expect(ticketCall.headers.authorization).toBe('Bearer tok-A');
    expect(screen.getByTestId('host-details').textContent).toContain('ACME-PC-01');
    expect(screen.getByTestId('pod-app').getAttribute('data-hosted-as')).toBe('pod');
    // Memory only: no storage, no cookie, no URL.
    expect(JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie).not.toContain('tok-A');
    expect(fetchCalls.some((c) => c.url.includes('tok-A'))).toBe(false);
    // Every message to Manage named Manage's exact origin.
    expect(new Set(manage.toManage.mock.calls.map(([, origin]) => origin))).toEqual(new Set([MANAGE]));
    manage.close();
  });

  it('renews the token at about 80% of its lifetime by asking Manage again', async () => {
    const manage = manageWithPod();
    let n = 0;
    routes.set('POST /api/pod/session', () => json(sessionGrant(`tok-${++n}`, 1_300)));
    routes.set('GET /api/pod/tickets/7012', () => json({ press: press({ screenshots: [] }) }));
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow }} />);
    await screen.findByTestId('pod-ticket');
    expect(n).toBe(1);
    const started = Date.now();
    await waitFor(() => expect(n).toBe(2), { timeout: 3_000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(700);
    expect(elapsed).toBeLessThan(1_300);
    expect(manage.requests.filter((r) => r === 'getMemberAuthentication')).toHaveLength(2);
    expect(screen.getByTestId('pod-app').getAttribute('data-phase')).toBe('ready');
    manage.close();
  });

  it('ignores a handshake from another origin and says Manage did not answer', async () => {
    const manage = manageWithPod({ answer: false });
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow, timeoutMs: 300 }} />);
    // An impostor (lookalike origin, even posing as the parent window) answers the handshake.
    await waitFor(() => expect(manage.toManage).toHaveBeenCalled());
    manage.podWindow.dispatchEvent(new MessageEvent('message', { data: JSON.stringify({ MessageFrameID: 'evil' }), origin: EVIL, source: manage.manageWindow }));
    const error = await screen.findByTestId('pod-error', {}, { timeout: 2_000 });
    expect(error.getAttribute('data-kind')).toBe('timeout');
    expect(error.textContent).toContain('Manage did not answer');
    expect(fetchCalls.filter((c) => c.url === '/api/pod/session')).toHaveLength(0);
    manage.close();
  });

  it('says to open it from Manage when nobody frames it', async () => {
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ timeoutMs: 50 }} />);
    const error = await screen.findByTestId('pod-error');
    expect(error.getAttribute('data-kind')).toBe('not-in-manage');
  });

  it('says Deskbell does not know Manage yet when no origin is configured', async () => {
    render(<PodApp allowedOrigins={[]} screen="ticket" id="7012" />);
    expect((await screen.findByTestId('pod-error')).getAttribute('data-kind')).toBe('not-configured');
  });

  it.each([
    [401, 'refused', 'Manage did not confirm your sign-in'],
    [429, 'throttled', 'Too many failed sign-ins'],
    [503, 'manage-down', 'Deskbell cannot reach Manage right now'],
  ])('turns a %i from the session route into a readable %s state, with Try again', async (status, kind, title) => {
    const manage = manageWithPod();
    let calls = 0;
    routes.set('POST /api/pod/session', () => {
      calls += 1;
      return calls === 1 ? json({ error: { code: 'x', message: 'server says no' } }, status) : json(sessionGrant('tok-B', 600_000));
    });
    routes.set('GET /api/pod/tickets/7012', () => json({ press: null }));
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow }} />);
    const error = await screen.findByTestId('pod-error');
    expect(error.getAttribute('data-kind')).toBe(kind);
    expect(error.textContent).toContain(title);
    expect(error.textContent).toContain('server says no');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    // A ticket Deskbell did not create: the friendly empty state.
    await screen.findByTestId('pod-empty');
    manage.close();
  });

  it.each([
    [403, 'forbidden', 'Not yours to see', /security role/g],
    [404, 'not-found', 'Manage has no such record', /deleted or merged/g],
  ])('tells a %i (%s) from the others, and says it once', async (status, kind, title, sentence) => {
    const manage = manageWithPod();
    routes.set('POST /api/pod/session', () =>
      json({ error: { code: 'x', message: 'Your Manage security role does not let you open ticket #7012.' } }, status),
    );
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow }} />);
    const error = await screen.findByTestId('pod-error');
    expect(error.getAttribute('data-kind')).toBe(kind);
    expect(error.textContent).toContain(title);
    expect(error.textContent!.match(sentence)).toHaveLength(1);
    if (kind === 'not-found') expect(error.textContent).not.toMatch(/security role/);
    manage.close();
  });

  it('says when Deskbell itself cannot be reached', async () => {
    const manage = manageWithPod();
    routes.set('POST /api/pod/session', () => {
      throw new TypeError('fetch failed');
    });
    render(<PodApp allowedOrigins={[MANAGE]} screen="ticket" id="7012" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow }} />);
    expect((await screen.findByTestId('pod-error')).getAttribute('data-kind')).toBe('unreachable');
    manage.close();
  });

  it('hosted as a tab on a company: recent presses, and openScreen goes to Manage', async () => {
    const manage = manageWithPod({ screenObject: { screen: 'company', id: 250, hostedAs: 'tab' } });
    routes.set('POST /api/pod/session', () => json(sessionGrant('tok-C', 600_000, { screen: 'company', id: 250 })));
    routes.set('GET /api/pod/companies/250/presses', () =>
      json({
        presses: [{ id: 'a', receivedAt: '2026-11-28T10:00:00.000Z', name: 'Dana', email: null, hostname: 'ACME-PC-01', ticketId: 7012, ticketNumber: '7012', status: 'ticket_created', ticketStatusName: 'New' }],
        topHosts: [{ hostname: 'ACME-PC-01', presses: 1 }],
      }),
    );
    render(<PodApp allowedOrigins={[MANAGE]} screen="Company" id="250" clientOptions={{ self: manage.podWindow, parent: manage.manageWindow }} />);
    await screen.findByTestId('pod-company');
    expect(screen.getByTestId('pod-app').getAttribute('data-hosted-as')).toBe('tab');
    expect(screen.getByTestId('pod-signed-in').textContent).toContain('John Smith');
    fireEvent.click(screen.getByRole('button', { name: 'Open ticket #7012 in Manage' }));
    await waitFor(() => expect(manage.requests).toContain('openScreen'));
    const open = manage.toManage.mock.calls.map(([raw]) => JSON.parse(raw as string)).find((m) => m.hosted_request === 'openScreen');
    expect(open.args).toEqual({ newTab: false, screen: 'ticket', id: 7012 });
    manage.close();
  });
});

describe('PodApp without record details in the URL', () => {
  it('takes the screen and record from onLoad\u2019s screenObject', async () => {
    const manage = manageWithPod({ screenObject: { screen: 'ticket', id: 7013, hostedAs: 'tab' } });
    routes.set('POST /api/pod/session', () => json(sessionGrant('tok-D', 600_000, { screen: 'ticket', id: 7013 })));
    routes.set('GET /api/pod/tickets/7013', () => json({ press: null }));
    render(<PodApp allowedOrigins={[MANAGE]} screen={null} id={null} clientOptions={{ self: manage.podWindow, parent: manage.manageWindow }} />);
    await screen.findByTestId('pod-empty');
    expect(JSON.parse(fetchCalls.find((c) => c.url === '/api/pod/session')!.body!)).toMatchObject({ screen: 'ticket', id: 7013 });
    expect(screen.getByTestId('pod-app').getAttribute('data-hosted-as')).toBe('tab');
    manage.close();
  });
});

describe('query parsing', () => {
  it('reads Manage\u2019s [cw_screen] and [cw_id] leniently but only as record ids', () => {
    expect(normalizeScreen('ticket')).toBe('ticket');
    expect(normalizeScreen('Service Ticket')).toBe('ticket');
    expect(normalizeScreen('company')).toBe('company');
    expect(normalizeScreen('[cw_screen]')).toBeNull();
    expect(parseRecordId('7012')).toBe(7012);
    expect(parseRecordId('0')).toBeNull();
    expect(parseRecordId('12abc')).toBeNull();
    expect(parseRecordId('[cw_id]')).toBeNull();
  });
});

describe('frame policy (who may frame and talk to the pod)', () => {
  it('allows the Manage UI origin of the connection, MANAGE_UI_ORIGINS, and Deskbell itself only in demo mode', async () => {
    const { frameAncestorsDirective, resolveFramePolicy } = await import('@/lib/pod/frame-policy');
    const { manageUiOrigin } = await import('@/lib/connectwise/ui-links');
    // The pod is framed by Manage's web UI, not its API host.
    expect(manageUiOrigin('api-na.myconnectwise.net/v4_6_release')).toBe('https://na.myconnectwise.net');
    expect(manageUiOrigin('na.myconnectwise.net')).toBe('https://na.myconnectwise.net');
    expect(manageUiOrigin('http://127.0.0.1:8124/v4_6_release')).toBe('http://127.0.0.1:8124');
    expect(manageUiOrigin('not a host')).toBeNull();

    const base = { manageEndpoint: 'api-na.myconnectwise.net/v4_6_release', extraOrigins: ['https://eu.myconnectwise.net'], publicUrl: 'https://deskbell.example.com/', port: 3000 };
    expect(resolveFramePolicy({ ...base, demo: false })).toEqual({
      origins: ['https://na.myconnectwise.net', 'https://eu.myconnectwise.net'],
      manageOrigin: 'https://na.myconnectwise.net',
      demoOrigin: null,
    });
    expect(resolveFramePolicy({ ...base, demo: true }).origins).toEqual([
      'https://na.myconnectwise.net',
      'https://eu.myconnectwise.net',
      'https://deskbell.example.com',
    ]);
    expect(resolveFramePolicy({ ...base, demo: true, publicUrl: undefined }).demoOrigin).toBe('http://127.0.0.1:3000');
    expect(resolveFramePolicy({ manageEndpoint: null, extraOrigins: [], publicUrl: undefined, port: 3000, demo: false }).origins).toEqual([]);

    expect(frameAncestorsDirective(['https://na.myconnectwise.net', 'http://127.0.0.1:3100'])).toBe('frame-ancestors https://na.myconnectwise.net http://127.0.0.1:3100');
    expect(frameAncestorsDirective([])).toBe("frame-ancestors 'none'");
    // Nothing can smuggle another directive or source in.
    expect(frameAncestorsDirective(['https://a.example; script-src *', "'self'", 'https://b.example'])).toBe('frame-ancestors https://b.example');
  });

  it('MANAGE_UI_ORIGINS takes exact origins only', async () => {
    const { parseServerEnv } = await import('@/lib/env');
    expect(parseServerEnv({ MANAGE_UI_ORIGINS: ' https://na.myconnectwise.net , https://eu.myconnectwise.net' }).MANAGE_UI_ORIGINS).toEqual([
      'https://na.myconnectwise.net',
      'https://eu.myconnectwise.net',
    ]);
    expect(parseServerEnv({}).MANAGE_UI_ORIGINS).toEqual([]);
    for (const bad of ['https://na.myconnectwise.net/', 'https://na.myconnectwise.net/v4_6_release', 'na.myconnectwise.net', 'ftp://x.example', '*']) {
      expect(() => parseServerEnv({ MANAGE_UI_ORIGINS: bad }), bad).toThrowError(/MANAGE_UI_ORIGINS/);
    }
    expect(parseServerEnv({ DESKBELL_DEMO_MEMBER: 'jsmith:demo-hash-jsmith-7f3a9c' }).DESKBELL_DEMO_MEMBER).toBe('jsmith:demo-hash-jsmith-7f3a9c');
    expect(() => parseServerEnv({ DESKBELL_DEMO_MEMBER: 'jsmith' })).toThrowError(/DESKBELL_DEMO_MEMBER/);
  });
});
