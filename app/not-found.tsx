import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found' };

/** Every unknown address (and every notFound() without its own page) lands here. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-6 py-16" data-testid="not-found">
      <p className="flex items-center gap-2 text-sm font-semibold uppercase tracking-wide text-bell-600">
        {/* eslint-disable-next-line @next/next/no-img-element -- a 24 px SVG needs no image pipeline */}
        <img src="/icon.svg" alt="" width={24} height={24} />
        Deskbell
      </p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight">This page does not exist</h1>
      <p className="mt-3 text-slate-600">
        The address may be mistyped, or the page may have moved. A press report link from an old ticket still works once you
        sign in.
      </p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Link href="/" className="inline-flex items-center rounded-md bg-bell-600 px-4 py-2 text-sm font-semibold text-white hover:bg-bell-700">
          Go to the start page
        </Link>
        <Link href="/presses" className="inline-flex items-center rounded-md bg-white px-4 py-2 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
          Presses dashboard
        </Link>
      </div>
    </main>
  );
}
