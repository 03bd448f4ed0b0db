import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from '@/app/login/sign-out-button';
import { requireAdminPage } from '@/lib/auth/admin-session';

export const dynamic = 'force-dynamic';

const NAV = [
  { href: '/setup', label: 'Setup' },
  { href: '/presses', label: 'Presses' },
  { href: '/notifications', label: 'Notifications' },
  { href: '/audit', label: 'Audit log' },
] as const;

/** Every admin page is also guarded by its own requireAdminPage call: a layout alone is not a guard for every render path. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdminPage();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-6 px-6 py-3">
          <div className="flex items-center gap-6">
            <Link href="/presses" className="font-semibold text-bell-700">
              Deskbell
            </Link>
            <nav aria-label="Admin" className="flex gap-1">
              {NAV.map((item) => (
                <Link key={item.href} href={item.href} className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 hover:text-ink-900">
                  {item.label}
                </Link>
              ))}
            </nav>
          </div>
          <div className="flex items-center gap-3">
            <span className="text-sm text-slate-500" data-testid="signed-in-as">
              {admin.name ?? admin.email}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <div className="mx-auto max-w-6xl px-6 py-8">{children}</div>
    </div>
  );
}
