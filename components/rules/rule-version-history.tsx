'use client';

import type { RuleVersionView } from '@/lib/rules/types';
import { secondaryButton } from '@/components/setup/form-field';
import { LocalTime } from '@/components/ui/local-time';

function diffLineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'text-slate-400';
  if (line.startsWith('+')) return 'bg-emerald-950/60 text-emerald-200';
  if (line.startsWith('-')) return 'bg-red-950/60 text-red-200';
  if (line.startsWith('@@')) return 'text-sky-300';
  return 'text-slate-300';
}

export function RuleDiff({ diff }: { diff: string }) {
  return (
    <pre className="m-0 max-h-96 overflow-auto rounded bg-slate-900 p-3 text-xs" data-testid="rule-diff">
      {diff
        .replace(/\n$/, '')
        .split('\n')
        .map((line, i) => (
          <span key={i} className={`block whitespace-pre-wrap ${diffLineClass(line)}`}>
            {line || ' '}
          </span>
        ))}
    </pre>
  );
}

/** Who saved what, when, and how it differs from the version before; one click rolls back. */
export function RuleVersionHistory({
  versions,
  total,
  activeSha,
  busyVersion,
  onRollback,
}: {
  versions: RuleVersionView[];
  total: number;
  activeSha: string | null;
  busyVersion: number | null;
  onRollback: (version: number) => void;
}) {
  if (versions.length === 0) {
    return <p className="text-sm text-slate-500">No rules saved yet. Every press uses the defaults of step 4 until you save some.</p>;
  }
  return (
    <div className="space-y-3">
      <ol className="m-0 list-none space-y-3 p-0" aria-label="Rules versions">
        {versions.map((v) => (
          <li key={v.version} className="rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid={`rule-version-${v.version}`} data-active={v.active ? 'true' : 'false'}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="m-0 text-sm">
                <span className="font-semibold">v{v.version}</span>
                {v.active ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">Active</span> : null}
                <span className="ml-2 text-slate-600">
                  saved by {v.createdBy}, <LocalTime iso={v.createdAt} relative />
                </span>
              </p>
              {v.active ? null : v.sha256 === activeSha ? (
                <span className="text-xs text-slate-500">Same rules as the active version</span>
              ) : (
                <button type="button" className={secondaryButton} disabled={busyVersion !== null} onClick={() => onRollback(v.version)}>
                  {busyVersion === v.version ? `Rolling back to v${v.version}\u2026` : `Roll back to v${v.version}`}
                </button>
              )}
            </div>
            {v.note ? <p className="mt-1 mb-0 text-sm text-slate-700">{v.note}</p> : null}
            <details className="mt-2 text-sm">
              <summary className="cursor-pointer text-slate-600 select-none">
                {v.version === 1 ? 'Diff from no rules' : `Diff from v${v.version - 1}`}: +{v.added} −{v.removed}, {v.lines} line{v.lines === 1 ? '' : 's'}
              </summary>
              <div className="mt-2">
                {v.diff === null ? (
                  <p className="text-slate-500">The change is too large to show as a diff.</p>
                ) : v.diff === '' ? (
                  <p className="text-slate-500">No change in the text.</p>
                ) : (
                  <RuleDiff diff={v.diff} />
                )}
              </div>
            </details>
          </li>
        ))}
      </ol>
      {total > versions.length ? (
        <p className="text-xs text-slate-500">
          Showing the newest {versions.length} of {total} versions.
        </p>
      ) : null}
    </div>
  );
}
