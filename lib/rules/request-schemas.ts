import 'server-only';
import { z } from 'zod';
import { pressTextLimits as limits } from '@/lib/presses/press-payload';
import { RULES_MAX_CHARS } from './rule-versions';

/** Bodies of /api/admin/rules; zod paths match the Rules step's fields. */

const source = z.string(`Send the rules as text.`).max(RULES_MAX_CHARS, `Rules are limited to ${RULES_MAX_CHARS.toLocaleString('en-US')} characters.`);

export const saveRulesBodySchema = z.object({
  source,
  note: z.string().trim().max(200, 'A note is at most 200 characters.').optional(),
  /** The version the editor started from; null when there was none. Omit to save regardless. */
  baseVersion: z.number().int().positive().nullable().optional(),
});

export const checkRulesBodySchema = z.object({ source });

const text = (label: string, max: number) => z.string().max(max, `${label} is at most ${max} characters.`).default('');

// The same bounds a real press has, so any stored press can be replayed as a sample.
// Labels arrive as a list, or as the text a person types: one per line.
const selections = z
  .union([z.array(z.string()), z.string().transform((v) => v.split(/\r?\n/))])
  .transform((list) => list.map((s) => s.trim()).filter((s) => s !== ''))
  .pipe(
    z
      .array(z.string().max(limits.selection, `A selection is at most ${limits.selection} characters.`))
      .max(limits.selections, `A press has at most ${limits.selections} selections.`),
  );

export const sampleRulePressSchema = z.object({
  message: z.string().max(200_000, 'Keep the sample message under 200,000 characters.').refine((v) => v.trim() !== '', 'Type a sample message, as an end user would.'),
  selections: selections.default([]),
  name: text('The name', limits.name),
  email: text('The email', limits.email),
  hostname: text('The computer name', limits.hostField),
  username: text('The user name', limits.hostField),
  ip: text('The IP address', limits.hostField),
  mac: text('The MAC address', limits.hostField),
  os: text('The operating system', limits.hostField),
  company: text('The company', 200),
  registered: z.boolean().default(false),
});

const startName = z.string().max(200, 'A name is at most 200 characters.');
const startNameOrNumber = z.union([z.number().int('Use a whole number or a name.'), startName]);
const startText = (label: string, max: number) => z.string().max(max, `${label} is at most ${max.toLocaleString('en-US')} characters.`);

/** Starting values in place of the saved defaults; the same names rules use. Unknown names are refused. */
export const ruleStartingValuesSchema = z.strictObject({
  priority: startNameOrNumber.optional(),
  impact: startNameOrNumber.optional(),
  urgency: startNameOrNumber.optional(),
  board: startName.optional(),
  state: startName.optional(),
  team: startName.optional(),
  type: startName.optional(),
  subtype: startName.optional(),
  item: startName.optional(),
  source: startName.optional(),
  owner: startName.optional(),
  msg: startText('The message', 200_000).optional(),
  subject: startText('The subject', 1_000).optional(),
  append: startText('append', 10_000).optional(),
  priv_append: startText('priv_append', 10_000).optional(),
  exception: startText('exception', 1_000).nullable().optional(),
});

export const testRulesBodySchema = z.object({ source, sample: sampleRulePressSchema, start: ruleStartingValuesSchema.default({}) });

export const ruleVersionParamSchema = z.coerce.number('The version must be a number.').int('The version must be a whole number.').positive('Versions start at 1.');

export const ruleVersionsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.coerce.number().int().positive().optional(),
});
