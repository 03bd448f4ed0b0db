import type { RuleVariableResult } from '@/lib/rules/types';

type RuleValue = RuleVariableResult['after'];

/** Values as a rule author reads them: Python's None/True/False, strings quoted so 0 and '0' differ. */
export function formatRuleValue(value: RuleValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Every variable before and after the rules, the changed ones highlighted and labelled. */
export function RuleVariablesTable({ rows, caption, testId }: { rows: RuleVariableResult[]; caption: string; testId: string }) {
  return (
    <table className="w-full table-fixed border-collapse text-left text-sm" data-testid={testId}>
      <caption className="mb-1 text-left font-medium text-slate-700">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <th scope="col" className="w-40 py-1 pr-2">
            Variable
          </th>
          <th scope="col" className="py-1 pr-2">
            Before
          </th>
          <th scope="col" className="py-1">
            After
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((v) => (
          <tr
            key={v.name}
            data-testid={`rule-var-${v.name}`}
            data-changed={v.changed ? 'true' : 'false'}
            className={`border-b border-slate-100 align-top ${v.changed ? 'bg-amber-50 font-semibold' : ''}`}
          >
            <th scope="row" className="py-1 pr-2 font-mono font-normal">
              {v.name}
              {v.readOnly ? <span className="ml-1 text-xs text-slate-400">(read-only)</span> : null}
              {v.changed ? <span className="ml-1 rounded bg-amber-200 px-1 text-xs text-amber-900">changed</span> : null}
            </th>
            <td className="max-w-0 py-1 pr-2 font-mono text-xs break-words whitespace-pre-wrap text-slate-600">{formatRuleValue(v.before)}</td>
            <td className="max-w-0 py-1 font-mono text-xs break-words whitespace-pre-wrap">{formatRuleValue(v.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
