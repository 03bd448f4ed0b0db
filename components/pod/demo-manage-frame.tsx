'use client';

/**
 * Manage's side of the Hosted API, for the demo pages: frames the real pod exactly as Manage
 * would (`/pod?id=..&screen=..`, 360 px as a pod, taller as a tab), answers its handshake and
 * getMemberAuthentication with the simulator's demo member, sends onLoad, and shows what
 * Manage would do with the pod's requests (openScreen, refreshScreen).
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { startDemoManageHost } from '@/lib/hosted-api/demo-host';
import type { MemberAuthentication } from '@/lib/hosted-api/protocol';

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

type LogEntry = { at: string; text: string };

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

export function DemoManageFrame({ podOrigin, member, screen, id, podHeight = DEMO_POD_HEIGHT, initialHostedAs = 'pod' }: DemoManageFrameProps) {
  const [hostedAs, setHostedAs] = useState<'pod' | 'tab'>(initialHostedAs);
  const [log, setLog] = useState<LogEntry[]>([]);
  // The page's own origin, read in the browser only (null while rendering on the server).
  const pageOrigin = useSyncExternalStore(subscribeToNothing, () => window.location.origin, () => null);
  const wrongOrigin = pageOrigin !== null && pageOrigin !== podOrigin ? pageOrigin : null;
  const frameRef = useRef<HTMLIFrameElement>(null);
  const src = `${podOrigin}/pod?${new URLSearchParams({ id: String(id), screen }).toString()}`;

  useEffect(() => {
    const iframe = frameRef.current;
    if (!iframe) return;
    const host = startDemoManageHost({
      iframe,
      podOrigin,
      member,
      screenObject: { screen, id, hostedAs },
      onRequest: (name, args) => setLog((entries) => [{ at: new Date().toISOString().slice(11, 19), text: describeRequest(name, args) }, ...entries].slice(0, 20)),
    });
    // The pod loads only once Manage's side listens: no ready can be missed.
    iframe.src = src;
    return () => {
      host.close();
      iframe.removeAttribute('src');
    };
  }, [podOrigin, member, screen, id, hostedAs, src]);

  return (
    <div className="space-y-3">
      {wrongOrigin ? (
        <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-wrong-origin">
          This page is open at {wrongOrigin}, but in demo mode only {podOrigin} may frame the pod, so the browser will refuse to show it.
          Open <a className="underline" href={`${podOrigin}${window.location.pathname}`}>{`${podOrigin}${window.location.pathname}`}</a> instead.
        </p>
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
          What Manage heard from the pod
        </h2>
        {log.length === 0 ? (
          <p className="m-0 text-sm text-slate-500">Nothing yet.</p>
        ) : (
          <ol className="m-0 list-none space-y-0.5 p-0 text-sm" data-testid="demo-manage-log">
            {log.map((entry, i) => (
              <li key={`${entry.at}-${i}`}>
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
