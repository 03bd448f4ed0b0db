import 'server-only';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Admin passwords: scrypt with a per-user salt, stored self-describing as
 * `scrypt$N$r$p$<salt base64>$<hash base64>` so the cost can rise later without breaking
 * stored hashes.
 */

const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// A tampered row must not be able to make verification cost minutes or gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 4;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function deriveKey(password: string, salt: Buffer, cost: { N: number; r: number; p: number }, keyBytes: number): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, COST, KEY_BYTES);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

type ParsedHash = { N: number; r: number; p: number; salt: Buffer; key: Buffer };

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,8}$/.test(v) ? Number(v) : NaN)) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !(r >= 1 && r <= MAX_R) || !(p >= 1 && p <= MAX_P)) return null;
  if (salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { N, r, p, salt, key };
}

/** False for a wrong password and for a hash that is malformed or was tampered with. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const candidate = await deriveKey(password, parsed.salt, parsed, parsed.key.length);
  return timingSafeEqual(candidate, parsed.key);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check when there is no user (or no password) to check,
 * so response time does not tell which emails are admins.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummyHash);
  return false;
}

// Lower-cased; long enough to pass the length rule, yet the first guesses of any attacker.
const COMMON_PASSWORDS = new Set([
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'password1234!',
  'p@ssw0rd1234',
  'p@ssword1234',
  'administrator',
  'administrator1',
  'admin1234567',
  'adminadminadmin',
  'qwertyuiop12',
  'qwertyuiopas',
  'qwerty123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'iloveyou1234',
  'welcome12345',
  'welcome123456',
  'letmein12345',
  'changeme1234',
  'changeme123!',
  'deskbell1234',
  'deskbelladmin',
  'connectwise1',
  'connectwise123',
  'helpdesk1234',
  'abcdefghijkl',
  'abc123abc123',
  'trustno11234',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'monkey123456',
  'dragon123456',
  'princess1234',
  'summer2024!!',
  'winter2024!!',
]);

const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '0123456789'.repeat(4), 'qwertyuiopasdfghjklzxcvbnm'];

function isSimplePattern(lower: string): boolean {
  if (new Set(lower).size <= 3) return true;
  const doubled = SEQUENCES.flatMap((s) => [s, [...s].reverse().join('')]);
  return doubled.some((seq) => seq.includes(lower));
}

export type PasswordCheck = { ok: true } | { ok: false; message: string };

/** Length and a refusal of the first passwords an attacker tries; messages are shown to the person choosing. */
export function checkPasswordStrength(password: string, context: { email?: string } = {}): PasswordCheck {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${password.length}). A few unrelated words make a good password.` };
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return { ok: false, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || isSimplePattern(lower)) {
    return { ok: false, message: 'This password is one of the first an attacker would try. Choose something less common, for example a few unrelated words.' };
  }
  const local = context.email?.trim().toLowerCase().split('@')[0] ?? '';
  // Short name parts ("jo") would refuse half of all good passwords.
  if (local.length >= 4 && lower.includes(local)) {
    return { ok: false, message: 'The password must not contain your email address or its name part.' };
  }
  return { ok: true };
}
