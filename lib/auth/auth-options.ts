import 'server-only';
import { hkdfSync } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit-log';
import { applyNextAuthUrl, serverEnv, type ServerEnv } from '@/lib/env';
import { findSecretKey } from '@/lib/secrets/secret-box';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';
import {
  createAdminUser,
  findActiveAdminById,
  findAdminByEmail,
  normalizeEmail,
  recordAdminLogin,
  verifyAdminPassword,
  type AdminUser,
} from './admin-users';
import { deriveDeviceKey, issueKnownDevice, KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_MAX_AGE_SECONDS, readCookie, readKnownDevice } from './known-device';
import {
  checkLoginThrottle,
  clearLoginThrottle,
  clientIpFromHeaders,
  minutesUntil,
  recordLoginFailure,
  signInThrottleKeys,
  throttlePolicyFromEnv,
  type ThrottlePolicy,
} from './login-throttle';

export type AdminSession = { userId: string; email: string; name: string | null };

declare module 'next-auth' {
  interface Session {
    admin?: AdminSession;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    /** The admin's session generation when the token was issued. */
    gen?: number;
    /** When the sign-in that issued this token happened, in seconds since the epoch; renewals keep it. */
    signedInAt?: number;
  }
}

export const OIDC_PROVIDER_ID = 'oidc';
/** The error code the sign-in form turns into "Too many attempts, try again in N minutes". */
export const TOO_MANY_ATTEMPTS = 'TooManyAttempts';
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** next-auth's JWT secret: NEXTAUTH_SECRET when set, else derived from DESKBELL_SECRET_KEY. Never a default. */
export function deriveAuthSecret(env: ServerEnv, findKey: (env: ServerEnv) => Buffer | null = findSecretKey): string {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const key = findKey(env);
  if (!key) {
    throw new Error(
      'Admin sign-in needs a secret: set DESKBELL_SECRET_KEY (32 random bytes, e.g. `openssl rand -base64 32`) or NEXTAUTH_SECRET, then restart Deskbell.',
    );
  }
  // A separate derived key: the session signer never holds the key that encrypts stored secrets.
  return Buffer.from(hkdfSync('sha256', key, 'deskbell', 'nextauth-session-v1', 32)).toString('base64url');
}

/** What stops admin sign-in from working, in words for the login page; null when it works. */
export function describeAuthConfigProblem(env: ServerEnv = serverEnv()): string | null {
  try {
    deriveAuthSecret(env);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : 'Admin sign-in is not configured.';
  }
}

export type OidcSettings = { displayName: string; wellKnown: string; clientId: string; clientSecret: string; allowedDomains: string[] };

