'use client';

/**
 * Manage's side of the Hosted API, for the demo pages: frames the real pod exactly as Manage
 * would (`/pod?id=..&screen=..`, 360 px as a pod, taller as a tab), answers its handshake and
 * getMemberAuthentication with the simulator's demo member, sends onLoad on every load, and on
 * the ticket screen has Save and Back, which send beforeSave/beforeBack and wait for the pod's
 * matching acknowledgement. The log shows what Manage would do with each message, including
 * what happens when the pod does not answer in a way Manage can match.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { formatClock } from '@/components/ui/format';
import {
  DEMO_ACK_TIMEOUT_MS,
  startDemoManageHost,
  type DemoEventActivity,
  type DemoHostEventName,
  type DemoManageHost,
} from '@/components/pod/hosted-api/demo-host';
import type { MemberAuthentication } from '@/components/pod/hosted-api/protocol';

export type DemoManageFrameProps = {
  podOrigin: string;
  member: MemberAuthentication;
  screen: 'ticket' | 'company';
  id: number;
  /** Manage's pod height in the registration (the wizard's Pod step registers 360). */
  podHeight?: number;
  initialHostedAs?: 'pod' | 'tab';
};

export const DEMO_POD_HEIGHT = 360;
const TAB_HEIGHT = 'max(640px, calc(100vh - 220px))';

type LogEntry = { at: string; text: string; kind: string; event?: string };

const subscribeToNothing = () => () => {};

function describeRequest(name: string, args: unknown): string {
  const record = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  switch (name) {
    case 'openScreen':
      return `Manage would open ${String(record.screen)} #${String(record.id)}${record.newTab ? ' in a new tab' : ''}`;
    case 'refreshScreen':
      return 'Manage would reload this screen';
    case 'getMemberAuthentication':
      return 'The pod asked who is signed in; Manage answered with the demo member';
    default:
      return `The pod sent ${name}`;
  }
}

/** What Manage does once an event is answered, or while it is not. */
const CONSEQUENCE: Record<DemoHostEventName, { done: string; refused: string; waiting: string }> = {
  onLoad: { done: 'the screen is loaded', refused: 'the pod reported a problem loading', waiting: 'Manage would carry on without the pod’s answer' },
  beforeSave: {
    done: 'Manage would save the ticket',
    refused: 'Manage would not save and would show the pod’s errors',
    waiting: 'in Manage the save would still be waiting on the pod, and the ticket would not be saved',
  },
  beforeBack: {
    done: 'Manage would leave the ticket',
    refused: 'Manage would keep the technician on the ticket',
    waiting: 'in Manage the technician would still be waiting to leave the ticket',
  },
};

function describeEventActivity(activity: DemoEventActivity, screen: string): string {
  const label = `${activity.event} #${String(activity.id)}`;
  switch (activity.kind) {
    case 'sent':
      if (activity.event === 'onLoad') return `Manage loaded the ${screen} screen and sent ${label} to the pod`;
      if (activity.event === 'beforeSave') return `Save pressed: Manage sent ${label} and holds the save until the pod acknowledges it`;
      return `Back pressed: Manage sent ${label} and waits for the pod before leaving the ticket`;
    case 'acknowledged':
      return activity.result === 'success'
        ? `The pod acknowledged ${label} with this frame’s id: ${CONSEQUENCE[activity.event].done}`
        : `The pod answered ${label} with a failure (${JSON.stringify(activity.errors ?? null)}): ${CONSEQUENCE[activity.event].refused}`;
    case 'ignored-ack':
      if (activity.reason === 'not-waiting') return `The pod acknowledged ${label}, which Manage is not waiting for: ignored`;
      return `The pod acknowledged ${label} ${activity.reason === 'no-frame-id' ? 'without a frameID' : 'with another frame’s id'}: Manage cannot match it to this pod and keeps waiting`;
    case 'timed-out':
      return `No acknowledgement of ${label} from this frame within ${activity.waitedMs / 1000} s: ${CONSEQUENCE[activity.event].waiting}`;
  }
}

// Stamped as events happen in the browser, so the viewer's own zone is safe here.
function timeNow(): string {
  return formatClock(new Date().toISOString());
}

