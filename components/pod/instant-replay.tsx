'use client';

/**
 * Instant Replay: the press's screenshots as a slideshow, in the order they were captured.
 * Thumbnails (small WebP) come first; a full-size image is fetched only when it is shown large:
 * on click in the pod, at once on the roomier tab. Keys while the replay has focus: ← and →
 * step, space plays and pauses, Enter opens the full size, Escape closes it.
 *
 * Unlike the admin report's ScreenshotGallery (plain <img src>, the admin's cookie does the
 * auth), every image here is fetched with the pod's bearer token and shown as an object URL.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from 'react';
import { formatClock, formatDate, formatTime } from '@/components/ui/format';
import { useViewerTimeZone } from '@/components/ui/local-time';
import type { ScreenshotView } from '@/lib/presses/types';
import { usePodImage } from './pod-context';

export type InstantReplayProps = {
  screenshots: ScreenshotView[];
  /** pod: thumbnail on stage, full size on demand; tab: full size on stage. */
  variant: 'pod' | 'tab';
  /** Time per slide while playing. */
  intervalMs?: number;
};

export const FIRST_THUMBNAIL_MARK = 'pod:first-thumbnail';

/**
 * The bench's end mark: set once, when the first thumbnail is decoded (a loaded image may not
 * be paintable yet; decode() resolves when it is).
 */
function markFirstThumbnail(event: SyntheticEvent<HTMLImageElement>): void {
  if (typeof performance === 'undefined' || performance.getEntriesByName(FIRST_THUMBNAIL_MARK, 'mark').length > 0) return;
  const img = event.currentTarget;
  const mark = () => {
    if (performance.getEntriesByName(FIRST_THUMBNAIL_MARK, 'mark').length === 0) performance.mark(FIRST_THUMBNAIL_MARK);
  };
  if (typeof img.decode === 'function') img.decode().then(mark, mark);
  else mark();
}

/** The time of day alone, in the same zone as the full time, for the thumbnail strip. */
function clockTime(iso: string | null, timeZone: string | undefined): string | null {
  return iso ? formatClock(iso, timeZone) : null;
}

function describe(shot: ScreenshotView, index: number, count: number, timeZone: string | undefined): string {
  const parts = [`Screenshot ${index + 1} of ${count}`];
  if (shot.monitor !== null) parts.push(`monitor ${shot.monitor}`);
  if (shot.capturedAt) parts.push(`captured ${formatTime(shot.capturedAt, timeZone)}`);
  return parts.join(', ');
}

function thumbSrcOf(shot: ScreenshotView): string {
  return shot.thumbnailSrc || shot.src;
}

