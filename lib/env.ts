/**
 * The only reader of process.env. Server values are parsed lazily (so `next build`
 * does not need a configured install) and validated with zod; client values are the
 * NEXT_PUBLIC_ ones that Next.js inlines into browser bundles.
 */
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const serverSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  CI: z
    .string()
    .optional()
    .transform((v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'),
  PORT: port.default(3000),
  DESKBELL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalText,
  DESKBELL_PUBLIC_URL: z.url().optional(),
  DESKBELL_SECRET_KEY: optionalText,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),

  MANAGE_ENDPOINT: optionalText,
  MANAGE_API_KEY: optionalText,
  MANAGE_CLIENT_ID: optionalText,
  MANAGE_API_VERSION: z
    .string()
    .regex(/^\d{4}\.\d{1,2}$/, 'MANAGE_API_VERSION looks like 2026.11')
    .default('2026.11'),
  MANAGE_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  MANAGE_HEADERS_TIMEOUT_MS: positiveInt.default(15_000),
  MANAGE_BODY_TIMEOUT_MS: positiveInt.default(30_000),
  MANAGE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  MANAGE_SETUP_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(300),

  PRESS_MAX_BODY_BYTES: positiveInt.default(25 * 1024 * 1024),
  PRESS_MAX_FILE_BYTES: positiveInt.default(10 * 1024 * 1024),
  PRESS_MAX_FILES: positiveInt.default(20),
  PRESS_MAX_IMAGE_PIXELS: positiveInt.default(40_000_000),
  PRESS_MAX_MESSAGE_CHARS: positiveInt.default(32_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  RETENTION_DAYS: positiveInt.default(90),

  // Ticket defaults and the unregistered catch-all, until the setup wizard stores them.
  DESKBELL_DEFAULT_BOARD: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_STATUS: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_TYPE: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_SUBTYPE: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_ITEM: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_TEAM: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_PRIORITY: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_SOURCE: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_OWNER: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_IMPACT: z.string().trim().min(1).default('__default__'),
  DESKBELL_DEFAULT_SEVERITY: z.string().trim().min(1).default('__default__'),
  DESKBELL_UNREGISTERED_EMAIL: z.email().default('unregistered@helpdeskbuttons.com'),
  /** The choices the web press page offers, separated by `|` (labels may contain commas). */
  DESKBELL_PRESS_SELECTIONS: z
    .string()
    .default("This is an emergency|I can't work at all|Printer or scanner|Email or Outlook|New user or password")
    .transform((v) => v.split('|').map((s) => s.trim()).filter(Boolean)),

  SIM_HOST: z.string().min(1).default('127.0.0.1'),
  SIM_PORT: port.default(8123),

  CHROMIUM_PATH: optionalText,
});

export type ServerEnv = z.infer<typeof serverSchema>;

let cachedServerEnv: ServerEnv | undefined;

/** Parses the server environment once; a bad value stops start-up with every problem listed. */
export function serverEnv(): ServerEnv {
  if (typeof window !== 'undefined') {
    throw new Error('serverEnv() was called in the browser; use clientEnv instead');
  }
  if (!cachedServerEnv) cachedServerEnv = parseServerEnv(process.env);
  return cachedServerEnv;
}

export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = serverSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

const clientSchema = z.object({
  NEXT_PUBLIC_APP_NAME: z.string().default('Deskbell'),
});

/** Values safe to ship to browsers. Each is referenced literally so Next.js can inline it. */
export const clientEnv = clientSchema.parse({
  NEXT_PUBLIC_APP_NAME: process.env.NEXT_PUBLIC_APP_NAME,
});

/**
 * The environment handed to child processes this project starts (Next.js, the simulator,
 * Prism, the rule sandbox later gets an EMPTY one instead). Overrides win; undefined unsets.
 */
export function environmentForChild(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = { ...process.env, ...overrides };
  // The cast only satisfies Next's typing of NODE_ENV; the child gets exactly these entries.
  return Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ) as NodeJS.ProcessEnv;
}
