import 'server-only';
import { hkdfSync } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import { serverEnv } from '@/lib/env';
import { loadSecretKey } from '@/lib/secrets/secret-box';

/**
 * The pod's bearer token: an iron-session seal (AES-256-CBC + HMAC-SHA256) of who the member
 * is, which install's Manage company proved them, what they may see and until when. The pod
 * holds it in memory (cookies inside Manage's iframe are third-party) and sends it as
 * `Authorization: Bearer`. Nothing is stored server-side: expiry is the only revocation, so
 * the lifetime is short (POD_TOKEN_TTL_SECONDS) and each renewal proves the member again.
 */

const claimsSchema = z
  .object({
    v: z.literal(1),
    member: z.object({ id: z.number().int(), identifier: z.string().min(1).max(100), name: z.string().max(200) }).strict(),
    /** The install's Manage company id when the token was made; a changed connection voids it. */
    companyId: z.string().min(1).max(100),
    scope: z.object({ screen: z.enum(['ticket', 'company']), id: z.number().int().positive() }).strict(),
    /** Expiry, epoch seconds. */
    exp: z.number().int().positive(),
  })
  .strict();

export type PodTokenClaims = z.infer<typeof claimsSchema>;
export type PodTokenSubject = Omit<PodTokenClaims, 'v' | 'exp'>;

export type PodTokenOptions = {
  /** Defaults to the one derived from DESKBELL_SECRET_KEY. */
  password?: string;
  now?: () => number;
  /** Defaults to POD_TOKEN_TTL_SECONDS. */
  ttlSeconds?: number;
};

/** Longer than any seal of our claims; anything bigger is not ours and is not even unsealed. */
const MAX_TOKEN_CHARS = 4_096;
/**
 * Exactly what sealData writes (iron `Fe26.2`, password id, salts, iv, data, expiry, hmac, then
 * iron-session's `~2`). iron-session itself reads `~2x` as `~2`: only this one spelling is accepted.
 */
const TOKEN_SHAPE = /^Fe26\.2\*\d+\*[0-9a-f]+\*[\w-]+\*[\w-]+\*\d*\*[0-9a-f]+\*[\w-]+~2$/;

/**
 * iron-session wants a password of at least 32 characters. Derived (HKDF-SHA256, own label)
 * rather than the raw key: the same key also seals stored secrets and signs admin sessions,
 * and a token must never be openable as one of those or the other way round.
 */
export function podTokenPassword(secretKey: Buffer): string {
  return Buffer.from(hkdfSync('sha256', secretKey, 'deskbell', 'pod-token-v1', 32)).toString('base64url');
}

let cachedPassword: string | undefined;

function defaultPassword(): string {
  cachedPassword ??= podTokenPassword(loadSecretKey());
  return cachedPassword;
}

export async function sealPodToken(
  subject: PodTokenSubject,
  options: PodTokenOptions = {},
): Promise<{ token: string; expiresAt: string; claims: PodTokenClaims }> {
  const ttlSeconds = options.ttlSeconds ?? serverEnv().POD_TOKEN_TTL_SECONDS;
  const nowMs = (options.now ?? Date.now)();
  const claims = claimsSchema.parse({ v: 1, ...subject, exp: Math.floor(nowMs / 1000) + ttlSeconds });
  // iron's own expiry is a second fence; its clock skew allowance (60 s) is why `exp` is checked here too.
  const token = await sealData(claims, { password: options.password ?? defaultPassword(), ttl: ttlSeconds });
  return { token, expiresAt: new Date(claims.exp * 1000).toISOString(), claims };
}

/** The claims of a genuine, unexpired token; null for anything else (never says which). */
export async function openPodToken(token: string, options: Pick<PodTokenOptions, 'password' | 'now'> = {}): Promise<PodTokenClaims | null> {
  if (token.length > MAX_TOKEN_CHARS || !TOKEN_SHAPE.test(token)) return null;
  let data: unknown;
  try {
    // unsealData answers {} for a bad HMAC or an expired seal, and throws for some malformed ones.
    data = await unsealData(token, { password: options.password ?? defaultPassword() });
  } catch {
    return null;
  }
  const parsed = claimsSchema.safeParse(data);
  if (!parsed.success) return null;
  const nowMs = (options.now ?? Date.now)();
  return nowMs < parsed.data.exp * 1000 ? parsed.data : null;
}

/** `Authorization: Bearer <token>`; null for no header or any other scheme. */
export function readBearerToken(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (header === null) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9*~._+/=-]+)[ ]*$/i.exec(header);
  return match ? match[1]! : null;
}

/** The claims of the request's bearer token, or a 401 (missing, tampered, expired: one answer). */
export async function requirePodToken(request: Request, options: Pick<PodTokenOptions, 'password' | 'now'> = {}): Promise<PodTokenClaims> {
  const token = readBearerToken(request);
  const claims = token === null ? null : await openPodToken(token, options);
  if (!claims) {
    throw new DeskbellApiError('unauthorized', 'This pod needs a valid session: reopen the ticket in Manage to sign in again.');
  }
  return claims;
}
