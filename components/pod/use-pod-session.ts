'use client';

/**
 * Signing the pod in through Manage: handshake -> getMemberAuthentication -> POST
 * /api/pod/session -> a bearer token held in memory only (a ref, never storage or a cookie:
 * inside Manage's iframe cookies are third-party, and storage would outlive the ticket). The
 * token is renewed at ~80% of its lifetime the same way, by asking Manage again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { createHostedApiClient, type HostedApiClient, type HostedApiClientOptions } from '@/components/pod/hosted-api/client';
import type { ScreenObject } from '@/components/pod/hosted-api/protocol';
import { createPodSession, type PodScreen, type PodSessionGrant as PodSession } from './pod-api';
import { describeSignInError, podError, type PodError } from './pod-errors';

export type PodTarget = { screen: PodScreen; id: number };

export type PodSessionState =
  | { phase: 'connecting'; step: 'handshake' | 'member' | 'session' }
  | { phase: 'ready'; session: PodSession; target: PodTarget }
  | { phase: 'error'; error: PodError };

export type PodSessionOptions = {
  allowedOrigins: readonly string[];
  /** From the URL Manage opened (`?id=[cw_id]&screen=[cw_screen]`); onLoad's screenObject fills gaps. */
  requested: { screen: PodScreen | null; id: number | null };
  /** Test seams: the windows and timeout the Hosted API client uses. */
  clientOptions?: Pick<HostedApiClientOptions, 'self' | 'parent' | 'timeoutMs'>;
  /** Share of the token's lifetime after which it is renewed. */
  refreshAt?: number;
};

export type PodSessionHandle = {
  state: PodSessionState;
  /** onLoad's screenObject: tells a pod from a tab. */
  screenObject: ScreenObject | null;
  /** The current token (a getter, so long-running fetches use a renewed one). */
  getToken: () => string | null;
  /** Signs in again now; resolves with the new token. Used when an API call answers 401. */
  renew: () => Promise<string>;
  openScreen: HostedApiClient['openScreen'];
  retry: () => void;
};

const DEFAULT_REFRESH_AT = 0.8;
/** Waiting for onLoad when the URL did not say which record: Manage sends it on every screen load. */
const SCREEN_OBJECT_WAIT_MS = 3_000;
/** A failed renewal is tried again this often while the current token still works. */
const RENEW_RETRY_MS = 15_000;

/** `[cw_screen]` as Manage substitutes it; the exact spelling is unverified, so be lenient. */
export function normalizeScreen(value: string | null | undefined): PodScreen | null {
  const text = (value ?? '').trim().toLowerCase();
  if (text.includes('ticket') || text === 'sr' || text === 'service') return 'ticket';
  if (text.includes('company')) return 'company';
  return null;
}

export function parseRecordId(value: string | null | undefined): number | null {
  if (!value || !/^\d{1,15}$/.test(value.trim())) return null;
  const id = Number(value.trim());
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

function markOnce(name: string): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  if (performance.getEntriesByName(name, 'mark').length > 0) return;
  performance.mark(name);
}

function waitForScreenObject(client: HostedApiClient, ms: number): Promise<ScreenObject | null> {
  const now = client.screenObject();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(client.screenObject());
    }, ms);
    const stop = client.onEvent((event) => {
      if (event.event !== 'onLoad' || !client.screenObject()) return;
      clearTimeout(timer);
      stop();
      resolve(client.screenObject());
    });
  });
}

