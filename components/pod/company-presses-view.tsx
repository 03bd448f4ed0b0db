'use client';

/**
 * The Company screen's tab: that company's recent presses (when, who, from which computer,
 * the ticket, how it stands) and the computers that press most often, which is where a
 * technician looks for a machine that needs replacing rather than another ticket.
 */
import { plural } from '@/components/ui/format';
import { LocalTime } from '@/components/ui/local-time';
import { PressStatusBadge } from '@/components/report/press-status-badge';
import type { HostedApiClient } from '@/components/pod/hosted-api/client';
import type { PodCompanyPresses } from './pod-api';

export type CompanyPressesViewProps = {
  data: PodCompanyPresses;
  openScreen: HostedApiClient['openScreen'];
};

export function CompanyPressesView({ data, openScreen }: CompanyPressesViewProps) {
  const { presses, topHosts } = data;
  if (presses.length === 0) {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-1 p-4 text-center" data-testid="pod-company-empty">
        <h1 className="m-0 text-base font-semibold">No presses from this company yet</h1>
        <p className="m-0 max-w-md text-sm text-slate-600">When someone at this company presses the Deskbell button, the press and its ticket show up here.</p>
      </div>
    );
  }
  const most = Math.max(1, ...topHosts.map((h) => h.presses));
  return (
    <div className="grid gap-4 p-3 lg:grid-cols-[minmax(0,3fr)_minmax(14rem,1fr)]" data-testid="pod-company">
      <section aria-labelledby="pod-recent-heading" className="min-w-0">
        <h2 id="pod-recent-heading" className="mt-0 mb-2 text-sm font-semibold">
          Recent presses <span className="font-normal text-slate-500">({presses.length})</span>
        </h2>
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left text-sm" data-testid="pod-company-presses">
            <thead>
              <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                <th scope="col" className="py-1 pr-3 font-medium">When</th>
                <th scope="col" className="py-1 pr-3 font-medium">Who</th>
                <th scope="col" className="py-1 pr-3 font-medium">Computer</th>
                <th scope="col" className="py-1 pr-3 font-medium">Ticket</th>
                <th scope="col" className="py-1 font-medium">Status</th>
              </tr>
            </thead>
            <tbody>
              {presses.map((p) => (
                <tr key={p.id} className="border-b border-slate-100 align-top" data-testid="pod-company-press">
                  <td className="py-1.5 pr-3 whitespace-nowrap tabular-nums">
                    <LocalTime iso={p.receivedAt} relative />
                  </td>
                  <td className="py-1.5 pr-3">
                    <div>{p.name ?? p.email ?? '—'}</div>
                    {p.name && p.email ? <div className="text-xs text-slate-500">{p.email}</div> : null}
                  </td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{p.hostname ?? '—'}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">
                    {p.ticketId !== null ? (
                      <button
                        type="button"
                        onClick={() => openScreen({ screen: 'ticket', id: p.ticketId! })}
                        className="text-bell-700 underline"
                        aria-label={`Open ticket #${p.ticketNumber ?? p.ticketId} in Manage`}
                      >
                        #{p.ticketNumber ?? p.ticketId}
                      </button>
                    ) : (
                      <span className="text-slate-500">none yet</span>
                    )}
                  </td>
                  <td className="py-1.5">
                    <div className="flex flex-wrap items-center gap-1.5">
                      <PressStatusBadge status={p.status} />
                      {p.ticketStatusName ? <span className="text-xs text-slate-600">{p.ticketStatusName}</span> : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="pod-hosts-heading" className="min-w-0">
        <h2 id="pod-hosts-heading" className="mt-0 mb-2 text-sm font-semibold">
          Computers that press most
        </h2>
        {topHosts.length === 0 ? (
          <p className="m-0 text-sm text-slate-500">The presses named no computer.</p>
        ) : (
          <ol className="m-0 list-none space-y-1.5 p-0 text-sm" data-testid="pod-top-hosts">
            {topHosts.map((h) => (
              <li key={h.hostname}>
                <div className="flex items-baseline justify-between gap-2">
                  <span className="truncate font-mono text-xs">{h.hostname}</span>
                  <span className="tabular-nums text-slate-600">
                    {plural(h.presses, 'press', 'presses')}
                  </span>
                </div>
                <div aria-hidden="true" className="mt-0.5 h-1.5 rounded bg-slate-100">
                  <div className="h-1.5 rounded bg-bell-500" style={{ width: `${Math.round((h.presses / most) * 100)}%` }} />
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
