import type { ReactNode } from 'react';
import type { PressStatus, RetryInfo } from '@/lib/presses/types';
import { LocalTime } from '@/components/ui/local-time';
import { PressStatusBadge } from './press-status-badge';
import { plural } from '@/components/ui/format';

export type PressStatusPanelProps = {
  status: PressStatus;
  retry: RetryInfo;
  refusedMessage: string | null;
  /** Actions for this status, e.g. the admin's Retry button on a dead press. */
  actions?: ReactNode;
};

/** The press's state with what the queue knows: attempts, the next try, the last error. */
export function PressStatusPanel({ status, retry, refusedMessage, actions }: PressStatusPanelProps) {
  return (
    <div className="space-y-2 text-sm" data-testid="press-status-panel">
      <div className="flex flex-wrap items-center gap-3">
        <PressStatusBadge status={status} deadReason={retry.deadReason} />
        <span className="text-slate-600">
          {retry.attempt === 0 ? 'Not tried yet' : plural(retry.attempt, 'attempt')}
        </span>
        {actions}
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
        {status === 'retrying' ? (
          <>
            <dt className="text-slate-500">Next attempt</dt>
            <dd className="m-0">{retry.nextAttemptAt ? <LocalTime iso={retry.nextAttemptAt} /> : '—'}</dd>
          </>
        ) : null}
        {retry.lastError && status !== 'ticket_created' ? (
          <>
            <dt className="text-slate-500">Last error</dt>
            <dd className="m-0 whitespace-pre-wrap break-words text-red-800">{retry.lastError}</dd>
          </>
        ) : null}
        {status === 'dead' && retry.deadReason ? (
          <>
            <dt className="text-slate-500">Gave up because</dt>
            <dd className="m-0 whitespace-pre-wrap break-words text-red-800">{retry.deadReason}</dd>
          </>
        ) : null}
        {status === 'refused' ? (
          <>
            <dt className="text-slate-500">Refused with</dt>
            <dd className="m-0 whitespace-pre-wrap break-words">{refusedMessage || '(no message)'}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