export function usePodSession(options: PodSessionOptions): PodSessionHandle {
  const { allowedOrigins, requested, clientOptions, refreshAt = DEFAULT_REFRESH_AT } = options;
  const [state, setState] = useState<PodSessionState>({ phase: 'connecting', step: 'handshake' });
  const [screenObject, setScreenObject] = useState<ScreenObject | null>(null);
  const [attempt, setAttempt] = useState(0);
  const tokenRef = useRef<string | null>(null);
  const clientRef = useRef<HostedApiClient | null>(null);
  const renewRef = useRef<() => Promise<string>>(() => Promise.reject(new Error('The pod is not signed in.')));

  // Only the origins' content matters; a new array from a re-render must not restart sign-in.
  const originsKey = allowedOrigins.join(' ');
  const requestedScreen = requested.screen;
  const requestedId = requested.id;
  const self = clientOptions?.self;
  const parent = clientOptions?.parent;
  const timeoutMs = clientOptions?.timeoutMs;

  useEffect(() => {
    let disposed = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const abort = new AbortController();
    const origins = originsKey === '' ? [] : originsKey.split(' ');
    const set = (next: PodSessionState) => {
      if (!disposed) setState(next);
    };
    set({ phase: 'connecting', step: 'handshake' });
    tokenRef.current = null;

    if (origins.length === 0) {
      set({ phase: 'error', error: podError('not-configured') });
      return;
    }
    let client: HostedApiClient;
    try {
      client = createHostedApiClient({
        allowedOrigins: origins,
        ...(self ? { self } : {}),
        ...(parent ? { parent } : {}),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    } catch (err) {
      set({ phase: 'error', error: podError('not-configured', err instanceof Error ? err.message : String(err)) });
      return;
    }
    clientRef.current = client;
    const hostWindow = self ?? window;
    const framed = (parent ?? hostWindow.parent) !== hostWindow;
    const stopEvents = client.onEvent((event) => {
      if (event.event === 'onLoad' && !disposed) setScreenObject(client.screenObject());
    });

    let target: PodTarget | null = null;
    let current: PodSession | null = null;
    let renewing: Promise<string> | null = null;

    /** A PodError thrown on purpose (no-record) stays as it is; anything else is described. */
    const describe = (err: unknown): PodError =>
      typeof err === 'object' && err !== null && !(err instanceof Error) && 'kind' in err ? (err as PodError) : describeSignInError(err, framed);

    async function signIn(): Promise<PodSession> {
      const auth = await client.getMemberAuthentication();
      if (disposed) throw new Error('The pod was closed.');
      if (!target && requestedScreen && requestedId) target = { screen: requestedScreen, id: requestedId };
      if (!target) {
        const fromManage = await waitForScreenObject(client, SCREEN_OBJECT_WAIT_MS);
        const screen = requestedScreen ?? normalizeScreen(fromManage?.screen);
        const id = requestedId ?? fromManage?.id ?? null;
        if (!screen || !id) throw podError('no-record');
        target = { screen, id };
      }
      if (!current) set({ phase: 'connecting', step: 'session' });
      return createPodSession({ auth, screen: target.screen, id: target.id }, abort.signal);
    }

    function accept(session: PodSession): string {
      current = session;
      tokenRef.current = session.token;
      set({ phase: 'ready', session, target: target! });
      clearTimeout(refreshTimer);
      const lifetime = Date.parse(session.expiresAt) - Date.now();
      if (Number.isFinite(lifetime) && lifetime > 0) {
        refreshTimer = setTimeout(() => void renew().catch(() => {}), Math.max(1_000, lifetime * refreshAt));
      }
      return session.token;
    }

    function renew(): Promise<string> {
      renewing ??= signIn()
        .then(accept)
        .catch((err: unknown) => {
          if (disposed) throw err;
          const left = current ? Date.parse(current.expiresAt) - Date.now() : 0;
          if (left > RENEW_RETRY_MS) {
            // The token still works: keep showing the press and try again shortly.
            clearTimeout(refreshTimer);
            refreshTimer = setTimeout(() => void renew().catch(() => {}), RENEW_RETRY_MS);
          } else {
            tokenRef.current = null;
            const described = describe(err);
            set({ phase: 'error', error: described.kind === 'failed' ? podError('expired', described.detail) : described });
          }
          throw err;
        })
        .finally(() => {
          renewing = null;
        });
      return renewing;
    }
    renewRef.current = renew;

    void (async () => {
      try {
        markOnce('pod:ready-sent');
        await client.ready();
        if (disposed) return;
        set({ phase: 'connecting', step: 'member' });
        const session = await signIn();
        if (!disposed) accept(session);
      } catch (err) {
        if (!disposed) set({ phase: 'error', error: describe(err) });
      }
    })();

    return () => {
      disposed = true;
      clearTimeout(refreshTimer);
      abort.abort();
      stopEvents();
      client.close();
      if (clientRef.current === client) clientRef.current = null;
      tokenRef.current = null;
    };
  }, [originsKey, requestedScreen, requestedId, self, parent, timeoutMs, refreshAt, attempt]);

  const getToken = useCallback(() => tokenRef.current, []);
  const renew = useCallback(() => renewRef.current(), []);
  const openScreen = useCallback<HostedApiClient['openScreen']>((args) => {
    clientRef.current?.openScreen(args);
  }, []);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  return { state, screenObject, getToken, renew, openScreen, retry };
}
