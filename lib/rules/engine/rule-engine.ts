/**
 * The seam between the press pipeline and the MSP's dispatcher rules. The Python sandbox
 * (python-engine.ts) implements RuleEngine; until an admin saves rules, the pipeline uses no engine
 * and the variables pass through unchanged, which is what the incumbent does with no rules.
 */

/** `__default__` leaves the field to Manage (the API member's service defaults). */
export const MANAGE_DEFAULT = '__default__';

/**
 * A name (or, for priority, impact and urgency, also a number) as the rules left it: what
 * Python computed, None and 2.5 included. Name resolution reports what Manage cannot take.
 */
export type RuleName = string | null;
export type RuleNameOrNumber = string | number | null;

/** Read/write variables, named as MSPs' existing rules name them. */
export type WritableRuleVariables = {
  priority: RuleNameOrNumber;
  state: RuleName;
  team: RuleName;
  type: RuleName;
  subtype: RuleName;
  item: RuleName;
  msg: string;
  subject: string;
  source: RuleName;
  impact: RuleNameOrNumber;
  urgency: RuleNameOrNumber;
  owner: RuleName;
  board: RuleName;
  append: string;
  priv_append: string;
  /** Unset by default; a rule that sets it refuses the press with this text. */
  exception: string | null;
};

/** Read-only inputs rules can test. */
export type ReadOnlyRuleVariables = {
  selections: string;
  name: string;
  email: string;
  ip: string;
  mac: string;
  hostname: string;
  username: string;
  os: string;
  company: string;
  registered: boolean;
};

export type RuleVariables = WritableRuleVariables & ReadOnlyRuleVariables;

export type RuleError = { type: string; message: string; line: number | null };

export type RuleRun = {
  before: RuleVariables;
  after: RuleVariables;
  /** Set when a rule set `exception`: no ticket, the end user sees this text. */
  refusal: string | null;
  /** A crashing rule: the pipeline keeps the values from before the rules ran. */
  error: RuleError | null;
  output: string;
  /** What the engine changed or ignored, e.g. "name is read-only; the assignment was ignored". */
  warnings: string[];
  durationMs: number;
};

/** An engine may omit warnings (it has none to report); applyRules fills in an empty list. */
export type RuleEngineResult = Omit<RuleRun, 'before' | 'warnings'> & { warnings?: string[] };

/** `test`: the Rules step's runs, which never share an interpreter with presses. */
export type RulePool = 'press' | 'test';
export type EvaluateOptions = { pool?: RulePool };

export interface RuleEngine {
  evaluate(source: string, variables: RuleVariables, options?: EvaluateOptions): Promise<RuleEngineResult>;
}

/** What the rules step does: run the engine when there are rules, else pass everything through. */
export async function applyRules(
  engine: RuleEngine | null,
  source: string | null,
  variables: RuleVariables,
  options?: EvaluateOptions,
): Promise<RuleRun> {
  if (!engine || !source || source.trim() === '') {
    return { before: variables, after: variables, refusal: null, error: null, output: '', warnings: [], durationMs: 0 };
  }
  const result = await engine.evaluate(source, variables, options);
  // A crash must not lose the ticket: fall back to the values from before the rules ran.
  const after = result.error ? variables : result.after;
  return { ...result, warnings: result.warnings ?? [], before: variables, after, refusal: result.error ? null : result.refusal };
}
