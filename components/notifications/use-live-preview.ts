'use client';

import { useEffect, useRef, useState } from 'react';
import type { TicketEventKind } from '@/lib/notifications/types';
import { callNotificationsApi } from './notifications-api';
import type { NotificationPreview, NotificationTemplate } from './types';

export const PREVIEW_DELAY_MS = 300;

export type LivePreviewState = {
  preview: NotificationPreview | null;
  /** Why the last preview failed (a sentence); null when it worked. */
  problem: string | null;
  /** Per-field details of a refused preview (paths like "template.body"). */
  details: { path?: string; message?: string }[];
  loading: boolean;
};

/**
 * Re-renders the template through the preview API a moment after the admin stops typing.
 * Answers that arrive out of order are dropped: the pane always shows the latest text.
 */
export function useLivePreview(kind: TicketEventKind, template: NotificationTemplate, delayMs = PREVIEW_DELAY_MS): LivePreviewState {
  const [state, setState] = useState<LivePreviewState>({ preview: null, problem: null, details: [], loading: true });
  const latest = useRef(0);
  const first = useRef(true);
  const { title, body } = template;

  useEffect(() => {
    const request = ++latest.current;
    // The first preview is asked for at once; later ones wait for a pause in the typing.
    const wait = first.current ? 0 : delayMs;
    first.current = false;
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, loading: true }));
      void callNotificationsApi<NotificationPreview>('POST', '/api/admin/notifications/preview', { kind, template: { title, body } }).then((res) => {
        if (request !== latest.current) return;
        if (res.ok) setState({ preview: res.data, problem: null, details: [], loading: false });
        else setState((s) => ({ preview: s.preview, problem: res.message, details: res.details, loading: false }));
      });
    }, wait);
    return () => clearTimeout(timer);
  }, [kind, title, body, delayMs]);

  return state;
}
