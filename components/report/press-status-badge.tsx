import { isNeedsAdminReason } from '@/lib/presses/needs-admin';
import type { PressStatus } from '@/lib/presses/types';

const styles: Record<PressStatus, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  processing: 'bg-sky-100 text-sky-800 ring-sky-600/20',
  retrying: 'bg-amber-100 text-amber-800 ring-amber-600/20',
  ticket_created: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  refused: 'bg-slate-200 text-slate-800 ring-slate-600/20',
  dead: 'bg-red-100 text-red-800 ring-red-600/20',
};

export const pressStatusLabels: Record<PressStatus, string> = {
  queued: 'Queued',
  processing: 'Processing',
  retrying: 'Retrying',
  ticket_created: 'Ticket created',
  refused: 'Refused',
  dead: 'Gave up',
};

/**
 * A dead press whose reason says it needs an admin is not "given up" to the person reading it:
 * it is waiting for a fix, and Retry finishes it.
 */
export function PressStatusBadge({ status, deadReason }: { status: PressStatus; deadReason?: string | null }) {
  const needsAdmin = status === 'dead' && isNeedsAdminReason(deadReason);
  return (
    <span
      data-status={status}
      data-needs-admin={needsAdmin ? 'true' : undefined}
      data-testid="press-status"
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${needsAdmin ? styles.retrying : styles[status]}`}
    >
      {needsAdmin ? 'Needs an admin' : pressStatusLabels[status]}
    </span>
  );
}
