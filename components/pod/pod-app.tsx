'use client';

/**
 * The Deskbell pod and tabs inside ConnectWise Manage. Manage frames `/pod?id=..&screen=..`;
 * this signs in through Manage (use-pod-session.ts), then shows the ticket's press (as a pod or
 * as a tab) or the company's recent presses. Nothing renders on the server: everything needs
 * the member's token, which exists only in this page's memory.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import type { HostedApiClientOptions } from '@/components/pod/hosted-api/client';
import { CompanyPressesView } from './company-presses-view';
import { PodApiError, type PodCompanyPresses, type PodTicketResponse } from './pod-api';
import { PodContext, usePodContext, usePodJson, useRevokeImagesOnRemoval, type PodContextValue } from './pod-context';
import { describeSignInError, podError, type PodError } from './pod-errors';
import { NotADeskbellTicket, TicketPressView } from './ticket-press-view';
import { normalizeScreen, parseRecordId, usePodSession, type PodSessionState, type PodTarget } from './use-pod-session';

export type PodAppProps = {
  /** Exact origins allowed to frame and talk to the pod (lib/pod/frame-policy.ts). */
  allowedOrigins: string[];
  /** The query as Manage substituted it: `screen=[cw_screen]`, `id=[cw_id]`. */
  screen: string | null;
  id: string | null;
  /** Test seams. */
  clientOptions?: Pick<HostedApiClientOptions, 'self' | 'parent' | 'timeoutMs'>;
  refreshAt?: number;
};

const COMPANY_LIMIT = 25;

export function PodApp(props: PodAppProps) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 30_000 } } }),
  );
  useRevokeImagesOnRemoval(queryClient);
  const requested = useMemo(() => ({ screen: normalizeScreen(props.screen), id: parseRecordId(props.id) }), [props.screen, props.id]);
  const session = usePodSession({
    allowedOrigins: props.allowedOrigins,
    requested,
    ...(props.clientOptions ? { clientOptions: props.clientOptions } : {}),
    ...(props.refreshAt === undefined ? {} : { refreshAt: props.refreshAt }),
  });
  const { getToken, renew, openScreen, retry } = session;
  const context = useMemo<PodContextValue>(() => ({ getToken, renew, openScreen }), [getToken, renew, openScreen]);
  const target = session.state.phase === 'ready' ? session.state.target : null;
  // Manage says pod or tab in onLoad; before it arrives, the company screen (tabs only) is a tab.
  const hostedAs = session.screenObject?.hostedAs ?? (target?.screen === 'company' ? 'tab' : 'pod');

  return (
    <QueryClientProvider client={queryClient}>
      <PodContext.Provider value={context}>
        <div
          className={hostedAs === 'pod' ? 'flex h-screen flex-col overflow-clip bg-white text-ink-900' : 'min-h-screen bg-white text-ink-900'}
          data-testid="pod-app"
          data-hosted-as={hostedAs}
          data-phase={session.state.phase}
        >
          <SessionGate state={session.state} onRetry={retry}>
            {target ? <PodContent target={target} hostedAs={hostedAs} memberName={session.state.phase === 'ready' ? session.state.session.member.name : null} /> : null}
          </SessionGate>
        </div>
      </PodContext.Provider>
    </QueryClientProvider>
  );
}

const STEP_TEXT = {
  handshake: 'Connecting to Manage…',
  member: 'Asking Manage who you are…',
  session: 'Signing you in…',
} as const;

function SessionGate({ state, onRetry, children }: { state: PodSessionState; onRetry: () => void; children: ReactNode }) {
  if (state.phase === 'connecting') return <Working text={STEP_TEXT[state.step]} />;
  if (state.phase === 'error') return <ErrorState error={state.error} onRetry={onRetry} />;
  return <>{children}</>;
}

function Working({ text }: { text: string }) {
  return (
    <div role="status" className="flex flex-1 items-center justify-center gap-2 p-4 text-sm text-slate-600" data-testid="pod-working">
      <span aria-hidden="true" className="h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-bell-500" />
      {text}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: PodError; onRetry?: () => void }) {
  return (
    <div role="alert" className="flex flex-1 flex-col items-center justify-center gap-1.5 p-4 text-center" data-testid="pod-error" data-kind={error.kind}>
      <h1 className="m-0 text-base font-semibold">{error.title}</h1>
      <p className="m-0 max-w-lg text-sm text-slate-600">{error.message}</p>
      {error.detail && error.detail !== error.message ? <p className="m-0 max-w-lg text-xs text-slate-500">{error.detail}</p> : null}
      {onRetry ? (
        <button type="button" onClick={onRetry} className="mt-1 rounded-md bg-bell-600 px-3 py-1 text-sm font-medium text-white hover:bg-bell-700">
          Try again
        </button>
      ) : null}
    </div>
  );
}

function dataError(err: unknown): PodError {
  if (err instanceof PodApiError && err.status === 404) return podError('failed', err.message);
  return describeSignInError(err, true);
}

function PodContent({ target, hostedAs, memberName }: { target: PodTarget; hostedAs: 'pod' | 'tab'; memberName: string | null }) {
  return (
    <>
      {hostedAs === 'tab' ? (
        <p className="m-0 border-b border-slate-100 px-3 py-1.5 text-xs text-slate-500" data-testid="pod-signed-in">
          Deskbell{memberName ? ` · signed in through Manage as ${memberName}` : ''}
        </p>
      ) : null}
      {target.screen === 'ticket' ? <TicketContent ticketId={target.id} hostedAs={hostedAs} /> : <CompanyContent companyId={target.id} />}
    </>
  );
}

function TicketContent({ ticketId, hostedAs }: { ticketId: number; hostedAs: 'pod' | 'tab' }) {
  const query = usePodJson<PodTicketResponse>(['pod-ticket', ticketId], `/api/pod/tickets/${ticketId}`);
  if (query.isPending) return <Working text="Loading the press…" />;
  if (query.isError) return <ErrorState error={dataError(query.error)} onRetry={() => void query.refetch()} />;
  if (!query.data.press) return <NotADeskbellTicket ticketId={ticketId} />;
  return <TicketPressView press={query.data.press} variant={hostedAs} />;
}

function CompanyContent({ companyId }: { companyId: number }) {
  const query = usePodJson<PodCompanyPresses>(['pod-company', companyId], `/api/pod/companies/${companyId}/presses?limit=${COMPANY_LIMIT}`);
  const { openScreen } = usePodContext();
  if (query.isPending) return <Working text="Loading the company’s presses…" />;
  if (query.isError) return <ErrorState error={dataError(query.error)} onRetry={() => void query.refetch()} />;
  return <CompanyPressesView data={query.data} openScreen={openScreen} />;
}
