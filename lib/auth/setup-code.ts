import 'server-only';
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { createAdminUser, hasAnyAdmin, parseAdminEmail, type AdminUser, AdminUserError } from './admin-users';
import { checkPasswordStrength } from './passwords';

/**
 * First run has no default password: while no admin exists, each start prints a fresh
 * one-time code (only its hash is stored) that lets one person create the first admin.
 */

export const SETUP_CODE_SETTING = 'auth.setup_code';
// No 0/O, 1/I: the code is read off a terminal and typed by hand. 32 symbols x 12 = 60 bits.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 3;
const GROUP_LENGTH = 4;

const storedCodeSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), createdAt: z.string() });

export function generateSetupCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g += 1) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** People paste with spaces, type lower case, or drop the dashes. */
export function normalizeSetupCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function hashSetupCode(code: string): string {
  // 60 random bits behind a login throttle: a fast hash is enough, as for agent tokens.
  return createHash('sha256').update(normalizeSetupCode(code), 'utf8').digest('hex');
}

/** Replaces the stored code and returns the new one, or returns null (and forgets any code) once an admin exists. */
export async function issueSetupCode(db: DeskbellDatabase): Promise<string | null> {
  if (await hasAnyAdmin(db)) {
    await db.deleteFrom('settings').where('key', '=', SETUP_CODE_SETTING).execute();
    return null;
  }
  const code = generateSetupCode();
  await writeSetting(db, SETUP_CODE_SETTING, storedCodeSchema, { hash: hashSetupCode(code), createdAt: new Date().toISOString() });
  return code;
}

/** True once for the right code: a match deletes it. */
export async function consumeSetupCode(db: DeskbellDatabase, code: string): Promise<boolean> {
  const stored = await readSetting(db, SETUP_CODE_SETTING, storedCodeSchema);
  if (!stored || normalizeSetupCode(code).length !== GROUPS * GROUP_LENGTH) return false;
  const matches = timingSafeEqual(Buffer.from(stored.hash, 'hex'), Buffer.from(hashSetupCode(code), 'hex'));
  if (!matches) return false;
  const deleted = await db.deleteFrom('settings').where('key', '=', SETUP_CODE_SETTING).where('value', '=', JSON.stringify(stored)).executeTakeFirst();
  // Two requests racing with the same code: only the one that deleted the row wins.
  return Number(deleted.numDeletedRows) === 1;
}

export type FirstAdminInput = { setupCode: string; email: string; name?: string | null; password: string };

export class SetupCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupCodeError';
  }
}

/**
 * Creates the first admin with the setup code. Input is checked before the code is used,
 * so a typo in the email or a weak password does not burn it; the code and the new user
 * are committed together.
 */
export async function createFirstAdmin(db: DeskbellDatabase, input: FirstAdminInput): Promise<AdminUser> {
  const email = parseAdminEmail(input.email);
  const strength = checkPasswordStrength(input.password, { email });
  if (!strength.ok) throw new AdminUserError('password', strength.message);
  return db.transaction().execute(async (trx) => {
    if (await hasAnyAdmin(trx)) throw new SetupCodeError('An admin already exists. Sign in instead.');
    if (!(await consumeSetupCode(trx, input.setupCode))) {
      throw new SetupCodeError('That setup code is not valid. Use the code printed in the server log at the latest start.');
    }
    return createAdminUser(trx, { email, name: input.name ?? null, password: input.password }, 'setup-code');
  });
}
