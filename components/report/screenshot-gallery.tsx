'use client';

import { useState, type KeyboardEvent } from 'react';
import type { ScreenshotView } from '@/lib/presses/types';
import { formatDate, formatTime } from '@/components/ui/format';
import { useViewerTimeZone } from '@/components/ui/local-time';

export type ScreenshotGalleryProps = {
  screenshots: ScreenshotView[];
  /** Names the gallery for screen readers, e.g. "Screenshots". */
  label?: string;
};

function describe(shot: ScreenshotView, index: number, count: number, timeZone: string | undefined): string {
  const parts = [`Screenshot ${index + 1} of ${count}`];
  if (shot.monitor !== null) parts.push(`monitor ${shot.monitor}`);
  if (shot.capturedAt) parts.push(`captured ${formatTime(shot.capturedAt, timeZone)}`);
  return parts.join(', ');
}

/**
 * The press's screenshots: one full size, thumbnails to pick another. ← and → move through
 * them while the gallery (or a thumbnail) has focus. Removed screenshots keep their place
 * and say when retention removed them.
 */
export function ScreenshotGallery({ screenshots, label = 'Screenshots' }: ScreenshotGalleryProps) {
  const [selected, setSelected] = useState(0);
  const timeZone = useViewerTimeZone();
  const count = screenshots.length;
  if (count === 0) {
    return <p className="text-sm text-slate-500" data-testid="screenshots-empty">No screenshots were sent with this press.</p>;
  }
  const index = Math.min(selected, count - 1);
  const current = screenshots[index]!;
  const go = (next: number) => setSelected(((next % count) + count) % count);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'ArrowRight') {
      event.preventDefault();
      go(index + 1);
    } else if (event.key === 'ArrowLeft') {
      event.preventDefault();
      go(index - 1);
    }
  }

  return (
    <div
      role="region"
      aria-label={label}
      aria-roledescription="gallery"
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="screenshot-gallery"
      className="rounded-lg outline-none focus-visible:ring-2 focus-visible:ring-bell-500"
    >
      <figure className="m-0">
        {current.removedAt ? (
          <div
            data-testid="screenshot-removed"
            className="flex min-h-40 items-center justify-center rounded-lg border border-dashed border-slate-300 bg-slate-50 p-6 text-sm text-slate-600"
          >
            {current.filename}: removed by retention on {formatDate(current.removedAt, timeZone)}
          </div>
        ) : (
          <a href={current.src} target="_blank" rel="noreferrer" className="block overflow-auto rounded-lg ring-1 ring-slate-200">
            {/* eslint-disable-next-line @next/next/no-img-element -- bytes come from an authenticated route the image optimizer cannot fetch */}
            <img
              src={current.src}
              alt={describe(current, index, count, timeZone)}
              width={current.width ?? undefined}
              height={current.height ?? undefined}
              className="h-auto max-w-full"
              data-testid="screenshot-main"
            />
          </a>
        )}
        <figcaption className="mt-2 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
          <span aria-live="polite" data-testid="screenshot-position">
            {index + 1} / {count}
            {current.monitor !== null ? ` · monitor ${current.monitor}` : ''}
            {current.capturedAt ? ` · ${formatTime(current.capturedAt, timeZone)}` : ''}
          </span>
          {count > 1 ? (
            <span className="flex gap-2">
              <button type="button" onClick={() => go(index - 1)} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
                ← Previous
              </button>
              <button type="button" onClick={() => go(index + 1)} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">
                Next →
              </button>
            </span>
          ) : null}
        </figcaption>
      </figure>
      {count > 1 ? (
        <ul className="mt-3 flex list-none flex-wrap gap-2 p-0" aria-label="Thumbnails">
          {screenshots.map((shot, i) => (
            <li key={shot.id}>
              <button
                type="button"
                onClick={() => setSelected(i)}
                aria-label={`Show screenshot ${i + 1}`}
                aria-current={i === index ? 'true' : undefined}
                className={`block h-16 w-24 overflow-hidden rounded border-2 ${i === index ? 'border-bell-500' : 'border-transparent hover:border-slate-300'}`}
              >
                {shot.removedAt ? (
                  <span className="flex h-full items-center justify-center bg-slate-100 text-xs text-slate-500">removed</span>
                ) : (
                  // eslint-disable-next-line @next/next/no-img-element -- see above
                  <img src={shot.thumbnailSrc ?? shot.src} alt="" loading="lazy" className="h-full w-full object-cover" />
                )}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
