import { z } from 'zod';

/**
 * What a press's last attempt got done (`presses.outcome`): written by the pipeline, read back
 * by its next attempt, the dashboard, the report, the pod and notifications. One schema for
 * all of them. Rows were written by whichever version ran the press, so a field an older
 * pipeline did not record (or a row edited by hand) falls back to "not known" instead of
 * making the whole press unreadable; only something that is not an outcome object at all is
 * refused.
 */

const callSchema = z.object({
  method: z.string(),
  path: z.string(),
  status: z.number().nullable(),
  ms: z.number(),
  attempt: z.number(),
  error: z.string().optional(),
});

const traceVariablesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const ruleTraceSchema = z.object({
  refusal: z.string().nullable(),
  error: z.object({ type: z.string(), message: z.string(), line: z.number().nullable() }).nullable(),
  output: z.string(),
  durationMs: z.number(),
  changed: z.array(z.string()).catch([]),
  // Recorded since versioned rules; older outcomes simply lack them.
  warnings: z.array(z.string()).optional().catch(undefined),
  /** The variables going in and what the ticket used (the "before" values after a crash); null when no rules ran. */
  before: traceVariablesSchema.nullable().optional().catch(undefined),
  after: traceVariablesSchema.nullable().optional().catch(undefined),
  /** The saved rules version that ran, when the rules came from one. */
  version: z.number().int().nullable().optional().catch(undefined),
});

export const pressOutcomeSchema = z.object({
  attempt: z.number().catch(0),
  steps: z.array(z.object({ name: z.string(), ms: z.number() })).catch([]),
  calls: z.array(callSchema).catch([]),
  submissionErrors: z.array(z.string()).catch([]),
  contact: z
    .object({
      id: z.number(),
      companyId: z.number(),
      companyName: z.string().nullable(),
      registered: z.boolean(),
      // The matched contact's first and last name (null for the catch-all); outcomes from before it was kept lack it.
      name: z.string().nullable().optional().catch(undefined),
    })
    .nullable()
    .catch(null),
  ticket: z
    .object({
      id: z.number(),
      number: z.string(),
      reused: z.boolean().catch(false),
      boardName: z.string().nullable().catch(null),
      statusName: z.string().nullable().catch(null),
    })
    .nullable()
    .catch(null),
  /** The ticket field names the pipeline used (board, status, …). */
  fields: z.record(z.string(), z.string()).nullable().catch(null),
  configuration: z.object({ id: z.number(), name: z.string() }).nullable().catch(null),
  configurationError: z.string().optional().catch(undefined),
  documents: z.array(z.object({ fileId: z.string(), documentId: z.number() })).catch([]),
  fileErrors: z.array(z.object({ fileId: z.string(), filename: z.string(), message: z.string() })).catch([]),
  rules: ruleTraceSchema.nullable().catch(null),
});

export type PressOutcome = z.infer<typeof pressOutcomeSchema>;

/** What the rules did to a press, kept on its outcome for the report page. */
export type RuleTrace = z.infer<typeof ruleTraceSchema>;

/** The stored outcome, or null when there is none or it is not an outcome (not JSON, not an object). */
export function readOutcome(json: string | null): PressOutcome | null {
  if (json === null) return null;
  try {
    const parsed = pressOutcomeSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The rule trace is worth showing only when rules ran. */
export function hasRuleTrace(rules: PressOutcome['rules']): rules is RuleTrace {
  return rules !== null && (rules.durationMs > 0 || rules.output !== '' || rules.error !== null || rules.refusal !== null || rules.changed.length > 0);
}
