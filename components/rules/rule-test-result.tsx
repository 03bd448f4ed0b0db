import type { RuleTestResult } from '@/lib/rules/types';
import { RuleVariablesTable } from './rule-variables-table';

const formatMs = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

const VERDICT: Record<RuleTestResult['verdict'], { text: string; style: string }> = {
  ticket: { text: 'A ticket would be created with the values below.', style: 'bg-emerald-50 text-emerald-900 ring-emerald-200' },
  refused: { text: 'The press would be refused: no ticket, and the end user sees the text below.', style: 'bg-amber-50 text-amber-900 ring-amber-200' },
  ticket_despite_error: {
    text: 'The rules crashed. The ticket would still be created, with the values from before the rules ran, and the error under Submission Errors.',
    style: 'bg-red-50 text-red-900 ring-red-200',
  },
};

/** What a test run did: the verdict, errors with their line, every variable (changed ones marked), output, time. */
export function RuleTestResultView({ result }: { result: RuleTestResult }) {
  const changed = result.variables.filter((v) => v.changed);
  const verdict = VERDICT[result.verdict];
  return (
    <section aria-label="Run result" className="space-y-4 text-sm" data-testid="rule-test-result" data-verdict={result.verdict}>
      <div className={`rounded-md p-3 ring-1 ${verdict.style}`} role={result.verdict === 'ticket_despite_error' ? 'alert' : 'status'}>
        <p className="font-semibold">{verdict.text}</p>
        {result.refusal !== null ? (
          <p className="mt-1" data-testid="rule-test-refusal">
            Refusal: {result.refusal}
          </p>
        ) : null}
        {result.error ? (
          <p className="mt-1 font-mono" data-testid="rule-test-error">
            {result.error.type}: {result.error.message}
            {result.error.line !== null ? ` (line ${result.error.line})` : ''}
          </p>
        ) : null}
      </div>
      <p className="text-slate-600" data-testid="rule-test-time">
        Ran in {formatMs(result.durationMs)} ({formatMs(result.totalMs)} round trip).{' '}
        {changed.length > 0 ? `Changed: ${changed.map((v) => v.name).join(', ')}.` : 'No variable changed.'}
      </p>
      {result.warnings.length > 0 ? (
        <div role="status" className="rounded-md bg-amber-50 p-3 text-amber-900 ring-1 ring-amber-200">
          <p className="font-semibold">Warnings</p>
          <ul className="mt-1 list-disc pl-5" data-testid="rule-test-warnings">
            {result.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <RuleVariablesTable rows={result.variables} caption="Variables (changed ones highlighted)" testId="rule-test-variables" />
      <div>
        <h3 className="mb-1 font-medium text-slate-700">Printed output</h3>
        {result.output ? (
          <pre className="m-0 max-h-80 overflow-auto rounded bg-slate-900 p-3 text-xs whitespace-pre-wrap text-slate-100" data-testid="rule-test-output">
            {result.output}
          </pre>
        ) : (
          <p className="m-0 text-slate-500">The rules printed nothing.</p>
        )}
      </div>
    </section>
  );
}
