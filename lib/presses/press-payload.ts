/**
 * The press document, schema v1: strict about types, generous about optional fields.
 *
 * - Optional text may be absent, null or blank; all three mean "not given". Text is trimmed;
 *   emoji, RTL text and every other Unicode character are kept as sent.
 * - NUL characters are REFUSED (422 naming the field), not stripped: they only come from a
 *   broken agent or script, and silently changing what the user sent hides that bug. Lone
 *   UTF-16 surrogates are refused for the same reason (they cannot be stored as UTF-8).
 * - Unknown keys are ignored, so a newer v1 agent that adds an optional field still works
 *   against an older server; anything incompatible must bump `v`.
 * - `append` is a list of texts; a single string is accepted as a list of one, because the
 *   incumbent's agents send one text value.
 *
 * Stored as `presses.payload` (the press store parses it back); the request bodies that carry
 * it are lib/intake/press-schema.ts.
 */
import { z } from 'zod';

export const PRESS_SCHEMA_VERSION = 1;

export const pressTextLimits = {
  name: 200,
  email: 254,
  phone: 50,
  extension: 20,
  businessName: 200,
  selection: 200,
  selections: 100,
  hostField: 255,
  appendText: 20_000,
  appendTexts: 20,
  customKey: 100,
  customText: 2_000,
  customFields: 50,
  filename: 1_000,
  contentType: 255,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function safeText(max: number) {
  return z
    .string()
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((v) => !v.includes('\u0000'), { error: 'must not contain NUL characters (\\u0000)' })
    .refine((v) => !LONE_SURROGATE.test(v), { error: 'contains an invalid (lone surrogate) character' });
}

export function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

function optionalText(max: number) {
  return z.preprocess(blankToUndefined, safeText(max).optional());
}

export function nullToUndefined(value: unknown): unknown {
  return value === null ? undefined : value;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const hostSchema = z.object({
  hostname: optionalText(pressTextLimits.hostField),
  username: optionalText(pressTextLimits.hostField),
  domain: optionalText(pressTextLimits.hostField),
  localIp: optionalText(pressTextLimits.hostField),
  mac: optionalText(pressTextLimits.hostField),
  os: optionalText(pressTextLimits.hostField),
  agentVersion: optionalText(pressTextLimits.hostField),
});

const customKey = z
  .string()
  .trim()
  .min(1, { error: 'custom field names must not be blank' })
  .max(pressTextLimits.customKey, { error: `custom field names are at most ${pressTextLimits.customKey} characters` })
  .refine((v) => !v.includes('\u0000') && !LONE_SURROGATE.test(v), { error: 'custom field names must be valid text without NUL' });

const customSchema = z
  .record(customKey, z.union([safeText(pressTextLimits.customText), z.number(), z.boolean()]))
  .refine((v) => Object.keys(v).length <= pressTextLimits.customFields, {
    error: `at most ${pressTextLimits.customFields} custom fields`,
  });

export type PressFieldLimits = { maxMessageChars: number };

export function pressFieldsShape(limits: PressFieldLimits) {
  return {
    v: z.literal(PRESS_SCHEMA_VERSION, {
      error: `must be ${PRESS_SCHEMA_VERSION}: this server speaks press schema v${PRESS_SCHEMA_VERSION}`,
    }),
    name: optionalText(pressTextLimits.name),
    email: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(pressTextLimits.email, { error: `must be at most ${pressTextLimits.email} characters` })
        .pipe(z.email({ error: 'is not a valid email address' }))
        .optional(),
    ),
    phone: optionalText(pressTextLimits.phone),
    extension: optionalText(pressTextLimits.extension),
    cell: optionalText(pressTextLimits.phone),
    businessName: optionalText(pressTextLimits.businessName),
    message: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
      .trim()
      .min(1, { error: 'must not be empty' })
      .refine((v) => countCodePoints(v) <= limits.maxMessageChars, {
        error: `must be at most ${limits.maxMessageChars} characters`,
      })
      .refine((v) => !v.includes('\u0000'), { error: 'must not contain NUL characters (\\u0000)' })
      .refine((v) => !LONE_SURROGATE.test(v), { error: 'contains an invalid (lone surrogate) character' }),
    selections: z.preprocess(
      nullToUndefined,
      z
        .array(safeText(pressTextLimits.selection).min(1, { error: 'a selection must not be blank' }))
        .max(pressTextLimits.selections, { error: `at most ${pressTextLimits.selections} selections` })
        .default([]),
    ),
    host: z.preprocess(nullToUndefined, hostSchema.default({})),
    append: z.preprocess(
      (v) => (typeof v === 'string' ? [v] : nullToUndefined(v)),
      z
        .array(safeText(pressTextLimits.appendText))
        .max(pressTextLimits.appendTexts, { error: `at most ${pressTextLimits.appendTexts} append texts` })
        .default([])
        .transform((texts) => texts.filter((t) => t !== '')),
    ),
    custom: z.preprocess(nullToUndefined, customSchema.default({})),
  };
}

/** The stored press: what the pipeline reads back from `presses.payload`. */
export function createPressPayloadSchema(limits: PressFieldLimits) {
  return z.object(pressFieldsShape(limits));
}

export type PressPayload = z.infer<ReturnType<typeof createPressPayloadSchema>>;
export type PressHost = PressPayload['host'];

// Limits were enforced when the press was accepted; an admin lowering one later must not
// make a stored press unreadable, so the message limit is not applied on the way back.
const storedPayloadSchema = createPressPayloadSchema({ maxMessageChars: Number.MAX_SAFE_INTEGER });

/** Reads a stored payload back (throws when it does not parse). */
export function readStoredPressPayload(json: string): PressPayload {
  return storedPayloadSchema.parse(JSON.parse(json));
}

/** A stored payload for display: null instead of an error when a row no longer parses. */
export function readPayload(json: string): PressPayload | null {
  try {
    const parsed = storedPayloadSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The stored payload as a result, for the pipeline to say why a press is unreadable. */
export function parseStoredPressPayload(payload: unknown) {
  return storedPayloadSchema.safeParse(payload);
}
