// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeOs } from '@/components/press/describe-os';
import { LinkedText } from '@/components/press/linked-text';
import { PressForm } from '@/components/press/press-form';

const png = (name: string) => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], name, { type: 'image/png' });

/** The press endpoint as XMLHttpRequest sees it: 202 with an id. */
class FakeXhr {
  static sent: FormData[] = [];
  status = 0;
  responseText = '';
  upload = { onprogress: null as unknown };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open() {}
  setRequestHeader() {}
  send(body: FormData) {
    FakeXhr.sent.push(body);
    this.status = 202;
    this.responseText = JSON.stringify({ id: 'p-1' });
    queueMicrotask(() => this.onload?.());
  }
}

let statusAnswer: Record<string, unknown>;

beforeEach(() => {
  FakeXhr.sent = [];
  statusAnswer = { status: 'ticket_created', ticketNumber: '4711' };
  window.location.hash = '#token=dbt_test';
  let n = 0;
  vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => `blob:shot-${(n += 1)}`, revokeObjectURL: () => undefined }));
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(statusAnswer), { status: 200 })));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the press page form', () => {
  it('takes dropped screenshots into a drop zone, shows them and lets each be removed', async () => {
    render(<PressForm selections={[]} />);
    const zone = await screen.findByTestId('screenshot-drop-zone');
    // A native file input's "No file chosen" is never shown: the input is visually hidden.
    expect(screen.getByLabelText('Choose screenshots').className).toContain('sr-only');
    fireEvent.dragEnter(zone, { dataTransfer: { files: [] } });
    expect(zone.getAttribute('data-dragging')).toBe('true');
    fireEvent.drop(zone, { dataTransfer: { files: [png('one.png'), png('two.png'), new File(['x'], 'notes.txt', { type: 'text/plain' })] } });
    expect(zone.getAttribute('data-dragging')).toBe('false');
    const list = screen.getByRole('list', { name: 'Screenshots to send' });
    expect(within(list).getAllByRole('img').map((i) => i.getAttribute('alt'))).toEqual(['Screenshot 1: one.png', 'Screenshot 2: two.png']);
    expect(screen.getByTestId('screenshot-count').textContent).toBe('2 screenshots ready to send.');
    expect(screen.getByRole('alert').textContent).toContain('notes.txt is not a PNG, JPEG or WebP picture.');
    fireEvent.click(screen.getByRole('button', { name: 'Remove screenshot 1' }));
    expect(within(list).getAllByRole('img').map((i) => i.getAttribute('alt'))).toEqual(['Screenshot 1: two.png']);
    expect(screen.getByTestId('screenshot-count').textContent).toBe('1 screenshot ready to send.');
  });

  it('sends a readable OS name, and offers to send another after the ticket number', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue('Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0');
    render(<PressForm selections={[]} />);
    fireEvent.change(await screen.findByLabelText('What is wrong?'), { target: { value: 'Printer jammed' } });
    fireEvent.drop(screen.getByTestId('screenshot-drop-zone'), { dataTransfer: { files: [png('one.png')] } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send to IT support' }));
    });
    await waitFor(() => expect(screen.getByTestId('ticket-number').textContent).toBe('#4711'));
    const press = JSON.parse(await (FakeXhr.sent[0]!.get('press') as Blob).text()) as { host: { os?: string } };
    expect(press.host.os).toBe('Ubuntu Linux');

    fireEvent.click(screen.getByRole('button', { name: 'Send another request' }));
    expect((screen.getByLabelText('What is wrong?') as HTMLTextAreaElement).value).toBe('');
    expect(screen.queryByRole('list', { name: 'Screenshots to send' })).toBeNull();
  });

  it('turns the web addresses of a refusal into links', async () => {
    statusAnswer = { status: 'refused', message: 'Password resets go through https://portal.example/reset. Thanks!' };
    render(<PressForm selections={[]} />);
    fireEvent.change(await screen.findByLabelText('What is wrong?'), { target: { value: 'Forgot my password' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send to IT support' }));
    });
    const refused = await screen.findByTestId('press-refused');
    expect(within(refused).getByRole('link', { name: 'https://portal.example/reset' }).getAttribute('href')).toBe('https://portal.example/reset');
    expect(refused.textContent).toBe('Password resets go through https://portal.example/reset. Thanks!');
    expect(screen.getByRole('button', { name: 'Send another request' })).toBeTruthy();
  });
});

describe('LinkedText', () => {
  it('links only http(s) addresses', () => {
    const { container } = render(<LinkedText text="See javascript:alert(1) or (http://a.example/x), then https://b.example" />);
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['http://a.example/x', 'https://b.example']);
    expect(container.textContent).toBe('See javascript:alert(1) or (http://a.example/x), then https://b.example');
  });
});

describe('describeOs', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', '15.0.0', 'Windows 11'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', '10.0.0', 'Windows 10'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', undefined, 'Windows'],
    ['Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36', undefined, 'Windows 7'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36', '14.6.1', 'macOS 14'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15', undefined, 'macOS'],
    ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36', '14541.0.0', 'ChromeOS'],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', undefined, 'Ubuntu Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36', '6.8.0', 'Linux'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15', undefined, 'iOS 17.1'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0.0.0 Mobile Safari/537.36', '14.0.0', 'Android 14'],
    ['curl/8.5.0', undefined, null],
  ])('%s (platform %s) is %s', (ua, platformVersion, expected) => {
    expect(describeOs(ua, platformVersion)).toBe(expected);
  });
});
