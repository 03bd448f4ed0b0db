import 'server-only';
import { z } from 'zod';
import { MANAGE_DEFAULT } from '@/lib/rules/engine/rule-engine';
import { serverEnv } from '@/lib/env';
import { findActiveRules } from '@/lib/settings/active-rules';
import type { DeskbellDatabase } from '@/lib/store/database';
import { readSetting } from './settings-store';

const fieldValue = z.string().trim().min(1).max(100);

export const ticketDefaultsSchema = z.object({
  board: fieldValue,
  status: fieldValue,
  type: fieldValue,
  subtype: fieldValue,
  item: fieldValue,
  team: fieldValue,
  priority: fieldValue,
  source: fieldValue,
  owner: fieldValue,
  impact: fieldValue,
  severity: fieldValue,
});
export type TicketDefaults = z.infer<typeof ticketDefaultsSchema>;

export const unregisteredSchema = z.object({
  email: z.email(),
  /** Stored by the wizard once found or created; looked up by email until then. */
  companyId: z.number().int().positive().optional(),
  contactId: z.number().int().positive().optional(),
});
export type UnregisteredCatchAll = z.infer<typeof unregisteredSchema>;

export const rulesSourceSchema = z.string().max(200_000);
export const pressSelectionsSchema = z.array(z.string().trim().min(1).max(200)).max(50);

export type IntakeSettings = {
  defaults: TicketDefaults;
  unregistered: UnregisteredCatchAll;
  rulesSource: string | null;
  /** The saved rules version rulesSource comes from; absent for the legacy setting or none. */
  rulesVersion?: number | null;
  /** The form choices the web press page offers. */
  selections: string[];
};

export const SETTING_KEYS = {
  ticketDefaults: 'intake.ticket_defaults',
  unregistered: 'intake.unregistered',
  /** Before versioned rules (lib/rules): read only while no version is saved, and imported as v1 by migration 0004. */
  rules: 'intake.rules',
  selections: 'intake.selections',
} as const;

/** Until the setup wizard writes them, the environment seeds every intake setting. */
export function intakeSettingsFromEnv(): IntakeSettings {
  const env = serverEnv();
  return {
    defaults: {
      board: env.DESKBELL_DEFAULT_BOARD,
      status: env.DESKBELL_DEFAULT_STATUS,
      type: env.DESKBELL_DEFAULT_TYPE,
      subtype: env.DESKBELL_DEFAULT_SUBTYPE,
      item: env.DESKBELL_DEFAULT_ITEM,
      team: env.DESKBELL_DEFAULT_TEAM,
      priority: env.DESKBELL_DEFAULT_PRIORITY,
      source: env.DESKBELL_DEFAULT_SOURCE,
      owner: env.DESKBELL_DEFAULT_OWNER,
      impact: env.DESKBELL_DEFAULT_IMPACT,
      severity: env.DESKBELL_DEFAULT_SEVERITY,
    },
    unregistered: { email: env.DESKBELL_UNREGISTERED_EMAIL },
    rulesSource: null,
    selections: env.DESKBELL_PRESS_SELECTIONS,
  };
}

export async function loadIntakeSettings(db: DeskbellDatabase): Promise<IntakeSettings> {
  const seeded = intakeSettingsFromEnv();
  const [defaults, unregistered, activeRules, selections] = await Promise.all([
    readSetting(db, SETTING_KEYS.ticketDefaults, ticketDefaultsSchema),
    readSetting(db, SETTING_KEYS.unregistered, unregisteredSchema),
    findActiveRules(db),
    readSetting(db, SETTING_KEYS.selections, pressSelectionsSchema),
  ]);
  // The active version wins, even when it is empty: saving empty rules is how they are turned off.
  const rulesSource = activeRules ? activeRules.source : await readSetting(db, SETTING_KEYS.rules, rulesSourceSchema);
  return {
    defaults: defaults ?? seeded.defaults,
    unregistered: unregistered ?? seeded.unregistered,
    rulesSource: rulesSource ?? seeded.rulesSource,
    rulesVersion: activeRules?.version ?? null,
    selections: selections ?? seeded.selections,
  };
}

export const isManageDefault = (value: string | number | null | undefined): boolean =>
  value === undefined || value === null || value === '' || value === MANAGE_DEFAULT;
