'use client';

/**
 * Everything about the press inside its Manage ticket. The pod (~360 px tall) puts the replay
 * beside a scrolling column of details; the tab has room for the full-size replay beside the
 * same details. The detail blocks are the admin report's components (components/report).
 */
import type { ReactNode } from 'react';
import { formatDuration } from '@/components/ui/format';
import { LocalTime } from '@/components/ui/local-time';
import { HostDetails } from '@/components/report/host-details';
import { MessageAndSelections } from '@/components/report/message-and-selections';
import { PressStatusBadge } from '@/components/report/press-status-badge';
import { PressTimeline } from '@/components/report/press-timeline';
import { RuleTrace } from '@/components/report/rule-trace';
import { SubmissionErrors } from '@/components/report/submission-errors';
import type { PodPress } from './pod-api';
import { InstantReplay } from './instant-replay';

export type TicketPressViewProps = { press: PodPress; variant: 'pod' | 'tab' };

function PodSection({ id, title, aside, children }: { id: string; title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`pod-${id}-heading`} data-testid={`pod-section-${id}`} className="space-y-1.5">
      <h2 id={`pod-${id}-heading`} className="m-0 flex items-baseline justify-between gap-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {title}
        {aside ? <span className="font-normal normal-case tracking-normal">{aside}</span> : null}
      </h2>
      {children}
    </section>
  );
}

function submissionErrorCount(press: PodPress): number {
  return press.submissionErrors.length + press.fileErrors.length + (press.configurationError ? 1 : 0);
}

function Configuration({ press }: { press: PodPress }) {
  const configuration = press.configuration;
  if (!configuration) {
    return (
      <p className="m-0 text-sm text-slate-500" data-testid="pod-configuration-none">
        No configuration matched {press.host.hostname ? <span className="font-mono">{press.host.hostname}</span> : 'this computer'}.
      </p>
    );
  }
  return (
    <p className="m-0 text-sm" data-testid="pod-configuration">
      {configuration.url ? (
        <a href={configuration.url} target="_blank" rel="noreferrer" className="font-medium text-bell-700 underline">
          {configuration.name}
        </a>
      ) : (
        <span className="font-medium">{configuration.name}</span>
      )}
      <span className="text-slate-500"> · configuration #{configuration.id}</span>
    </p>
  );
}

/** Collapsed by default: the technician opens them when the ticket looks wrong. */
function Diagnostics({ press }: { press: PodPress }) {
  const errors = submissionErrorCount(press);
  return (
    <div className="space-y-2">
      <details className="text-sm" data-testid="pod-submission-errors">
        <summary className="cursor-pointer select-none">
          Submission Errors:{' '}
          {errors === 0 ? 'none' : <span className="font-medium text-amber-900">{errors}</span>}
        </summary>
        <div className="mt-2">
          <SubmissionErrors errors={press.submissionErrors} fileErrors={press.fileErrors} configurationError={press.configurationError} />
        </div>
      </details>
      <RuleTrace rules={press.rules} />
    </div>
  );
}

function Header({ press }: { press: PodPress }) {
  const who = press.person.name ?? press.person.email ?? 'Someone';
  return (
    <header className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-sm" data-testid="pod-header">
      <PressStatusBadge status={press.status} />
      <span className="font-medium">{who}</span>
      {press.companyName ? <span className="text-slate-500">({press.companyName})</span> : null}
      <span className="text-slate-500">
        pressed <LocalTime iso={press.receivedAt} />
        {press.msToTicket !== null ? ` · ticket in ${formatDuration(press.msToTicket)}` : ''}
      </span>
      {press.registered === false ? <span className="rounded bg-amber-50 px-1.5 text-xs text-amber-900">unregistered contact</span> : null}
    </header>
  );
}

export function TicketPressView({ press, variant }: TicketPressViewProps) {
  const details = (
    <>
      <PodSection id="host" title="Host">
        <HostDetails host={press.host} />
      </PodSection>
      <PodSection id="message" title="Message and selections">
        <MessageAndSelections message={press.message} selections={press.selections} append={press.append} custom={press.custom} />
      </PodSection>
      <PodSection id="configuration" title="Configuration">
        <Configuration press={press} />
      </PodSection>
      <PodSection id="diagnostics" title="Diagnostics">
        <Diagnostics press={press} />
      </PodSection>
      <PodSection id="timeline" title="Timeline">
        <PressTimeline events={press.timeline} />
      </PodSection>
    </>
  );

  if (variant === 'pod') {
    // Fits Manage's pod height: the replay keeps its place, the details scroll beside it.
    return (
      <div className="flex min-h-0 flex-1 flex-col gap-2 p-2" data-testid="pod-ticket" data-variant="pod">
        <Header press={press} />
        <div className="grid min-h-0 flex-1 gap-3 sm:grid-cols-[minmax(0,11fr)_minmax(0,9fr)]">
          <div className="h-full min-h-0 overflow-hidden p-0.5">
            <InstantReplay screenshots={press.screenshots} variant="pod" />
          </div>
          <div className="min-h-0 space-y-3 overflow-y-auto pr-1" data-testid="pod-details">
            {details}
          </div>
        </div>
      </div>
    );
  }
  return (
    <div className="space-y-3 p-3" data-testid="pod-ticket" data-variant="tab">
      <Header press={press} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(18rem,1fr)]">
        <div className="min-w-0">
          <InstantReplay screenshots={press.screenshots} variant="tab" />
        </div>
        <div className="min-w-0 space-y-4" data-testid="pod-details">
          {details}
        </div>
      </div>
    </div>
  );
}

/** A ticket Deskbell did not create: nothing is wrong, there is just nothing to show. */
export function NotADeskbellTicket({ ticketId }: { ticketId: number }) {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-1 p-4 text-center" data-testid="pod-empty">
      <p className="m-0 text-2xl" aria-hidden="true">
        🛎️
      </p>
      <h1 className="m-0 text-base font-semibold">This ticket did not come from the Deskbell button</h1>
      <p className="m-0 max-w-md text-sm text-slate-600">
        Tickets the button creates show the user&rsquo;s screenshots, computer and message here. Ticket #{ticketId} was made another way
        (phone, e-mail, a technician), so there is nothing to replay.
      </p>
    </div>
  );
}