export function DemoManageFrame({ podOrigin, member, screen, id, podHeight = DEMO_POD_HEIGHT, initialHostedAs = 'pod' }: DemoManageFrameProps) {
  const [hostedAs, setHostedAs] = useState<'pod' | 'tab'>(initialHostedAs);
  const [log, setLog] = useState<LogEntry[]>([]);
  // The page's own origin, read in the browser only (null while rendering on the server).
  const pageOrigin = useSyncExternalStore(subscribeToNothing, () => window.location.origin, () => null);
  const wrongOrigin = pageOrigin !== null && pageOrigin !== podOrigin ? pageOrigin : null;
  const frameRef = useRef<HTMLIFrameElement>(null);
  const hostRef = useRef<DemoManageHost | null>(null);
  const [waitingOn, setWaitingOn] = useState<'beforeSave' | 'beforeBack' | null>(null);
  const src = `${podOrigin}/pod?${new URLSearchParams({ id: String(id), screen }).toString()}`;

  useEffect(() => {
    const iframe = frameRef.current;
    if (!iframe) return;
    const append = (entry: LogEntry) => setLog((entries) => [entry, ...entries].slice(0, 30));
    const host = startDemoManageHost({
      iframe,
      podOrigin,
      member,
      screenObject: { screen, id, hostedAs },
      onRequest: (name, args) => append({ at: timeNow(), text: describeRequest(name, args), kind: 'request' }),
      onEventActivity: (activity) =>
        append({ at: timeNow(), text: describeEventActivity(activity, screen), kind: activity.kind, event: activity.event }),
    });
    hostRef.current = host;
    // The pod loads only once Manage's side listens: no ready can be missed.
    iframe.src = src;
    return () => {
      host.close();
      if (hostRef.current === host) hostRef.current = null;
      iframe.removeAttribute('src');
    };
  }, [podOrigin, member, screen, id, hostedAs, src]);

  async function sendScreenEvent(event: 'beforeSave' | 'beforeBack') {
    const host = hostRef.current;
    if (!host) return;
    setWaitingOn(event);
    try {
      await host.sendEvent(event);
    } finally {
      setWaitingOn(null);
    }
  }

  return (
    <div className="space-y-3">
      {wrongOrigin ? (
        <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-wrong-origin">
          This page is open at {wrongOrigin}, but in demo mode only {podOrigin} may frame the pod, so the browser will refuse to show it.
          Open <a className="underline" href={`${podOrigin}${window.location.pathname}`}>{`${podOrigin}${window.location.pathname}`}</a> instead.
        </p>
      ) : null}
      {screen === 'ticket' ? (
        <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Ticket actions">
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60"
            onClick={() => void sendScreenEvent('beforeSave')}
            disabled={waitingOn !== null}
            data-testid="demo-save"
          >
            {waitingOn === 'beforeSave' ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60"
            onClick={() => void sendScreenEvent('beforeBack')}
            disabled={waitingOn !== null}
            data-testid="demo-back"
          >
            Back
          </button>
          <span className="text-xs text-slate-500" role="status">
            {waitingOn
              ? `Manage is waiting for the pod to acknowledge ${waitingOn} (up to ${DEMO_ACK_TIMEOUT_MS / 1000} s)…`
              : 'Save and Back send beforeSave and beforeBack to the pod, as Manage does.'}
          </span>
        </div>
      ) : null}
      <div className="flex items-center justify-between gap-3">
        <h2 className="m-0 text-sm font-semibold text-slate-700">Deskbell {hostedAs === 'pod' ? 'pod' : 'tab'}</h2>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={hostedAs === 'tab'}
            onChange={(e) => setHostedAs(e.target.checked ? 'tab' : 'pod')}
            data-testid="demo-view-as-tab"
          />
          View as tab
        </label>
      </div>
      <iframe
        // A new frame per mode, as Manage does when the member switches between pod and tab.
        key={hostedAs}
        ref={frameRef}
        title={`Deskbell ${hostedAs}`}
        data-testid="demo-pod-frame"
        data-hosted-as={hostedAs}
        className="block w-full rounded border border-slate-300 bg-white"
        style={{ height: hostedAs === 'pod' ? `${podHeight}px` : TAB_HEIGHT }}
      />
      <section aria-labelledby="demo-log-heading" className="rounded border border-slate-200 bg-slate-50 p-3">
        <h2 id="demo-log-heading" className="mt-0 mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
          What Manage and the pod said
        </h2>
        {log.length === 0 ? (
          <p className="m-0 text-sm text-slate-500">Nothing yet.</p>
        ) : (
          <ol className="m-0 list-none space-y-0.5 p-0 text-sm" data-testid="demo-manage-log">
            {log.map((entry, i) => (
              <li key={`${entry.at}-${i}`} data-kind={entry.kind} data-event={entry.event}>
                <span className="mr-2 font-mono text-xs text-slate-500">{entry.at}</span>
                {entry.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
