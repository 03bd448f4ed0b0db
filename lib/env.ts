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

/** An optional URL: empty (or blank) is unset, like every other optional variable, never "Invalid URL". */
const optionalUrl = optionalText.pipe(z.url().optional());
/** An empty variable (`FOO=` in a .env file) means unset, so its default applies. */
const emptyAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false');
const emailDomains = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
      .filter(Boolean),
  );

/**
 * `https://host[:port]` exactly as a browser reports `event.origin` and compares
 * frame-ancestors: no path, query, user or trailing slash, http(s) only.
 */
export function isExactWebOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

const serverSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  CI: flag,
  /** Demo mode (`npm run demo`, e2e): generates the secret key into the data directory. */
  DESKBELL_DEMO: flag,
  /**
   * The simulator member the demo Manage frame (/demo/manage/...) signs the pod in as:
   * `identifier:hash`. Demo mode only; unset, the demo frame says how to set it.
   */
  DESKBELL_DEMO_MEMBER: optionalText.pipe(
    z
      .string()
      .regex(/^[^:\s]+:\S+$/, 'DESKBELL_DEMO_MEMBER is identifier:hash, e.g. jsmith:demo-hash-jsmith-7f3a9c')
      .optional(),
  ),
  /**
   * Manage web UI origins allowed to frame the pod besides the one derived from the stored
   * connection (e.g. a second regional host): comma-separated exact origins, no path.
   */
  MANAGE_UI_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(isExactWebOrigin, 'MANAGE_UI_ORIGINS holds exact origins such as https://na.myconnectwise.net (scheme and host, no path)'))),
  PORT: port.default(3000),
  DESKBELL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalText,
  // PostgreSQL only (DATABASE_URL=postgres://…); SQLite ignores these.
  /** Connections each instance may hold open; the server's max_connections is shared by every instance. */
  DATABASE_POOL_MAX: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(200).default(10)),
  /** An idle connection is closed after this long. */
  DATABASE_POOL_IDLE_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1_000).max(3_600_000).default(30_000)),
  /** How long to wait for a new connection (or a free one from a full pool) before failing. */
  DATABASE_CONNECT_TIMEOUT_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(100).max(120_000).default(10_000)),
  /**
   * TLS to the database: disable, require (encrypted, certificate not checked), verify-ca or
   * verify-full (checked against DATABASE_SSL_CA or the system's CAs). Unset: the URL's sslmode, else disable.
   */
  DATABASE_SSL: optionalText.pipe(z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional()),
  /** A PEM file of the CA that signed the database's certificate (managed databases publish one). */
  DATABASE_SSL_CA: optionalText,
  DESKBELL_PUBLIC_URL: optionalUrl,
  /** 32 bytes as base64 or hex; encrypts stored secrets and, unless NEXTAUTH_SECRET is set, signs admin sessions. */
  DESKBELL_SECRET_KEY: optionalText,

  // Admin sign-in. next-auth reads NEXTAUTH_URL itself; it defaults to DESKBELL_PUBLIC_URL.
  NEXTAUTH_URL: optionalUrl,
  NEXTAUTH_SECRET: optionalText.pipe(z.string().min(32, 'NEXTAUTH_SECRET must be at least 32 characters').optional()),
  /** Optional OpenID Connect sign-in (e.g. Microsoft Entra ID): issuer or discovery URL, client id and secret. */
  OIDC_ISSUER: optionalUrl,
  OIDC_WELL_KNOWN: optionalUrl,
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_DISPLAY_NAME: z.string().trim().min(1).default('Microsoft Entra ID'),
  /** Comma-separated email domains whose users may sign in through OIDC without being added first. */
  OIDC_ALLOWED_DOMAINS: emailDomains,
  /** How many reverse proxies in front of Deskbell append to X-Forwarded-For (0: none is trusted). */
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (!v || v.toLowerCase() === 'false' ? '0' : v.toLowerCase() === 'true' ? '1' : v))
    .pipe(z.string().regex(/^\d{1,2}$/, 'TRUST_PROXY is the number of proxies in front of Deskbell (0 to 10), or true/false'))
    .transform(Number)
    .pipe(z.number().int().max(10, 'TRUST_PROXY is at most 10')),
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  LOGIN_WINDOW_MINUTES: positiveInt.default(15),
  LOGIN_LOCK_MINUTES: positiveInt.default(15),
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

  // Dispatcher rules sandbox (lib/rules/engine/python-engine.ts).
  /** Warm Pyodide sandbox processes for presses (plus one warm spare); each runs one rule evaluation at a time. */
  RULES_POOL_SIZE: z.coerce.number().int().min(1).max(16).default(1),
  /** Sandbox processes for the Rules step's test runs; each serves one run and is replaced. */
  RULES_TEST_POOL_SIZE: z.coerce.number().int().min(1).max(8).default(2),
  /** Longest one evaluation may run before its process is killed and replaced. */
  RULES_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Memory cap per sandbox, applied to the JavaScript heap and, separately, to the Python heap. */
  RULES_HEAP_MB: z.coerce.number().int().min(96).max(4_096).default(256),
  /** What the rules may print per evaluation; the rest is cut with a note. */
  RULES_OUTPUT_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(16 * 1024 * 1024).default(64 * 1024),

  // Manage callbacks and end-user notifications (lib/notifications).
  /** Largest callback body accepted; Manage's ticket JSON is a few KB. */
  CALLBACK_MAX_BODY_BYTES: z.coerce.number().int().min(1_024).max(10 * 1024 * 1024).default(256 * 1024),
  /** e-mail notifications: `smtp://user:pass@host:587` or `smtps://…:465`. Unset: no e-mail is sent. */
  SMTP_URL: optionalText.refine((v) => v === undefined || /^smtps?:\/\/\S+$/i.test(v), 'must be smtp://… or smtps://…'),
  /** The From of notification e-mails. */
  NOTIFY_EMAIL_FROM: z.string().trim().min(3).default('Deskbell <deskbell@localhost>'),

  // The Manage pod (lib/pod).
  /** How long a pod's bearer token lives; the pod asks Manage again and renews at about 80% of it. */
  POD_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(600),

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