export function InstantReplay({ screenshots, variant, intervalMs = 1_500 }: InstantReplayProps) {
  const [selected, setSelected] = useState(0);
  const timeZone = useViewerTimeZone();
  const [playing, setPlaying] = useState(false);
  const [fullSize, setFullSize] = useState(false);
  const regionRef = useRef<HTMLDivElement>(null);
  const count = screenshots.length;
  const index = count === 0 ? 0 : Math.min(selected, count - 1);

  const go = useCallback((next: number) => setSelected(((next % count) + count) % count), [count]);

  useEffect(() => {
    if (!playing || count < 2) return;
    const timer = setInterval(() => setSelected((i) => (i + 1) % count), intervalMs);
    return () => clearInterval(timer);
  }, [playing, count, intervalMs]);

  if (count === 0) {
    return (
      <p className="m-0 text-sm text-slate-500" data-testid="replay-empty">
        No screenshots were sent with this press.
      </p>
    );
  }
  const current = screenshots[index]!;

  function step(delta: number) {
    setPlaying(false);
    go(index + delta);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'ArrowRight') {
      event.preventDefault();
      step(1);
    } else if (event.key === 'ArrowLeft') {
      event.preventDefault();
      step(-1);
    } else if (event.key === ' ' || event.key === 'Spacebar') {
      event.preventDefault();
      setPlaying((p) => !p && count > 1);
    } else if (event.key === 'Escape' && fullSize) {
      event.preventDefault();
      setFullSize(false);
      regionRef.current?.focus();
    } else if (event.key === 'Enter' && event.target === event.currentTarget && !current.removedAt) {
      event.preventDefault();
      setFullSize(true);
    }
  }

  const position = (
    <span aria-live="polite" data-testid="replay-position">
      {index + 1} / {count}
      {current.monitor !== null ? ` · monitor ${current.monitor}` : ''}
      {current.capturedAt ? ` · ${formatTime(current.capturedAt, timeZone)}` : ''}
    </span>
  );

  return (
    <div
      ref={regionRef}
      role="region"
      aria-label="Instant Replay"
      aria-roledescription="slideshow"
      aria-keyshortcuts="ArrowLeft ArrowRight Space Enter Escape"
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="instant-replay"
      data-index={index}
      className={`flex flex-col gap-1.5 rounded-lg outline-none focus-visible:ring-2 focus-visible:ring-bell-500 ${variant === 'pod' ? 'h-full min-h-0' : ''}`}
    >
      <Stage shot={current} variant={variant} label={describe(current, index, count, timeZone)} onOpen={() => setFullSize(true)} />
      <div className="flex shrink-0 flex-wrap items-center justify-between gap-x-3 gap-y-1 text-xs text-slate-600">
        {position}
        {count > 1 ? (
          <span className="flex items-center gap-1">
            <ReplayButton label="Previous screenshot" onClick={() => step(-1)}>
              ←
            </ReplayButton>
            <ReplayButton label={playing ? 'Pause' : 'Play'} onClick={() => setPlaying((p) => !p)} pressed={playing}>
              {playing ? '❚❚' : '▶'}
            </ReplayButton>
            <ReplayButton label="Next screenshot" onClick={() => step(1)}>
              →
            </ReplayButton>
          </span>
        ) : null}
      </div>
      {count > 1 ? (
        <ol className="m-0 flex shrink-0 list-none gap-1.5 overflow-x-auto p-0 pb-1" aria-label="Screenshots">
          {screenshots.map((shot, i) => (
            <li key={shot.id} className="shrink-0">
              <button
                type="button"
                onClick={() => {
                  setPlaying(false);
                  setSelected(i);
                }}
                aria-label={`Show screenshot ${i + 1}${shot.capturedAt ? `, captured ${formatTime(shot.capturedAt, timeZone)}` : ''}`}
                aria-current={i === index ? 'true' : undefined}
                data-testid="replay-thumbnail"
                className={`block w-20 overflow-hidden rounded border-2 text-left ${i === index ? 'border-bell-500' : 'border-transparent hover:border-slate-300'}`}
              >
                {shot.removedAt ? (
                  <span className="flex h-12 items-center justify-center bg-slate-100 text-[10px] text-slate-500">removed</span>
                ) : (
                  <PodImg src={thumbSrcOf(shot)} alt="" className="h-12 w-full bg-slate-100 object-cover" onLoad={markFirstThumbnail} />
                )}
                <span className="block truncate px-0.5 text-center text-[10px] tabular-nums text-slate-500">{clockTime(shot.capturedAt, timeZone) ?? `#${i + 1}`}</span>
              </button>
            </li>
          ))}
        </ol>
      ) : null}
      {fullSize && !current.removedAt ? (
        <FullSize
          shot={current}
          label={describe(current, index, count, timeZone)}
          onClose={() => {
            setFullSize(false);
            regionRef.current?.focus();
          }}
        />
      ) : null}
    </div>
  );
}

function ReplayButton(props: { label: string; onClick: () => void; pressed?: boolean; children: string }) {
  return (
    <button
      type="button"
      aria-label={props.label}
      title={props.label}
      aria-pressed={props.pressed}
      onClick={props.onClick}
      className="min-w-7 rounded border border-slate-300 bg-white px-1.5 py-0.5 leading-none hover:bg-slate-100"
    >
      {props.children}
    </button>
  );
}

/** An image from a pod route; nothing (a grey box) until its bytes arrived. */
function PodImg(props: { src: string | null; alt: string; className: string; onLoad?: (e: SyntheticEvent<HTMLImageElement>) => void; testId?: string }) {
  const image = usePodImage(props.src);
  if (image.isError) {
    return (
      <span role="img" aria-label={props.alt || 'image not available'} className={`${props.className} flex items-center justify-center text-[10px] text-slate-500`}>
        not available
      </span>
    );
  }
  if (!image.data) return <span aria-hidden="true" className={`${props.className} block animate-pulse`} />;
  // eslint-disable-next-line @next/next/no-img-element -- object URLs of authenticated bytes; the image optimizer cannot fetch them
  return <img src={image.data} alt={props.alt} className={props.className} onLoad={props.onLoad} data-testid={props.testId} />;
}

