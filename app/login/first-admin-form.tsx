'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { createFirstAdminAction, type FirstAdminField } from './actions';
import { Field } from './sign-in-form';

const MIN_PASSWORD = 12;

export function FirstAdminForm({ next }: { next: string }) {
  const [error, setError] = useState<{ field: FirstAdminField | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    // Checked here for a quick answer; the server checks everything again.
    if (password.length < MIN_PASSWORD) {
      setError({ field: 'password', message: `Use at least ${MIN_PASSWORD} characters (this one has ${password.length}).` });
      return;
    }
    if (password !== form.get('confirm')) {
      setError({ field: 'confirm', message: 'The two passwords are not the same.' });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await createFirstAdminAction(form);
    if (!result.ok) {
      setBusy(false);
      setError({ field: result.field, message: result.message });
      return;
    }
    const signedIn = await signIn('credentials', { email: result.email, password, redirect: false, callbackUrl: next });
    window.location.assign(signedIn?.ok && !signedIn.error ? next : '/login');
  }

  const fieldError = (field: FirstAdminField) => (error?.field === field ? error.message : null);
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Create the first admin" noValidate>
      <Field
        label="Setup code"
        name="setupCode"
        type="text"
        autoComplete="off"
        hint="Printed in the server log at start: “First run: … enter the setup code ABCD-EFGH-JKLM”."
        error={fieldError('setupCode')}
      />
      <Field label="Email" name="email" type="email" autoComplete="username" error={fieldError('email')} />
      <Field label="Name (optional)" name="name" type="text" autoComplete="name" error={fieldError('name')} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${MIN_PASSWORD} characters; a few unrelated words work well.`}
        error={fieldError('password')}
      />
      <Field label="Password again" name="confirm" type="password" autoComplete="new-password" error={fieldError('confirm')} />
      {error && error.field === null ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.message}
        </p>
      ) : null}
      {error && error.field !== null ? (
        <p role="alert" className="sr-only">
          {error.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded-md bg-bell-600 px-4 py-2 font-semibold text-white hover:bg-bell-700 disabled:opacity-60"
      >
        {busy ? 'Creating…' : 'Create the first admin'}
      </button>
    </form>
  );
}
