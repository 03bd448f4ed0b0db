import Link from 'next/link';
import { LocalTime } from '@/components/ui/local-time';
import type { NotificationChannel, NotificationStatus, TicketEventKind } from '@/lib/notifications/types';
import type { NotificationLogEntry } from './types';

const STATUS_STYLE: Record<NotificationStatus, string> = {
  pending: 'bg-amber-100 text-amber-800 ring-amber-600/20',
  delivered: 'bg-sky-100 text-sky-800 ring-sky-600/20',
  acknowledged: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  failed: 'bg-red-100 text-red-800 ring-red-600/20',
};
const STATUS_LABEL: Record<NotificationStatus, string> = {
  pending: 'Waiting',
  delivered: 'Delivered',
  acknowledged: 'Acknowledged',
  failed: 'Failed',
};
const CHANNEL_LABEL: Record<NotificationChannel, string> = { agent: 'Desktop agent', email: 'Email' };

type Props = { entries: readonly NotificationLogEntry[]; labels: Record<TicketEventKind, string> };

/** What was sent lately, to whom, and whether it arrived. */
export function RecentNotifications({ entries, labels }: Props) {
  if (entries.length === 0) {
    return (
      <p className="rounded-xl bg-white p-6 text-sm text-slate-600 ring-1 ring-slate-200" data-testid="notifications-empty">
        No notifications have been sent yet. When a ticket that a press created changes in Manage (its status, its owner, a reply),
        the end user is told, and each message is listed here.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="notifications-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2">Created</th>
            <th scope="col" className="px-3 py-2">Event</th>
            <th scope="col" className="px-3 py-2">Ticket</th>
            <th scope="col" className="px-3 py-2">Channel</th>
            <th scope="col" className="px-3 py-2">To</th>
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2">Attempts</th>
            <th scope="col" className="px-3 py-2">Error</th>
            <th scope="col" className="px-3 py-2">Delivered</th>
            <th scope="col" className="px-3 py-2">Acknowledged</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((n) => (
            <tr key={n.id} className="align-top" data-testid={`notification-row-${n.id}`} data-status={n.status}>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600"><LocalTime iso={n.createdAt} relative /></td>
              <td className="px-3 py-2">
                <span className="block">{labels[n.kind] ?? n.kind}</span>
                <span className="block max-w-xs truncate text-xs text-slate-500" title={n.title}>
                  {n.title}
                </span>
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                {n.ticketNumber ? (
                  <Link href={`/presses/${n.pressId}`} className="text-bell-700 hover:underline">
                    #{n.ticketNumber}
                  </Link>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{CHANNEL_LABEL[n.channel] ?? n.channel}</td>
              <td className="max-w-[14rem] break-words px-3 py-2">
                {n.channel === 'email' ? (n.recipient ?? '—') : (n.agentTokenName ?? n.recipient ?? <span className="text-slate-400">a removed agent token</span>)}
              </td>
              <td className="px-3 py-2">
                <span className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[n.status] ?? ''}`}>
                  {STATUS_LABEL[n.status] ?? n.status}
                </span>
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{n.attempts}</td>
              <td className="max-w-xs break-words px-3 py-2 text-xs text-red-800">{n.lastError ?? <span className="text-slate-400">—</span>}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">{n.deliveredAt ? <LocalTime iso={n.deliveredAt} /> : '—'}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">{n.acknowledgedAt ? <LocalTime iso={n.acknowledgedAt} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
