'use client';

import Link from 'next/link';
import type { TicketEventKind } from '@/lib/notifications/types';
import type { LivePreviewState } from './use-live-preview';

/** What the end user would see, with where the values came from (a real ticket, or samples and why). */
export function NotificationPreviewPane({ kind, state, fieldErrors }: { kind: TicketEventKind; state: LivePreviewState; fieldErrors: boolean }) {
  const { preview, problem, loading } = state;
  const stale = problem !== null;
  return (
    <div className="rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200" aria-live="polite" aria-busy={loading} data-testid={`notification-preview-${kind}`}>
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Preview</p>
      {preview ? (
        <div className={`mt-2 rounded-md bg-white p-3 shadow-sm ring-1 ring-slate-200 ${stale ? 'opacity-50' : ''}`}>
          <p className="font-semibold text-ink-900" data-testid={`notification-preview-${kind}-title`}>
            {preview.rendered.title}
          </p>
          <p className="mt-1 whitespace-pre-wrap break-words text-sm text-slate-700" data-testid={`notification-preview-${kind}-body`}>
            {preview.rendered.body}
          </p>
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-500">{loading ? 'Building the preview\u2026' : 'No preview yet.'}</p>
      )}
      {stale ? (
        <p className="mt-2 text-sm text-red-700" data-testid={`notification-preview-${kind}-problem`}>
          {fieldErrors ? 'The preview waits until the fields marked in red are fixed.' : `The preview could not be updated: ${problem}`}
        </p>
      ) : preview ? (
        <p className="mt-2 text-xs text-slate-500" data-testid={`notification-preview-${kind}-source`}>
          {preview.source ? (
            <>
              Values from ticket #{preview.source.ticketNumber}, the most recent press with a ticket (
              <Link href={`/presses/${preview.source.pressId}`} className="text-bell-700 hover:underline">
                open its report
              </Link>
              ).
            </>
          ) : (
            `Sample values, not a real ticket. ${preview.sampleReason ?? ''}`.trim()
          )}
        </p>
      ) : null}
    </div>
  );
}
