import 'server-only';
import type { ServerEnv } from '@/lib/env';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { LoginThrottleTable } from '@/lib/store/schema';

/**
 * Failed sign-ins are counted per email and per client address in `login_throttle`.
 * `maxFailures` failures inside one window lock the key for `lockMs`. Emails are counted
 * whether or not an admin has them, so a lock reveals nothing about which accounts exist.
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

export function throttleKeys(email: string, clientIp: string | null): string[] {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (clientIp) keys.push(`ip:${clientIp}`);
  return keys;
}

/**
 * The client's address from X-Forwarded-For. Next.js fills that header with the socket's
 * address only when the request has none, so with `trustedProxies` 0 a client can choose
 * its own value: the per-address count is then best effort, and the per-email count is
 * the one that holds. Behind N trusted proxies, the address the outermost one appended is
 * the N-th entry from the end.
 */
export function clientIpFromHeaders(headers: Record<string, string | string[] | undefined>, trustedProxies: number): string | null {
  const raw = headers['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (!value) return null;
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const entry = entries[entries.length - Math.max(1, trustedProxies)];
  // Bounded, so a forged header cannot grow the table's keys without limit in size.
  return entry ? entry.slice(0, 64) : null;
}

/** The longest lock among the keys, or not locked. */
export async function checkLoginThrottle(db: DeskbellDatabase, keys: string[], now: Date): Promise<ThrottleDecision> {
  if (keys.length === 0) return { locked: false };
  const rows = await db.selectFrom('login_throttle').selectAll().where('key', 'in', keys).execute();
  let longest = 0;
  for (const row of rows) {
    const decision = evaluateThrottle(row, now);
    if (decision.locked) longest = Math.max(longest, decision.retryAfterMs);
  }
  return longest > 0 ? { locked: true, retryAfterMs: longest } : { locked: false };
}

/** Counts one failure against every key; returns the highest failure count in the current windows. */
export async function recordLoginFailure(db: DeskbellDatabase, keys: string[], now: Date, policy: ThrottlePolicy): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let highest = 0;
    for (const key of keys) {
      const row = await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      const next = applyFailure(row, now, policy);
      highest = Math.max(highest, next.failures);
      await trx
        .insertInto('login_throttle')
        .values({ key, ...next })
        .onConflict((oc) => oc.column('key').doUpdateSet(next))
        .execute();
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
