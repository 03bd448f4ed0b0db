import 'server-only';
import { sql } from 'kysely';
import type { ServerEnv } from '@/lib/env';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { LoginThrottleTable } from '@/lib/store/schema';

/**
 * Failed sign-ins are counted in `login_throttle`; `maxFailures` failures inside one window
 * lock a key for `lockMs`. Emails are counted whether or not an admin has them, so a lock
 * reveals nothing about which accounts exist. What is counted (signInThrottleKeys):
 *
 * - from a known device (a genuine known-device cookie for this email, lib/auth/known-device.ts):
 *   that device's own count for that email, and nothing else. Nobody else's failures touch it,
 *   so a stranger can never lock an admin out of a browser they already signed in from.
 * - from any other client: the (email, client) pair, where the client is the address a trusted
 *   proxy saw (clientIpFromHeaders); per client address across all emails; and per email
 *   across all clients with a ceiling ten times higher, which bounds a guesser spread over many
 *   addresses. A stranger thus locks only their own pair and address; the real admin on
 *   another address (or a known device) still signs in. The ceiling can lock a real admin on a
 *   new device while a distributed attack runs; their known devices keep working.
 * A success clears the pair's (or the device's) count, never the address or ceiling counts.
 */

export type ThrottlePolicy = { maxFailures: number; windowMs: number; lockMs: number };
export type ThrottleState = Pick<LoginThrottleTable, 'failures' | 'window_started_at' | 'locked_until'>;
export type ThrottleDecision = { locked: false } | { locked: true; retryAfterMs: number };

const MINUTE = 60_000;

export function throttlePolicyFromEnv(env: ServerEnv): ThrottlePolicy {
  return {
    maxFailures: env.LOGIN_MAX_FAILURES,
    windowMs: env.LOGIN_WINDOW_MINUTES * MINUTE,
    lockMs: env.LOGIN_LOCK_MINUTES * MINUTE,
  };
}

export function evaluateThrottle(state: ThrottleState | undefined, now: Date): ThrottleDecision {
  if (!state?.locked_until) return { locked: false };
  const retryAfterMs = Date.parse(state.locked_until) - now.getTime();
  return retryAfterMs > 0 ? { locked: true, retryAfterMs } : { locked: false };
}

/** The state after one more failure. A failure after the window (or after a lock ran out) starts a new window. */
export function applyFailure(state: ThrottleState | undefined, now: Date, policy: ThrottlePolicy): ThrottleState {
  const t = now.getTime();
  const fresh =
    !state ||
    t - Date.parse(state.window_started_at) >= policy.windowMs ||
    (state.locked_until !== null && Date.parse(state.locked_until) <= t);
  const failures = fresh ? 1 : state.failures + 1;
  return {
    failures,
    window_started_at: fresh ? now.toISOString() : state.window_started_at,
    locked_until: failures >= policy.maxFailures ? new Date(t + policy.lockMs).toISOString() : null,
  };
}

/** Whole minutes for people ("try again in 15 minutes"); never 0 while still locked. */
export function minutesUntil(ms: number): number {
  return Math.max(1, Math.ceil(ms / MINUTE));
}

/** How many more failures the per-email count across all clients allows than one client gets. */
export const EMAIL_CEILING_FACTOR = 10;
/** The client key when no trusted proxy names the address: every such client shares it. */
export const UNIDENTIFIED_CLIENT = 'unidentified';

/** A throttle key with its own failure limit (the policy's, unless it says otherwise). */
export type ThrottleKey = { key: string; maxFailures?: number };

/** The keys one sign-in attempt is checked and counted against; see the module comment. */
export function signInThrottleKeys(
  email: string,
  client: { ip: string | null; deviceId: string | null },
  policy: ThrottlePolicy,
): { keys: ThrottleKey[]; clearOnSuccess: string[] } {
  const who = email.trim().toLowerCase();
  if (client.deviceId) {
    const device = `device:${who}|${client.deviceId}`;
    return { keys: [{ key: device }], clearOnSuccess: [device] };
  }
  const pair = `email-client:${who}|${client.ip ?? UNIDENTIFIED_CLIENT}`;
  const keys: ThrottleKey[] = [{ key: pair }, { key: `email:${who}`, maxFailures: policy.maxFailures * EMAIL_CEILING_FACTOR }];
  if (client.ip) keys.push({ key: `ip:${client.ip}` });
  return { keys, clearOnSuccess: [pair] };
}

