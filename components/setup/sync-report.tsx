/** What a registration sync did in Manage, one line per record (Callbacks and Pod steps). */

export type SyncOutcome = 'created' | 'updated' | 'unchanged' | 'removed' | 'failed' | 'kept';
export type SyncReportView = {
  ok: boolean;
  summary: string;
  entries: readonly { id?: number | null; outcome: SyncOutcome; target: string; message: string }[];
};

const OUTCOME_LABEL: Record<SyncOutcome, string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged',
  removed: 'Removed',
  failed: 'Failed',
  kept: 'Kept',
};
const OUTCOME_STYLE: Record<SyncOutcome, string> = {
  created: 'bg-emerald-100 text-emerald-800',
  updated: 'bg-sky-100 text-sky-800',
  unchanged: 'bg-slate-100 text-slate-700',
  removed: 'bg-slate-100 text-slate-700',
  failed: 'bg-red-100 text-red-800',
  kept: 'bg-amber-100 text-amber-900',
};

export function SyncReport({ report, summaryTestId }: { report: SyncReportView; summaryTestId: string }) {
  return (
    <section aria-label="Registration result" className={`space-y-3 rounded-xl p-6 ring-1 ${report.ok ? 'bg-emerald-50 ring-emerald-200' : 'bg-red-50 ring-red-200'}`}>
      <p className="font-semibold" data-testid={summaryTestId}>
        {report.summary}
      </p>
      <ul className="space-y-2 text-sm">
        {report.entries.map((entry, i) => (
          <li key={`${entry.id ?? 'new'}-${i}`} data-testid="sync-entry" data-outcome={entry.outcome} className="flex flex-wrap items-baseline gap-2">
            <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${OUTCOME_STYLE[entry.outcome]}`}>{OUTCOME_LABEL[entry.outcome]}</span>
            <span className="font-medium">{entry.target}</span>
            <span className="text-slate-700">{entry.message}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
