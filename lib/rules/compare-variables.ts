/**
 * Before/after rows of rule variables, for the test runner and the stored trace alike. Pure
 * and client-safe: the report page builds rows from a stored outcome in the browser bundle.
 */
import { READ_ONLY_RULE_VARIABLES, WRITABLE_RULE_VARIABLES, type RuleVariableResult } from './types';

type RuleValue = RuleVariableResult['after'];

const READ_ONLY = new Set<string>(READ_ONLY_RULE_VARIABLES);
const ORDER: readonly string[] = [...WRITABLE_RULE_VARIABLES, ...READ_ONLY_RULE_VARIABLES];

/** Every variable in the usual order (writable first); names this version does not know go last. */
export function compareRuleVariables(
  before: Readonly<Record<string, RuleValue>>,
  after: Readonly<Record<string, RuleValue>>,
): RuleVariableResult[] {
  const known = ORDER.filter((n) => n in before || n in after);
  const unknown = Object.keys({ ...before, ...after }).filter((n) => !ORDER.includes(n));
  return [...known, ...unknown].map((name) => {
    const b = before[name] ?? null;
    const a = after[name] ?? null;
    return { name: name as RuleVariableResult['name'], readOnly: READ_ONLY.has(name), before: b, after: a, changed: a !== b };
  });
}