/**
 * The client's address from X-Forwarded-For, as far as TRUST_PROXY says to believe it.
 * Next.js sets that header from the socket only when the request has none, so without a
 * trusted proxy (`trustedProxies` 0) its value is whatever the client chose: it is then
 * ignored (null), and every such client shares one count per email. Behind N trusted
 * proxies, the address the outermost one appended is the N-th entry from the end.
 */
export function clientIpFromHeaders(headers: Record<string, string | string[] | undefined>, trustedProxies: number): string | null {
  if (trustedProxies < 1) return null;
  const raw = headers['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (!value) return null;
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const entry = entries[entries.length - trustedProxies];
  // Bounded, so a forged header cannot grow the table's keys without limit in size.
  return entry ? entry.slice(0, 64) : null;
}

const keyName = (key: string | ThrottleKey): string => (typeof key === 'string' ? key : key.key);

/** The longest lock among the keys, or not locked. */
export async function checkLoginThrottle(db: DeskbellDatabase, keys: (string | ThrottleKey)[], now: Date): Promise<ThrottleDecision> {
  if (keys.length === 0) return { locked: false };
  const rows = await db.selectFrom('login_throttle').selectAll().where('key', 'in', keys.map(keyName)).execute();
  let longest = 0;
  for (const row of rows) {
    const decision = evaluateThrottle(row, now);
    if (decision.locked) longest = Math.max(longest, decision.retryAfterMs);
  }
  return longest > 0 ? { locked: true, retryAfterMs: longest } : { locked: false };
}

/**
 * Counts one failure against every key (each with its own limit); returns the highest failure
 * count in the current windows. Each count is one INSERT … ON CONFLICT DO UPDATE that reads and
 * writes the row at once (applyFailure's rule in SQL): with several instances on PostgreSQL, a
 * read-then-write would let two failures at the same moment count as one.
 */
export async function recordLoginFailure(db: DeskbellDatabase, keys: (string | ThrottleKey)[], now: Date, policy: ThrottlePolicy): Promise<number> {
  const t = now.getTime();
  const at = now.toISOString();
  // ISO times in one format order the same as text under any collation, so `<=` compares times.
  const windowEnded = new Date(t - policy.windowMs).toISOString();
  const lockedUntil = new Date(t + policy.lockMs).toISOString();
  const fresh = sql<boolean>`(login_throttle.window_started_at <= ${windowEnded} or (login_throttle.locked_until is not null and login_throttle.locked_until <= ${at}))`;
  const counted = sql<number>`case when ${fresh} then 1 else login_throttle.failures + 1 end`;
  return db.transaction().execute(async (trx) => {
    let highest = 0;
    for (const entry of keys) {
      const key = keyName(entry);
      const limit = typeof entry === 'string' ? policy.maxFailures : (entry.maxFailures ?? policy.maxFailures);
      const row = await trx
        .insertInto('login_throttle')
        .values({ key, failures: 1, window_started_at: at, locked_until: limit <= 1 ? lockedUntil : null })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: counted,
            window_started_at: sql<string>`case when ${fresh} then excluded.window_started_at else login_throttle.window_started_at end`,
            locked_until: sql<string | null>`case when ${counted} >= ${limit} then ${lockedUntil} else null end`,
          }),
        )
        .returning('failures')
        .executeTakeFirstOrThrow();
      highest = Math.max(highest, Number(row.failures));
    }
    return highest;
  });
}

export async function clearLoginThrottle(db: DeskbellDatabase, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('login_throttle').where('key', 'in', keys).execute();
}

/** Rows whose window and lock both ended long ago carry no information; keep the table small. */
export async function pruneLoginThrottle(db: DeskbellDatabase, now: Date, policy: ThrottlePolicy): Promise<void> {
  const horizon = new Date(now.getTime() - Math.max(policy.windowMs, policy.lockMs) * 2).toISOString();
  await db
    .deleteFrom('login_throttle')
    .where('window_started_at', '<', horizon)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', horizon)]))
    .execute();
}