/** OIDC is on when a discovery URL (or issuer), client id and secret are all set. */
export function readOidcSettings(env: ServerEnv): OidcSettings | null {
  const wellKnown =
    env.OIDC_WELL_KNOWN ?? (env.OIDC_ISSUER ? `${env.OIDC_ISSUER.replace(/\/+$/, '')}/.well-known/openid-configuration` : undefined);
  if (!wellKnown || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return null;
  return {
    displayName: env.OIDC_DISPLAY_NAME,
    wellKnown,
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    allowedDomains: env.OIDC_ALLOWED_DOMAINS,
  };
}

type OidcProfile = { sub: string; email?: string; preferred_username?: string; upn?: string; name?: string };

export function buildOidcProvider(settings: OidcSettings): OAuthConfig<OidcProfile> {
  return {
    id: OIDC_PROVIDER_ID,
    name: settings.displayName,
    type: 'oauth',
    wellKnown: settings.wellKnown,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile: (profile) => ({
      id: profile.sub,
      // Entra ID often omits `email`; its sign-in name is the address people use.
      email: profileEmail(profile),
      name: profile.name ?? null,
    }),
  };
}

function profileEmail(profile: OidcProfile): string | null {
  const candidate = profile.email ?? profile.preferred_username ?? profile.upn;
  return candidate && z.email().safeParse(candidate.trim()).success ? normalizeEmail(candidate) : null;
}

export type OidcDecision = { allowed: true; user: AdminUser } | { allowed: false; reason: 'no_email' | 'not_an_admin' | 'disabled' };

/**
 * Only known admins sign in through OIDC, plus people of an allowed domain, who become
 * OIDC-only admins (no password) at their first sign-in. A disabled admin stays out.
 */
export async function decideOidcSignIn(
  db: DeskbellDatabase,
  profile: { email: string | null; name: string | null },
  allowedDomains: string[],
): Promise<OidcDecision> {
  if (!profile.email) return { allowed: false, reason: 'no_email' };
  const existing = await findAdminByEmail(db, profile.email);
  if (existing) return existing.disabledAt ? { allowed: false, reason: 'disabled' } : { allowed: true, user: existing };
  const domain = profile.email.split('@')[1] ?? '';
  if (!allowedDomains.includes(domain)) return { allowed: false, reason: 'not_an_admin' };
  const user = await createAdminUser(db, { email: profile.email, name: profile.name, password: null }, `oidc:${profile.email}`);
  return { allowed: true, user };
}

export type PasswordSignIn =
  | { ok: true; user: AdminUser; knownDevice: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMinutes: number };

/** Who is trying: the address a trusted proxy saw (or null) and the known-device cookie as sent. */
export type SignInClient = { clientIp: string | null; deviceCookie?: string };

/**
 * The credentials check behind the sign-in form: throttle first (a locked key is refused
 * without looking at the password, so a lock does not let an attacker confirm a guess),
 * then the password; every outcome is counted and audited without the password. Which
 * counts apply (the device's own, or the email and client pair plus the address and a
 * per-email ceiling) is lib/auth/login-throttle.ts's signInThrottleKeys. A success returns
 * the known-device cookie value to set, so this browser has its own count from now on.
 */
export async function signInWithPassword(
  db: DeskbellDatabase,
  input: { email: string; password: string } & SignInClient,
  options: { policy: ThrottlePolicy; deviceKey: Buffer; now?: () => Date },
): Promise<PasswordSignIn> {
  const now = options.now ?? (() => new Date());
  const email = normalizeEmail(input.email).slice(0, 254);
  const device = readKnownDevice(options.deviceKey, input.deviceCookie, email, now().getTime());
  const { keys, clearOnSuccess } = signInThrottleKeys(email, { ip: input.clientIp, deviceId: device?.deviceId ?? null }, options.policy);
  const throttle = await checkLoginThrottle(db, keys, now());
  if (throttle.locked) return { ok: false, reason: 'locked', retryAfterMinutes: minutesUntil(throttle.retryAfterMs) };

  const user = await verifyAdminPassword(db, email, input.password);
  if (user) {
    await clearLoginThrottle(db, clearOnSuccess);
    return { ok: true, user, knownDevice: issueKnownDevice(options.deviceKey, email, now().getTime(), device?.deviceId) };
  }
  const failures = await recordLoginFailure(db, keys, now(), options.policy);
  const locked = (await checkLoginThrottle(db, keys, now())).locked;
  await recordAudit(db, {
    actor: 'anonymous',
    action: 'admin.signin.failed',
    target: email,
    details: { failures, locked, clientIp: input.clientIp, knownDevice: device !== null },
  });
  return { ok: false, reason: 'invalid' };
}

/** Sets the known-device cookie on the sign-in response (route handlers may set cookies through next/headers). */
async function setKnownDeviceCookie(value: string, secure: boolean): Promise<void> {
  const { cookies } = await import('next/headers');
  (await cookies()).set(KNOWN_DEVICE_COOKIE, value, {
    httpOnly: true,
    secure,
    sameSite: 'lax',
    // Only the sign-in route reads it.
    path: '/api/auth',
    maxAge: KNOWN_DEVICE_MAX_AGE_SECONDS,
  });
}

const credentialsSchema = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });

/**
 * Called for every session read: the token ends here when the admin is disabled or deleted,
 * when their session generation moved on (a password reset), or 12 hours after the sign-in
 * that issued it, however often it was renewed in between.
 */
export async function refreshAdminToken(db: DeskbellDatabase, token: JWT, now: () => number = Date.now): Promise<JWT> {
  const user = token.sub ? await findActiveAdminById(db, token.sub) : null;
  if (!user) throw new Error('AdminSessionEnded');
  if (token.gen !== user.sessionGeneration) throw new Error('AdminSessionEnded');
  if (typeof token.signedInAt !== 'number' || now() - token.signedInAt * 1000 >= SESSION_MAX_AGE_SECONDS * 1000) {
    throw new Error('AdminSessionEnded');
  }
  return { ...token, email: user.email, name: user.name };
}

