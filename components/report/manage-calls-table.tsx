import type { ManageCallView, PipelineStepView } from '@/lib/presses/types';
import { formatDuration, plural } from '@/components/ui/format';

export type ManageCallsTableProps = {
  calls: ManageCallView[];
  /** The pipeline's steps in order; they ran one after another, so their sum is the critical path. */
  steps?: PipelineStepView[];
  /** The attempt these calls belong to (earlier attempts' calls are not kept). */
  attempt?: number | null;
};

function statusClass(status: number | null): string {
  if (status === null) return 'text-red-700';
  if (status >= 400) return 'text-red-700';
  return 'text-emerald-700';
}

/**
 * Every Manage call of the press's last attempt, with its timing. Calls in one step may run
 * in parallel, so their sum can exceed the wall time: the steps give the critical path.
 */
export function ManageCallsTable({ calls, steps = [], attempt = null }: ManageCallsTableProps) {
  if (calls.length === 0) {
    return <p className="text-sm text-slate-500">No Manage calls were recorded for this press.</p>;
  }
  const totalMs = calls.reduce((sum, c) => sum + c.ms, 0);
  const failed = calls.filter((c) => c.error !== undefined || c.status === null || c.status >= 400).length;
  const criticalMs = steps.reduce((sum, s) => sum + s.ms, 0);
  return (
    <div className="text-sm">
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left" data-testid="manage-calls">
          <caption className="sr-only">Manage calls{attempt ? ` of attempt ${attempt}` : ''}</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <th scope="col" className="py-1 pr-3">#</th>
              <th scope="col" className="py-1 pr-3">Method</th>
              <th scope="col" className="py-1 pr-3">Path</th>
              <th scope="col" className="py-1 pr-3">Status</th>
              <th scope="col" className="py-1 pr-3 text-right">Time</th>
              <th scope="col" className="py-1 text-right">Try</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call, i) => (
              <tr key={i} className="border-b border-slate-100 align-top">
                <td className="py-1 pr-3 text-slate-400">{i + 1}</td>
                <td className="py-1 pr-3 font-mono">{call.method}</td>
                <td className="py-1 pr-3 font-mono break-all">
                  {call.path}
                  {call.error ? <div className="font-sans text-xs text-red-700">{call.error}</div> : null}
                </td>
                <td className={`py-1 pr-3 font-mono ${statusClass(call.status)}`}>{call.status ?? 'failed'}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{formatDuration(call.ms)}</td>
                <td className="py-1 text-right tabular-nums">{call.attempt}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="font-medium" data-testid="manage-calls-total">
              <td className="pt-2" colSpan={4}>
                Total: {plural(calls.length, 'call')}
                {failed > 0 ? `, ${failed} failed` : ''}
              </td>
              <td className="pt-2 pr-3 text-right tabular-nums">{formatDuration(totalMs)}</td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
      {steps.length > 0 ? (
        <p className="mt-3 text-slate-600" data-testid="critical-path">
          Critical path {formatDuration(criticalMs)}:{' '}
          {steps.map((s, i) => (
            <span key={`${i}-${s.name}`}>
              {i > 0 ? ' → ' : ''}
              {s.name} {formatDuration(s.ms)}
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