/**
 * Deskbell's public URL: what browsers, agents and Manage use to reach this server.
 * DESKBELL_PUBLIC_URL when set, else this process on loopback (a local install, the demo).
 */
export function deskbellPublicUrl(env: Pick<ServerEnv, 'DESKBELL_PUBLIC_URL' | 'PORT'> = serverEnv()): string {
  return env.DESKBELL_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;
}

const testHarnessSchema = z.object({
  /** First of the four loopback ports the e2e stack uses (tests/e2e/e2e-stack.ts); `npm test` picks a free block. */
  DESKBELL_E2E_PORT: port.max(65532).default(3100),
  /** The engine tests/support/test-database.ts opens for tests that do not pick one: sqlite (in memory) or postgres. */
  DESKBELL_TEST_DATABASE: optionalText.pipe(z.enum(['sqlite', 'postgres']).default('sqlite')),
  /** A running PostgreSQL to use instead of a throw-away cluster (a superuser URL; tests create and drop databases in it). */
  DESKBELL_TEST_POSTGRES_URL: optionalText.pipe(z.string().regex(/^postgres(ql)?:\/\//i, 'DESKBELL_TEST_POSTGRES_URL is a postgres:// URL').optional()),
});

/** Settings of the test harness only (never read by the app). */
export function testHarnessEnv(): z.infer<typeof testHarnessSchema> {
  return testHarnessSchema.parse(process.env);
}

const clientSchema = z.object({
  NEXT_PUBLIC_APP_NAME: z.string().default('Deskbell'),
});

/** Values safe to ship to browsers. Each is referenced literally so Next.js can inline it. */
export const clientEnv = clientSchema.parse({
  NEXT_PUBLIC_APP_NAME: process.env.NEXT_PUBLIC_APP_NAME,
});

/**
 * next-auth reads NEXTAUTH_URL from process.env on every request and falls back to
 * http://localhost:3000 without it; installs set one URL (DESKBELL_PUBLIC_URL), so mirror it.
 */
export function applyNextAuthUrl(env: ServerEnv = serverEnv()): void {
  if (!process.env.NEXTAUTH_URL && env.DESKBELL_PUBLIC_URL) process.env.NEXTAUTH_URL = env.DESKBELL_PUBLIC_URL;
}

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
