import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RefreshingRetryButton } from '@/components/presses/refreshing-retry-button';
import { AttachmentList } from '@/components/report/attachment-list';
import { formatDuration } from '@/components/ui/format';
import { LocalTime } from '@/components/ui/local-time';
import { HostDetails } from '@/components/report/host-details';
import { ManageCallsTable } from '@/components/report/manage-calls-table';
import { MessageAndSelections } from '@/components/report/message-and-selections';
import { PersonDetails } from '@/components/report/person-details';
import { PressStatusBadge } from '@/components/report/press-status-badge';
import { PressStatusPanel } from '@/components/report/press-status-panel';
import { PressTimeline } from '@/components/report/press-timeline';
import { ReportSection } from '@/components/report/report-section';
import { RuleTrace } from '@/components/report/rule-trace';
import { ScreenshotGallery } from '@/components/report/screenshot-gallery';
import { SubmissionErrors } from '@/components/report/submission-errors';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { listTicketTimeline } from '@/lib/notifications/ticket-events';
import { loadPressReportPage } from '@/lib/presses/admin-pages';
import type { PressReport } from '@/lib/presses/types';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Press report' };

type Props = { params: Promise<{ id: string }> };

function TicketLine({ report }: { report: PressReport }) {
  const { ticket } = report;
  if (!ticket) {
    return <p className="m-0 text-sm text-slate-500">No ticket yet.</p>;
  }
  const label = `Ticket #${ticket.number}`;
  return (
    <p className="m-0 text-sm" data-testid="report-ticket">
      {ticket.url ? (
        <a href={ticket.url} target="_blank" rel="noreferrer" className="font-medium text-bell-700 underline">
          {label} in Manage
        </a>
      ) : (
        <span className="font-medium">{label}</span>
      )}
      {ticket.boardName ? ` · ${ticket.boardName}` : ''}
      {ticket.statusName ? ` · ${ticket.statusName}` : ''}
      {ticket.reused ? ' · found from an earlier attempt' : ''}
      {report.msToTicket !== null ? ` · created ${formatDuration(report.msToTicket)} after the press` : ''}
    </p>
  );
}

export default async function PressReportPage({ params }: Props) {
  const { id } = await params;
  // The link in the ticket's internal note: after signing in, the admin lands back here.
  await requireAdminPage(`/presses/${encodeURIComponent(id)}`);
  const report = await loadPressReportPage(id, listTicketTimeline);
  if (!report) notFound();

  const who = report.person.name ?? report.person.email ?? 'someone';
  const removedScreenshots = report.screenshots.filter((s) => s.removedAt).length;

  return (
    <main className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/presses" className="text-bell-700 underline">
          ← All presses
        </Link>
      </nav>
      <header className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold tracking-tight">Press report</h1>
          <PressStatusBadge status={report.status} deadReason={report.retry.deadReason} />
        </div>
        <p className="m-0 text-sm text-slate-600">
          From {who}
          {report.companyName ? ` (${report.companyName})` : ''}
          {report.host.hostname ? ` on ${report.host.hostname}` : ''}, received{' '}
          <LocalTime iso={report.receivedAt} />.{' '}
          <span className="font-mono text-xs text-slate-400">{report.id}</span>
        </p>
        <TicketLine report={report} />
      </header>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <ReportSection
            id="screenshots"
            title="Screenshots"
            aside={
              report.filesRemovedAt
                ? <>Files removed by retention on <LocalTime iso={report.filesRemovedAt} dateOnly /></>
                : removedScreenshots > 0
                  ? `${removedScreenshots} removed`
                  : `${report.screenshots.length}`
            }
          >
            <ScreenshotGallery screenshots={report.screenshots} />
            {report.attachments.length > 0 ? (
              <div className="mt-4">
                <h3 className="mb-1 text-sm font-medium text-slate-700">Attachments</h3>
                <AttachmentList attachments={report.attachments} />
              </div>
            ) : null}
          </ReportSection>

          <ReportSection id="message" title="Message and selections">
            <MessageAndSelections message={report.message} selections={report.selections} append={report.append} custom={report.custom} />
          </ReportSection>

          <ReportSection
            id="submission-errors"
            title="Submission Errors"
            aside={report.submissionErrors.length + report.fileErrors.length + (report.configurationError ? 1 : 0) || null}
          >
            <SubmissionErrors errors={report.submissionErrors} fileErrors={report.fileErrors} configurationError={report.configurationError} />
          </ReportSection>

          <ReportSection
            id="manage-calls"
            title="Manage calls"
            aside={report.outcomeAttempt ? `attempt ${report.outcomeAttempt}` : null}
          >
            <ManageCallsTable calls={report.calls} steps={report.steps} attempt={report.outcomeAttempt} />
          </ReportSection>

          {report.rules ? (
            <ReportSection id="rule-trace" title="Rule trace">
              <RuleTrace rules={report.rules} />
            </ReportSection>
          ) : null}
        </div>

        <div className="space-y-6">
          <ReportSection id="status" title="Status">
            <PressStatusPanel
              status={report.status}
              retry={report.retry}
              refusedMessage={report.refusedMessage}
              actions={report.status === 'dead' ? <RefreshingRetryButton pressId={report.id} /> : null}
            />
          </ReportSection>

          <ReportSection id="contact" title="Contact">
            <PersonDetails person={report.person} registered={report.registered} companyName={report.companyName} />
            {report.configuration ? (
              <p className="mt-3 text-sm">
                Configuration: <span className="font-medium">{report.configuration.name}</span>
              </p>
            ) : null}
          </ReportSection>

          <ReportSection id="host" title="Host details">
            <HostDetails host={report.host} />
          </ReportSection>

          <ReportSection id="timeline" title="Timeline">
            <PressTimeline events={report.timeline} />
          </ReportSection>
        </div>
      </div>
    </main>
  );
}
