// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalTime } from '@/components/ui/local-time';

const AT = '2026-11-28T10:05:00.000Z';

// A viewer (and a server) east of UTC, so a zone leak from either side shows.
beforeEach(() => vi.stubEnv('TZ', 'Europe/Berlin'));
afterEach(() => {
  cleanup();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('LocalTime', () => {
  it('the server renders UTC whatever zone it runs in', () => {
    const html = renderToString(<LocalTime iso={AT} relative />);
    expect(html).toContain('28 Nov 2026, 10:05:00 UTC');
    expect(html).toContain(`dateTime="${AT}"`);
  });

  it('hydrates the server form without a mismatch, then shows the viewer’s zone', async () => {
    const container = document.createElement('div');
    container.innerHTML = renderToString(<LocalTime iso={AT} />);
    document.body.append(container);
    const recoverable = vi.fn();
    await act(async () => {
      hydrateRoot(container, <LocalTime iso={AT} />, { onRecoverableError: recoverable });
    });
    expect(recoverable).not.toHaveBeenCalled();
    expect(container.textContent).toBe('28 Nov 2026, 11:05:00 CET');
    container.remove();
  });

  it('in a scanned list: relative text, the full time in the tooltip', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T10:08:00.000Z'));
    const { container } = render(<LocalTime iso={AT} relative />);
    const time = container.querySelector('time')!;
    expect(time.textContent).toBe('3 min ago');
    expect(time.getAttribute('title')).toBe('28 Nov 2026, 11:05:00 CET');
    expect(time.getAttribute('dateTime')).toBe(AT);
  });

  it('a day alone, on the viewer’s calendar', () => {
    const { container } = render(<LocalTime iso="2026-11-28T23:30:00.000Z" dateOnly />);
    expect(container.textContent).toBe('29 Nov 2026');
  });
});
