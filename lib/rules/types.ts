/**
 * What the Rules step and its API exchange, as plain data. Type-only (plus two constant
 * lists): safe for client bundles.
 */
import type { ActiveRules } from '@/lib/settings/active-rules';
import type { RuleVariables, WritableRuleVariables } from '@/lib/rules/engine/rule-engine';

export type { ActiveRules };

export type RuleVariableName = keyof RuleVariables;

/** Display order: what rules usually set first, then what they read. */
export const WRITABLE_RULE_VARIABLES = [
  'board',
  'state',
  'priority',
  'team',
  'type',
  'subtype',
  'item',
  'owner',
  'source',
  'impact',
  'urgency',
  'subject',
  'msg',
  'append',
  'priv_append',
  'exception',
] as const satisfies readonly RuleVariableName[];

export const READ_ONLY_RULE_VARIABLES = [
  'selections',
  'name',
  'email',
  'company',
  'registered',
  'hostname',
  'username',
  'ip',
  'mac',
  'os',
] as const satisfies readonly RuleVariableName[];

/** One saved version, newest first in lists. */
export type RuleVersionView = {
  version: number;
  createdAt: string;
  createdBy: string;
  note: string | null;
  sha256: string;
  lines: number;
  /** The highest version is the one presses use. */
  active: boolean;
  /** Unified diff from the version before (from nothing for the first); null when too large to compute quickly. */
  diff: string | null;
  added: number;
  removed: number;
};


export type RuleVersionList = { active: ActiveRules | null; versions: RuleVersionView[]; total: number };

/** A syntax problem, as Python's compiler reports it (1-based line and column). */
export type RuleSyntaxProblem = { type: string; message: string; line: number | null; column: number | null };

export type RuleCheckView = { ok: true } | { ok: false; error: RuleSyntaxProblem };

export type SaveRulesResult = { version: RuleVersionView; unchanged: boolean };

/** A press as the test runner takes it: what the end user sends, plus what Manage would say. */
export type SampleRulePress = {
  message: string;
  /** Chosen labels, one per entry (rules see them one per line). */
  selections: string[];
  name: string;
  email: string;
  hostname: string;
  username: string;
  ip: string;
  mac: string;
  os: string;
  /** The company Manage resolved for the contact. */
  company: string;
  /** False when the email matched no Manage contact. */
  registered: boolean;
};

export type SamplePrefill = {
  sample: SampleRulePress;
  /** The real press the sample came from; null when there is none yet. */
  fromPress: { id: string; receivedAt: string } | null;
};

export type RuleVariableResult = {
  name: RuleVariableName;
  readOnly: boolean;
  before: string | number | boolean | null;
  after: string | number | boolean | null;
  changed: boolean;
};

export type RuleTestResult = {
  /** What the pipeline would do with this press. */
  verdict: 'ticket' | 'refused' | 'ticket_despite_error';
  variables: RuleVariableResult[];
  refusal: string | null;
  error: { type: string; message: string; line: number | null } | null;
  output: string;
  warnings: string[];
  /** Time inside the engine. */
  durationMs: number;
  /** Round trip, including handing the press to the sandbox. */
  totalMs: number;
};

/**
 * Starting values of read/write variables for a test run, in place of the saved defaults
 * (e.g. priority = 3 to test `priority = priority - 1`). Absent names keep the default.
 */
export type RuleStartingValues = Partial<WritableRuleVariables>;

/** How the rule sandbox is kept off the network on this host. */
export type NetworkContainment = 'namespace' | 'javascript';

export type RulesPageData = {
  list: RuleVersionList;
  prefill: SamplePrefill;
  /** Every read/write variable as the saved defaults start it for the prefilled sample. */
  startingValues: WritableRuleVariables;
  networkContainment: NetworkContainment;
};