/** The claims a fresh sign-in puts in the token: whose, under which session generation, since when. */
export function issueAdminToken(token: JWT, admin: AdminUser, now: () => number = Date.now): JWT {
  return { ...token, sub: admin.id, email: admin.email, name: admin.name, gen: admin.sessionGeneration, signedInAt: Math.floor(now() / 1000) };
}

export function toAdminSession(token: JWT): AdminSession | null {
  if (!token.sub || !token.email) return null;
  return { userId: token.sub, email: token.email, name: token.name ?? null };
}

export function buildAuthOptions(
  env: ServerEnv,
  openDb: () => Promise<DeskbellDatabase> = getDatabase,
  rememberDevice: (value: string, secure: boolean) => Promise<void> = setKnownDeviceCookie,
): NextAuthOptions {
  const oidc = readOidcSettings(env);
  const policy = throttlePolicyFromEnv(env);
  const publicUrl = env.NEXTAUTH_URL ?? env.DESKBELL_PUBLIC_URL ?? '';
  const secret = deriveAuthSecret(env);
  const deviceKey = deriveDeviceKey(secret);

  const credentials = CredentialsProvider({
    id: 'credentials',
    name: 'Email and password',
    credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
    async authorize(raw, req) {
      const parsed = credentialsSchema.safeParse(raw);
      if (!parsed.success) return null;
      const db = await openDb();
      const headers = (req.headers ?? {}) as Record<string, string | string[] | undefined>;
      const result = await signInWithPassword(
        db,
        { ...parsed.data, clientIp: clientIpFromHeaders(headers, env.TRUST_PROXY), deviceCookie: readCookie(headers.cookie, KNOWN_DEVICE_COOKIE) },
        { policy, deviceKey },
      );
      if (result.ok) {
        await rememberDevice(result.knownDevice, publicUrl.startsWith('https://'));
        return { id: result.user.id, email: result.user.email, name: result.user.name };
      }
      // next-auth passes a thrown message to the form as its error code.
      if (result.reason === 'locked') throw new Error(`${TOO_MANY_ATTEMPTS}:${result.retryAfterMinutes}`);
      return null;
    },
  });

  return {
    secret,
    debug: false,
    useSecureCookies: publicUrl.startsWith('https://'),
    // Both: next-auth's JWT keeps its own 30-day expiry unless told otherwise.
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/login', error: '/login' },
    providers: oidc ? [credentials, buildOidcProvider(oidc)] : [credentials],
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const db = await openDb();
        const decision = await decideOidcSignIn(db, { email: user.email ?? null, name: user.name ?? null }, oidc?.allowedDomains ?? []);
        if (!decision.allowed) {
          await recordAudit(db, { actor: 'anonymous', action: 'admin.signin.denied', target: user.email ?? undefined, details: { provider: OIDC_PROVIDER_ID, reason: decision.reason } });
        }
        return decision.allowed;
      },
      async jwt({ token, user, account }) {
        const db = await openDb();
        if (!user) return refreshAdminToken(db, token);
        // First call after a sign-in: the session is keyed to the admin row, whatever the provider's user id.
        const admin = account?.provider === OIDC_PROVIDER_ID ? await findAdminByEmail(db, user.email ?? '') : await findActiveAdminById(db, user.id);
        if (!admin || admin.disabledAt) throw new Error('AdminSessionEnded');
        await recordAdminLogin(db, admin.id);
        await recordAudit(db, { actor: admin.email, action: 'admin.signin', target: admin.email, details: { provider: account?.provider ?? 'credentials' } });
        return issueAdminToken(token, admin);
      },
      session({ session, token }) {
        return { ...session, admin: toAdminSession(token) ?? undefined };
      },
    },
    // next-auth's own logger prints whole error objects; these lines carry the code and message only.
    logger: {
      error: (code, metadata) => {
        const error = metadata instanceof Error ? metadata : metadata.error;
        console.error(`[auth] ${code}${error instanceof Error ? `: ${error.message}` : ''}`);
      },
      warn: (code) => console.warn(`[auth] ${code}`),
      debug: () => undefined,
    },
  };
}

let cached: NextAuthOptions | undefined;

/** Built on first use, not at import: `next build` loads the route without any secret. */
export function getAuthOptions(): NextAuthOptions {
  if (!cached) {
    const env = serverEnv();
    applyNextAuthUrl(env);
    cached = buildAuthOptions(env);
  }
  return cached;
}
