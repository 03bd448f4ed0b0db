'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { AdminUserError } from '@/lib/auth/admin-users';
import { checkLoginThrottle, clientIpFromHeaders, minutesUntil, recordLoginFailure, throttlePolicyFromEnv } from '@/lib/auth/login-throttle';
import { createFirstAdmin, SetupCodeError } from '@/lib/auth/setup-code';
import { serverEnv } from '@/lib/env';
import { getDatabase } from '@/lib/store/database';

export type FirstAdminField = 'setupCode' | 'email' | 'name' | 'password' | 'confirm';
export type FirstAdminResult = { ok: true; email: string } | { ok: false; field: FirstAdminField | null; message: string };

const formSchema = z.object({
  setupCode: z.string().trim().min(1, 'Enter the setup code from the server log.').max(40, 'The setup code looks like ABCD-EFGH-JKLM.'),
  email: z.string().trim().min(1, 'Enter your email address.').max(254),
  name: z.string().trim().max(100, 'A name is at most 100 characters.'),
  password: z.string().min(1, 'Choose a password.').max(1024),
  confirm: z.string(),
});

/** The "Create the first admin" form. Setup-code guesses count against the client address like sign-in failures. */
export async function createFirstAdminAction(form: FormData): Promise<FirstAdminResult> {
  const parsed = formSchema.safeParse({
    setupCode: form.get('setupCode') ?? '',
    email: form.get('email') ?? '',
    name: form.get('name') ?? '',
    password: form.get('password') ?? '',
    confirm: form.get('confirm') ?? '',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: (issue?.path[0] as FirstAdminField | undefined) ?? null, message: issue?.message ?? 'Check the form.' };
  }
  const input = parsed.data;
  if (input.password !== input.confirm) return { ok: false, field: 'confirm', message: 'The two passwords are not the same.' };

  const env = serverEnv();
  const policy = throttlePolicyFromEnv(env);
  const ip = clientIpFromHeaders(Object.fromEntries(await headers()), env.TRUST_PROXY);
  const keys = [`setup:${ip ?? 'unknown'}`];
  const db = await getDatabase();
  const throttle = await checkLoginThrottle(db, keys, new Date());
  if (throttle.locked) {
    return { ok: false, field: 'setupCode', message: `Too many attempts, try again in ${minutesUntil(throttle.retryAfterMs)} minutes.` };
  }
  try {
    const user = await createFirstAdmin(db, { setupCode: input.setupCode, email: input.email, name: input.name, password: input.password });
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
