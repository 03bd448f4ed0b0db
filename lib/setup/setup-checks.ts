import 'server-only';
import { z } from 'zod';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';

/**
 * The last live check of each wizard step, kept in settings so the step indicator and the
 * pages show it without calling Manage on every render. Nothing secret is stored here.
 */

export const SETUP_CHECK_KEYS = {
  connection: 'setup.check.connection',
  permissions: 'setup.check.permissions',
  unregistered: 'setup.check.unregistered',
} as const;
export type SetupCheckStep = keyof typeof SETUP_CHECK_KEYS;

export const probeVerdictSchema = z.enum(['pass', 'fail', 'unknown']);
export type ProbeVerdict = z.infer<typeof probeVerdictSchema>;

/** How a permission line was decided: from the API member's security role, or by a test request. */
export const decisionMethodSchema = z.enum(['role', 'probe']);
export type DecisionMethod = z.infer<typeof decisionMethodSchema>;

export const probeResultSchema = z.object({
  id: z.string(),
  permission: z.string(),
  purpose: z.string(),
  fix: z.string(),
  verdict: probeVerdictSchema,
  /** Checks stored before roles were read were all decided by test requests. */
  method: decisionMethodSchema.default('probe'),
  /** Why a test request decided the line instead of the role (the role could not be read, or does not list a function). */
  fallback: z.string().optional(),
  /** How the line was decided, one line per call ("GET /company/companies answered 200"). */
  how: z.array(z.string()),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

export const setupCheckSchema = z.object({
  ok: z.boolean(),
  at: z.string(),
  summary: z.string().max(4_000),
  /** Permission probes, line by line (only for the permissions step). */
  probes: z.array(probeResultSchema).optional(),
});
export type SetupCheck = z.infer<typeof setupCheckSchema>;

export async function readSetupCheck(db: DeskbellDatabase, step: SetupCheckStep): Promise<SetupCheck | undefined> {
  return readSetting(db, SETUP_CHECK_KEYS[step], setupCheckSchema);
}

export async function recordSetupCheck(
  db: DeskbellDatabase,
  step: SetupCheckStep,
  check: Omit<SetupCheck, 'at'>,
): Promise<SetupCheck> {
  const stored: SetupCheck = { ...check, at: new Date().toISOString() };
  await writeSetting(db, SETUP_CHECK_KEYS[step], setupCheckSchema, stored);
  return stored;
}
