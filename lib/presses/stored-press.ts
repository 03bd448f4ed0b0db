import 'server-only';
import { z } from 'zod';
import { createPressPayloadSchema, type PressPayload } from '@/lib/intake/press-schema';
import { personName } from './person-name';

/**
 * Reads the two JSON columns of a press for display. Both were written by our own code, but
 * by whichever version ran the press: a field an older pipeline did not record, or a row
 * edited by hand, shows as missing instead of breaking the dashboard.
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

const outcomeSchema = z.object({
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
      // The matched contact's first and last name; outcomes from before it was kept lack it.
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
  configuration: z.object({ id: z.number(), name: z.string() }).nullable().catch(null),
  configurationError: z.string().optional().catch(undefined),
  fileErrors: z.array(z.object({ fileId: z.string(), filename: z.string(), message: z.string() })).catch([]),
  rules: z
    .object({
      refusal: z.string().nullable(),
      error: z.object({ type: z.string(), message: z.string(), line: z.number().nullable() }).nullable(),
      output: z.string(),
      durationMs: z.number(),
      changed: z.array(z.string()).catch([]),
      // Recorded since versioned rules; older outcomes simply lack them.
      warnings: z.array(z.string()).optional().catch(undefined),
      before: traceVariablesSchema.nullable().optional().catch(undefined),
      after: traceVariablesSchema.nullable().optional().catch(undefined),
      version: z.number().int().nullable().optional().catch(undefined),
    })
    .nullable()
    .catch(null),
});

export type StoredOutcome = z.infer<typeof outcomeSchema>;

export function readOutcome(json: string | null): StoredOutcome | null {
  if (json === null) return null;
  try {
    const parsed = outcomeSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// Limits were enforced when the press was accepted; an admin lowering one later must not
// make old presses unreadable.
const payloadSchema = createPressPayloadSchema({ maxMessageChars: Number.MAX_SAFE_INTEGER });

export function readPayload(json: string): PressPayload | null {
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The rule trace is worth showing only when rules ran. */
export function hasRuleTrace(rules: StoredOutcome['rules']): rules is NonNullable<StoredOutcome['rules']> {
  return rules !== null && (rules.durationMs > 0 || rules.output !== '' || rules.error !== null || rules.refusal !== null || rules.changed.length > 0);
}

export function msBetween(from: string, to: string | null): number | null {
  if (to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** The end user of a stored press: the name typed on it, else the matched Manage contact's. */
export function pressEndUser(payload: PressPayload | null, outcome: StoredOutcome | null): { name: string | null; email: string | null } {
  return { name: personName(payload?.name, outcome?.contact), email: payload?.email?.trim() || null };
}
