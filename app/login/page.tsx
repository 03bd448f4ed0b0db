import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getAdminSession, safeNextPath } from '@/lib/auth/admin-session';
import { isFirstRun } from '@/lib/auth/admin-pages';
import { describeAuthConfigProblem, readOidcSettings } from '@/lib/auth/auth-options';
import { serverEnv } from '@/lib/env';
import { FirstAdminForm } from './first-admin-form';
import { SignInForm } from './sign-in-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const problem = describeAuthConfigProblem();
  const firstRun = await isFirstRun();
  const next = safeNextPath(first(params.next), firstRun ? '/setup' : undefined);
  if (!problem && !firstRun && (await getAdminSession())) redirect(next);
  const oidc = readOidcSettings(serverEnv());

  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-6 py-16">
      <p className="text-sm font-semibold uppercase tracking-wide text-bell-600">Deskbell</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight">{firstRun ? 'Create the first admin' : 'Sign in'}</h1>
      <section className="mt-6 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        {problem ? (
          <p role="alert" className="text-sm text-red-800" data-testid="auth-config-problem">
            {problem}
          </p>
        ) : firstRun ? (
          <>
            <p className="mb-4 text-sm text-slate-600">
              No admin exists yet. Enter the one-time setup code the server printed when it started, then choose your
              sign-in details. You can also run <code className="font-mono">npm run admin -- create --email you@example.com</code> on
              the server.
            </p>
            <FirstAdminForm next={next} />
          </>
        ) : (
          <SignInForm next={next} initialError={first(params.error) ?? null} oidc={oidc ? { name: oidc.displayName } : null} />
        )}
      </section>
    </main>
  );
}