/**
 * The large image. The pod shows the thumbnail (≤ 480 px, fast) and opens the full size on
 * click; the tab asks for the full size at once and shows the thumbnail until it arrives.
 */
function Stage(props: { shot: ScreenshotView; variant: 'pod' | 'tab'; label: string; onOpen: () => void }) {
  const { shot, variant } = props;
  const timeZone = useViewerTimeZone();
  const thumb = usePodImage(shot.removedAt ? null : thumbSrcOf(shot));
  const full = usePodImage(shot.removedAt || variant === 'pod' ? null : shot.src);
  if (shot.removedAt) {
    return (
      <div
        data-testid="replay-removed"
        className="flex min-h-24 flex-1 items-center justify-center rounded-lg border border-dashed border-slate-300 bg-slate-50 p-4 text-center text-sm text-slate-600"
      >
        {shot.filename}: removed by retention on {formatDate(shot.removedAt, timeZone)}
      </div>
    );
  }
  const url = full.data ?? thumb.data;
  const showing = full.data ? 'full' : thumb.data ? 'thumbnail' : 'none';
  return (
    <button
      type="button"
      onClick={props.onOpen}
      aria-label={`${props.label}. Open full size`}
      title="Open full size"
      // In the pod the stage takes whatever height the caption and the strip leave; in the tab, the image's own.
      className={`group relative flex items-center justify-center overflow-hidden rounded-lg bg-slate-900/90 ring-1 ring-slate-200 ${variant === 'pod' ? 'min-h-20 flex-1' : 'min-h-72'}`}
    >
      {url ? (
        // eslint-disable-next-line @next/next/no-img-element -- see PodImg
        <img
          src={url}
          alt={props.label}
          data-testid="replay-stage"
          data-showing={showing}
          onLoad={showing === 'thumbnail' ? markFirstThumbnail : undefined}
          className={variant === 'pod' ? 'absolute inset-0 h-full w-full object-contain' : 'max-h-[75vh] max-w-full object-contain'}
        />
      ) : thumb.isError && !full.data ? (
        <span className="text-sm text-slate-200">This screenshot could not be loaded.</span>
      ) : (
        <span aria-hidden="true" className="h-full w-full animate-pulse bg-slate-700" />
      )}
      <span className="pointer-events-none absolute right-1.5 bottom-1.5 rounded bg-black/60 px-1.5 py-0.5 text-[10px] text-white opacity-80 group-hover:opacity-100">
        Full size
      </span>
    </button>
  );
}

/** The full-size image over the pod; the thumbnail stands in until the full bytes arrive. */
function FullSize(props: { shot: ScreenshotView; label: string; onClose: () => void }) {
  const { shot } = props;
  const full = usePodImage(shot.src);
  const thumb = usePodImage(thumbSrcOf(shot));
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
  }, []);
  const url = full.data ?? thumb.data;
  return (
    <div role="dialog" aria-modal="true" aria-label={`${props.label}, full size`} data-testid="replay-full-size" className="fixed inset-0 z-50 flex flex-col bg-slate-950/95 p-2">
      <div className="mb-1 flex items-center justify-between gap-2 text-xs text-slate-200">
        <span className="truncate">
          {props.label}
          {full.data ? '' : full.isError ? ' (full size not available)' : ' (loading full size…)'}
        </span>
        <button ref={closeRef} type="button" onClick={props.onClose} className="rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-800">
          Close (Esc)
        </button>
      </div>
      <div className="flex min-h-0 flex-1 items-center justify-center overflow-auto">
        {url ? (
          // eslint-disable-next-line @next/next/no-img-element -- see PodImg
          <img src={url} alt={props.label} data-testid="replay-full-image" data-showing={full.data ? 'full' : 'thumbnail'} className="max-h-full max-w-full object-contain" />
        ) : null}
      </div>
    </div>
  );
}
