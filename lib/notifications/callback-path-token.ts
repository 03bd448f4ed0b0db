import 'server-only';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { loadSecretKey, openSecret, sealSecret } from '@/lib/secrets/secret-box';
import { readSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';

/**
 * The unguessable part of the callback URL, one per install. Manage's signature is the real
 * proof; the path token keeps strangers from reaching the signature check (and its key fetch)
 * at all. It is kept sealed, because registering or repairing a callback writes it again,
 * and compared by its hash in constant time.
 */

const SETTING = 'callbacks.pathToken';
const SEAL_CONTEXT = 'callbacks.pathToken';
const storedSchema = z.object({ sealed: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function getOrCreateCallbackPathToken(db: DeskbellDatabase): Promise<string> {
  const stored = await readSetting(db, SETTING, storedSchema);
  const secretKey = loadSecretKey();
  if (stored) return openSecret(stored.sealed, secretKey, SEAL_CONTEXT);
  const token = randomBytes(32).toString('base64url');
  const value = JSON.stringify(storedSchema.parse({ sealed: sealSecret(token, secretKey, SEAL_CONTEXT), sha256: hashOf(token) }));
  // Two admins registering at once: the first insert wins and both use the stored token.
  await db
    .insertInto('settings')
    .values({ key: SETTING, value, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const winner = await readSetting(db, SETTING, storedSchema);
  return winner ? openSecret(winner.sealed, secretKey, SEAL_CONTEXT) : token;
}

/** False when no token exists yet: nothing was registered, so no callback is expected. */
export async function isCallbackPathToken(db: DeskbellDatabase, candidate: string): Promise<boolean> {
  const stored = await readSetting(db, SETTING, storedSchema);
  const given = Buffer.from(hashOf(TOKEN_SHAPE.test(candidate) ? candidate : `invalid:${candidate.slice(0, 100)}`), 'hex');
  const expected = Buffer.from(stored?.sha256 ?? hashOf(randomBytes(32).toString('base64url')), 'hex');
  return timingSafeEqual(given, expected) && stored !== undefined;
}

/** Manage appends the record id (and the action) to what we register. */
export function callbackUrlFor(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/connectwise/callback/${token}?recordId=`;
}
