import 'server-only';
import { serverEnv } from '@/lib/env';
import { getDatabase } from '@/lib/store/database';
import { AdminUserError } from './admin-users';
import { checkLoginThrottle, clientIpFromHeaders, minutesUntil, recordLoginFailure, throttlePolicyFromEnv } from './login-throttle';
import { createFirstAdmin, SetupCodeError, type FirstAdminInput } from './setup-code';

export type FirstAdminField = 'setupCode' | 'email' | 'name' | 'password' | 'confirm';
export type FirstAdminResult = { ok: true; email: string } | { ok: false; field: FirstAdminField | null; message: string };

/**
 * Creates the first admin from the sign-in page's form. Setup-code guesses count against the
 * client address like sign-in failures, so the code cannot be guessed faster than a password.
 */
export async function createFirstAdminThrottled(input: FirstAdminInput, requestHeaders: Record<string, string>): Promise<FirstAdminResult> {
  const env = serverEnv();
  const policy = throttlePolicyFromEnv(env);
  const ip = clientIpFromHeaders(requestHeaders, env.TRUST_PROXY);
  const keys = [`setup:${ip ?? 'unknown'}`];
  const db = await getDatabase();
  const throttle = await checkLoginThrottle(db, keys, new Date());
  if (throttle.locked) {
    return { ok: false, field: 'setupCode', message: `Too many attempts, try again in ${minutesUntil(throttle.retryAfterMs)} minutes.` };
  }
  try {
    const user = await createFirstAdmin(db, input);
    return { ok: true, email: user.email };
  } catch (err) {
    if (err instanceof AdminUserError) return { ok: false, field: err.field === 'user' ? null : err.field, message: err.message };
    if (err instanceof SetupCodeError) {
      await recordLoginFailure(db, keys, new Date(), policy);
      return { ok: false, field: 'setupCode', message: err.message };
    }
    throw err;
  }
}
