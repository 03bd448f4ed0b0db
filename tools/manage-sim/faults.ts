/**
 * Fault injection. Rules are checked in order for every API (and /login) request:
 * latency rules add up; the first matching rule that still has `times` left (or a `down`
 * rule whose deadline is in the future) decides what happens instead of a normal answer.
 */
import { z } from 'zod';

export type SimMatch = { method?: string; path?: string };
export type SimFaultRule =
  | { kind: 'latency'; ms: number; jitterMs?: number; match?: SimMatch }
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; times: number; retryAfterSeconds?: number; match?: SimMatch }
  | { kind: 'reset'; times: number; match?: SimMatch }
  | { kind: 'hang'; times: number; match?: SimMatch }
  | { kind: 'commit-then-timeout'; times: number; match?: SimMatch }
  | { kind: 'down'; untilMs: number; match?: SimMatch };

const matchSchema = z
  .object({
    method: z.string().min(1).optional(),
    path: z
      .string()
      .optional()
      .refine((source) => {
        if (source === undefined) return true;
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'path must be a valid regular expression'),
  })
  .strict();

const times = z.number().int().min(1).max(1_000_000);

export const faultRuleSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('latency'), ms: z.number().min(0).max(600_000), jitterMs: z.number().min(0).max(600_000).optional(), match: matchSchema.optional() })
    .strict(),
  z
    .object({
      kind: z.literal('status'),
      status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
      times,
      retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
      match: matchSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('reset'), times, match: matchSchema.optional() }).strict(),
  z.object({ kind: z.literal('hang'), times, match: matchSchema.optional() }).strict(),
  z.object({ kind: z.literal('commit-then-timeout'), times, match: matchSchema.optional() }).strict(),
  z.object({ kind: z.literal('down'), untilMs: z.number().int().min(0), match: matchSchema.optional() }).strict(),
]);
export const faultRulesSchema = z.array(faultRuleSchema).max(1000);

export type FaultAction =
  | { kind: 'status'; status: number; retryAfterSeconds: number | null }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'commit-then-timeout' };

export type FaultPlan = { latencyMs: number; action: FaultAction | null; label: string | null };

type ActiveRule = { rule: SimFaultRule; remaining: number; method: string | null; path: RegExp | null; label: string };

const NO_FAULT: FaultPlan = { latencyMs: 0, action: null, label: null };

function labelOf(rule: SimFaultRule, index: number): string {
  const kind = rule.kind === 'status' ? `status:${rule.status}` : rule.kind;
  return `${kind}#${index}`;
}

export class FaultEngine {
  private rules: ActiveRule[] = [];

  /** Replaces all rules; throws a descriptive Error for an invalid rule. */
  set(rules: SimFaultRule[]): void {
    const parsed = faultRulesSchema.safeParse(rules);
    if (!parsed.success) {
      throw new Error(`Invalid fault rules: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.rules = (parsed.data as SimFaultRule[]).map((rule, index) => ({
      rule,
      remaining: 'times' in rule ? rule.times : Number.POSITIVE_INFINITY,
      method: rule.match?.method?.toUpperCase() ?? null,
      path: rule.match?.path === undefined ? null : new RegExp(rule.match.path),
      label: labelOf(rule, index),
    }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules with how many uses each has left (for GET /__sim/faults). */
  describe(): { rule: SimFaultRule; remaining: number | null }[] {
    return this.rules.map((r) => ({ rule: r.rule, remaining: Number.isFinite(r.remaining) ? r.remaining : null }));
  }

  /** Decides (and consumes) the faults for one request. */
  plan(method: string, path: string): FaultPlan {
    if (this.rules.length === 0) return NO_FAULT;
    let latencyMs = 0;
    const labels: string[] = [];
    let action: FaultAction | null = null;
    const now = Date.now();
    for (const active of this.rules) {
      if (active.method !== null && active.method !== method) continue;
      if (active.path !== null && !active.path.test(path)) continue;
      const rule = active.rule;
      if (rule.kind === 'latency') {
        latencyMs += rule.ms + (rule.jitterMs ? Math.random() * rule.jitterMs : 0);
        labels.push(active.label);
        continue;
      }
      if (action) continue;
      if (rule.kind === 'down') {
        if (now < rule.untilMs) {
          action = { kind: 'reset' };
          labels.push(active.label);
        }
        continue;
      }
      if (active.remaining <= 0) continue;
      active.remaining--;
      labels.push(active.label);
      action =
        rule.kind === 'status'
          ? {
              kind: 'status',
              status: rule.status,
              // Manage's 429 carries Retry-After; default to 1 s when the rule does not say.
              retryAfterSeconds: rule.retryAfterSeconds ?? (rule.status === 429 ? 1 : null),
            }
          : { kind: rule.kind };
    }
    if (labels.length === 0) return NO_FAULT;
    return { latencyMs, action, label: labels.join('+') };
  }
}
