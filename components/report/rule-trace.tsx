import { RuleVariablesTable } from '@/components/rules/rule-variables-table';
import { compareRuleVariables } from '@/lib/rules/compare-variables';
import type { RuleTraceView } from '@/lib/presses/types';
import { formatDuration, plural } from '@/components/ui/format';

type TraceValue = string | number | boolean | null;

/**
 * The stored trace. Presses run before versioned rules recorded only the summary, so the
 * variables, warnings and version are optional.
 */
export type RuleTraceDetails = RuleTraceView & {
  before?: Record<string, TraceValue> | null;
  after?: Record<string, TraceValue> | null;
  warnings?: string[];
  version?: number | null;
};

export type RuleTraceProps = { rules: RuleTraceDetails | null };

/** What the dispatcher rules did, collapsed: most readers only need the summary line. */
export function RuleTrace({ rules }: RuleTraceProps) {
  if (!rules) return <p className="text-sm text-slate-500">No dispatcher rules ran for this press.</p>;
  const warnings = rules.warnings ?? [];
  const summary = [
    rules.refusal !== null ? 'refused the press' : null,
    rules.error ? `failed (${rules.error.type})` : null,
    rules.changed.length > 0 ? `changed ${rules.changed.join(', ')}` : rules.error || rules.refusal !== null ? null : 'changed nothing',
    warnings.length > 0 ? plural(warnings.length, 'warning') : null,
    formatDuration(rules.durationMs),
  ]
    .filter(Boolean)
    .join(' · ');
  const rows = rules.before && rules.after ? compareRuleVariables(rules.before, rules.after) : null;
  return (
    <details className="text-sm" data-testid="rule-trace">
      <summary className="cursor-pointer select-none">Rules: {summary}</summary>
      <div className="mt-3 space-y-3">
        {rules.version !== undefined && rules.version !== null ? <p className="m-0 text-slate-600">Rules version v{rules.version}.</p> : null}
        {rules.refusal !== null ? (
          <p className="m-0">
            <span className="font-medium">Refusal shown to the user:</span> {rules.refusal}
          </p>
        ) : null}
        {rules.error ? (
          <p className="m-0 text-red-800">
            <span className="font-medium">{rules.error.type}</span>: {rules.error.message}
            {rules.error.line !== null ? ` (line ${rules.error.line})` : ''}. The ticket used the values from before the rules ran.
          </p>
        ) : null}
        {warnings.length > 0 ? (
          <div>
            <h3 className="mb-1 font-medium text-slate-700">Warnings</h3>
            <ul className="m-0 list-disc pl-5 text-amber-900" data-testid="rule-trace-warnings">
              {warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {rows ? (
          <RuleVariablesTable rows={rows} caption="Variables before and after the rules (changed ones highlighted)" testId="rule-trace-variables" />
        ) : rules.changed.length > 0 ? (
          <div>
            <h3 className="mb-1 font-medium text-slate-700">Changed variables</h3>
            <ul className="m-0 flex list-none flex-wrap gap-2 p-0">
              {rules.changed.map((name) => (
                <li key={name} className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs">
                  {name}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div>
          <h3 className="mb-1 font-medium text-slate-700">Output</h3>
          {rules.output ? (
            <pre className="m-0 max-h-80 overflow-auto whitespace-pre-wrap rounded bg-slate-900 p-3 text-xs text-slate-100">{rules.output}</pre>
          ) : (
            <p className="m-0 text-slate-500">The rules printed nothing.</p>
          )}
        </div>
      </div>
    </details>
  );
}
