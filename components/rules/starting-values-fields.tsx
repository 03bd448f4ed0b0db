'use client';

import type { WritableRuleVariables } from '@/lib/rules/engine/rule-engine';
import { WRITABLE_RULE_VARIABLES, type RuleStartingValues } from '@/lib/rules/types';
import { formatRuleValue } from './rule-variables-table';

/** What the admin typed, by variable; absent = the saved default. */
export type StartingValueDrafts = Partial<Record<keyof WritableRuleVariables, string>>;

const NAME_OR_NUMBER = new Set(['priority', 'impact', 'urgency']);

/** Typed text as the value rules start with: whole numbers for priority/impact/urgency, empty exception = unset. */
export function startingValuesFrom(drafts: StartingValueDrafts): RuleStartingValues {
  const start: Record<string, string | number | null> = {};
  for (const [name, text] of Object.entries(drafts)) {
    if (text === undefined) continue;
    if (NAME_OR_NUMBER.has(name) && /^-?\d+$/.test(text.trim())) start[name] = Number(text.trim());
    else if (name === 'exception') start[name] = text === '' ? null : text;
    else start[name] = text;
  }
  return start as RuleStartingValues;
}

const asText = (value: WritableRuleVariables[keyof WritableRuleVariables]) => (value === null ? '' : String(value));

/**
 * Every read/write variable's starting value for a test run. Each starts as the saved
 * default would; editing one (e.g. priority 3 to test `priority = priority - 1`) replaces
 * the default for this run only.
 */
export function StartingValuesFields({
  defaults,
  drafts,
  onChange,
  errors,
}: {
  defaults: WritableRuleVariables;
  drafts: StartingValueDrafts;
  onChange: (next: StartingValueDrafts) => void;
  errors: Record<string, string>;
}) {
  const changed = Object.keys(drafts).length;
  return (
    <details className="rounded-md border border-slate-200 p-3" open={changed > 0}>
      <summary className="cursor-pointer text-sm font-medium text-slate-800">
        Starting values{changed > 0 ? ` (${changed} changed)` : ' (the saved defaults)'}
      </summary>
      <p id="starting-values-hint" className="mt-2 text-xs text-slate-500">
        What each read/write variable holds before the rules run. Numbers are sent as numbers for priority, impact and urgency.
      </p>
      <div className="mt-2 grid gap-3 sm:grid-cols-2">
        {WRITABLE_RULE_VARIABLES.map((name) => {
          const id = `start-${name}`;
          const error = errors[`start.${name}`];
          const edited = drafts[name] !== undefined;
          return (
            <div key={name}>
              <label htmlFor={id} className="block font-mono text-sm text-slate-800">
                {name}
                {edited ? (
                  <button
                    type="button"
                    className="ml-2 font-sans text-xs text-blue-700 underline"
                    onClick={() => {
                      const next = { ...drafts };
                      delete next[name];
                      onChange(next);
                    }}
                  >
                    use default
                  </button>
                ) : null}
              </label>
              <input
                id={id}
                data-testid={id}
                value={drafts[name] ?? asText(defaults[name])}
                onChange={(e) => onChange({ ...drafts, [name]: e.target.value })}
                placeholder={defaults[name] === null ? 'None' : undefined}
                aria-describedby={error ? `starting-values-hint ${id}-error` : 'starting-values-hint'}
                aria-invalid={error ? true : undefined}
                title={`Default: ${formatRuleValue(defaults[name])}`}
                className={`mt-1 block w-full rounded-md border px-2 py-1 font-mono text-sm ${error ? 'border-red-500' : edited ? 'border-amber-400' : 'border-slate-300'}`}
              />
              {error ? (
                <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </details>
  );
}
