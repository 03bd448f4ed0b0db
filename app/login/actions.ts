'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { createFirstAdminThrottled, type FirstAdminField, type FirstAdminResult } from '@/lib/auth/first-admin';

export type { FirstAdminField, FirstAdminResult } from '@/lib/auth/first-admin';

const formSchema = z.object({
  setupCode: z.string().trim().min(1, 'Enter the setup code from the server log.').max(40, 'The setup code looks like ABCD-EFGH-JKLM.'),
  email: z.string().trim().min(1, 'Enter your email address.').max(254),
  name: z.string().trim().max(100, 'A name is at most 100 characters.'),
  password: z.string().min(1, 'Choose a password.').max(1024),
  confirm: z.string(),
});

/** The "Create the first admin" form: checked here, created (and throttled) by lib/auth/first-admin.ts. */
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

  return createFirstAdminThrottled(
    { setupCode: input.setupCode, email: input.email, name: input.name, password: input.password },
    Object.fromEntries(await headers()),
  );
}
