import Link from 'next/link';
import type { PressListItem } from '@/lib/presses/types';
import { formatDuration } from '@/components/ui/format';
import { LocalTime } from '@/components/ui/local-time';
import { PressStatusBadge } from '@/components/report/press-status-badge';
import { RetryPressButton } from './retry-press-button';

export type PressTableProps = {
  items: PressListItem[];
  /** Whether any filter is set: an empty list then says the filters matched nothing. */
  filtered?: boolean;
  /** Without it, dead presses show no Retry button. */
  onRetried?: (pressId: string) => void;
};

function Contact({ item }: { item: PressListItem }) {
  if (item.registered === false) {
    return <span className="text-amber-800">unregistered: {item.contactEmail ?? 'no email'}</span>;
  }
  return (
    <span>
      {item.contactName ?? item.contactEmail ?? '—'}
      {item.contactName && item.contactEmail ? <span className="block text-xs text-slate-500">{item.contactEmail}</span> : null}
    </span>
  );
}

function Ticket({ item }: { item: PressListItem }) {
  const number = item.ticketNumber ?? (item.ticketId !== null ? String(item.ticketId) : null);
  if (number === null) return <span className="text-slate-400">—</span>;
  if (!item.ticketUrl) return <span>#{number}</span>;
  return (
    <a href={item.ticketUrl} target="_blank" rel="noreferrer" aria-label={`Ticket #${number} in Manage`} className="text-bell-700 underline">
      #{number}
    </a>
  );
}

/** Why a waiting press waits: the last attempt's error and when the next one is due. */
function RetryReason({ item }: { item: PressListItem }) {
  if (item.needsAdminReason) {
    return (
      <span className="mt-1 block max-w-56 text-xs text-amber-900" data-testid="press-needs-admin-reason">
        {item.needsAdminReason}
      </span>
    );
  }
  if (!item.retryReason) return null;
  return (
    <span className="mt-1 block max-w-56 text-xs text-amber-900" data-testid="press-retry-reason">
      Attempt {item.attempt} failed: {item.retryReason}
      {item.nextAttemptAt ? (
        <>
          {' '}
          Next try <LocalTime iso={item.nextAttemptAt} relative />.
        </>
      ) : null}
    </span>
  );
}

/** The dashboard's rows; each row is `press-row-<id>` for tests and carries its status. */
export function PressTable({ items, onRetried, filtered = true }: PressTableProps) {
  if (items.length === 0) {
    return (
      <p className="rounded-xl bg-white p-6 text-sm text-slate-500 ring-1 ring-slate-200" data-testid="presses-empty">
        {filtered ? 'No presses match these filters.' : 'No presses on this page.'}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <table className="w-full border-collapse text-left text-sm" data-testid="presses-table">
        <caption className="sr-only">Presses, newest first</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2">Received</th>
            <th scope="col" className="px-3 py-2">Company</th>
            <th scope="col" className="px-3 py-2">Contact</th>
            <th scope="col" className="px-3 py-2">Host</th>
            <th scope="col" className="px-3 py-2">Ticket</th>
            <th scope="col" className="px-3 py-2">Time to ticket</th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.id}
              data-testid={`press-row-${item.id}`}
              data-press-id={item.id}
              data-status={item.status}
              className="border-b border-slate-100 align-top last:border-0"
            >
              <td className="px-3 py-2">
                <PressStatusBadge status={item.status} deadReason={item.needsAdminReason} />
                <RetryReason item={item} />
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <LocalTime iso={item.receivedAt} relative />
                <span className="block max-w-64 truncate text-xs text-slate-500" title={item.messagePreview}>
                  {item.messagePreview}
                </span>
              </td>
              <td className="px-3 py-2">{item.companyName ?? <span className="text-slate-400">—</span>}</td>
              <td className="px-3 py-2">
                <Contact item={item} />
              </td>
              <td className="px-3 py-2 font-mono text-xs">{item.hostname ?? '—'}</td>
              <td className="px-3 py-2">
                <Ticket item={item} />
              </td>
              <td className="whitespace-nowrap px-3 py-2 tabular-nums">{formatDuration(item.msToTicket)}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <span className="flex items-start gap-3">
                  <Link href={`/presses/${item.id}`} className="text-bell-700 underline">
                    Open report<span className="sr-only"> of the press received <LocalTime iso={item.receivedAt} /></span>
                  </Link>
                  {item.status === 'dead' && onRetried ? <RetryPressButton pressId={item.id} onRetried={onRetried} /> : null}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
