'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';

const TOO_MANY = /^TooManyAttempts:(\d+)$/;

/** next-auth's error codes, in words. Wrong email and wrong password read the same. */
export function describeSignInError(code: string | null | undefined): string | null {
  if (!code) return null;
  const locked = TOO_MANY.exec(code);
  if (locked) return `Too many attempts, try again in ${locked[1]} minute${locked[1] === '1' ? '' : 's'}.`;
  if (code === 'CredentialsSignin') return 'That email and password do not match an admin.';
  if (code === 'AccessDenied') return 'That account is not a Deskbell admin. Ask an admin to add your email first.';
  if (code === 'SessionRequired') return 'Sign in to continue.';
  return 'Sign-in did not work. Try again, and ask your Deskbell admin if it keeps failing.';
}

type Props = { next: string; initialError: string | null; oidc: { name: string } | null; email?: string };

export function SignInForm({ next, initialError, oidc, email }: Props) {
  const [error, setError] = useState<string | null>(describeSignInError(initialError));
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn('credentials', {
      email: String(form.get('email') ?? ''),
      password: String(form.get('password') ?? ''),
      redirect: false,
      callbackUrl: next,
    });
    if (result?.ok && !result.error) {
      // A full load, so every server component sees the new session cookie.
      window.location.assign(next);
      return;
    }
    setBusy(false);
    setError(describeSignInError(result?.error ?? 'Unknown'));
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in" noValidate>
        <Field label="Email" name="email" type="email" autoComplete="username" defaultValue={email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="sign-in-error">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-md bg-bell-600 px-4 py-2 font-semibold text-white hover:bg-bell-700 disabled:opacity-60"
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oidc ? (
        <div className="border-t border-slate-200 pt-6">
          <button
            type="button"
            onClick={() => void signIn('oidc', { callbackUrl: next })}
            className="w-full rounded-md bg-white px-4 py-2 font-semibold text-ink-900 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            Sign in with {oidc.name}
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function Field(props: { label: string; name: string; type: string; autoComplete?: string; defaultValue?: string; hint?: string; error?: string | null }) {
  const id = `field-${props.name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        defaultValue={props.defaultValue}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 ring-1 ring-slate-300 focus:ring-2 focus:ring-bell-500 aria-invalid:ring-red-500"
      />
      {props.hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      ) : null}
      {props.error ? <p className="mt-1 text-sm text-red-700">{props.error}</p> : null}
    </div>
  );
}
