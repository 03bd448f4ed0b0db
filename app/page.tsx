import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusBadge } from '@/components/ui/status-badge';
import { isFirstRun } from '@/lib/auth/admin-pages';
import { getAdminSession } from '@/lib/auth/admin-session';
import { checkHealth, type ComponentHealth } from '@/lib/health';
import { loadWizardPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: { absolute: 'Deskbell: one press, one routed Manage ticket' } };

const primary = 'inline-flex items-center rounded-md bg-bell-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-bell-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-bell-500 focus-visible:ring-offset-2';
const secondary = 'inline-flex items-center rounded-md bg-white px-4 py-2 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-bell-500';

type NextStep = { href: string; label: string; why: string; others: { href: string; label: string }[] };

/** Where this visitor goes next: sign in (or create the first admin), the wizard, or the dashboard. */
async function nextStepFor(): Promise<NextStep> {
  const admin = await getAdminSession();
  if (!admin) {
    if (await isFirstRun()) {
      return {
        href: '/login',
        label: 'Create the first admin',
        why: 'A fresh install: the server printed a one-time setup code when it started. Enter it to create the first admin.',
        others: [],
      };
    }
    return { href: '/login', label: 'Sign in', why: 'Admins sign in to set Deskbell up and follow every press.', others: [] };
  }
  const { steps } = (await loadWizardPage()).status;
  const open = steps.filter((s) => s.state === 'todo' || s.state === 'failing');
  const others = [
    { href: '/presses', label: 'Presses' },
    { href: '/setup', label: 'Setup' },
    { href: '/notifications', label: 'Notifications' },
  ];
  if (open.length > 0) {
    const first = open[0]!;
    return {
      href: first.href,
      label: `Continue setup: ${first.title}`,
      why: `Signed in as ${admin.name ?? admin.email}. ${open.length === 1 ? 'One setup step is' : `${open.length} setup steps are`} still open; step ${first.number} is next.`,
      others: others.filter((o) => o.href !== first.href),
    };
  }
  return {
    href: '/presses',
    label: 'Open the presses dashboard',
    why: `Signed in as ${admin.name ?? admin.email}. Setup is done: every press and its ticket are on the dashboard.`,
    others: others.filter((o) => o.href !== '/presses'),
  };
}

const HOW = [
  ['An end user presses the help button', 'The agent on their computer (or the web press page) sends their message, screenshots and host details.'],
  ['Deskbell files the Manage ticket', 'It finds their contact, runs your dispatcher rules and creates the ticket on the right board, with the matching configuration.'],
  ['Technicians see it inside Manage', 'The Deskbell pod shows the screenshots and host details in the ticket; the end user hears back when it moves.'],
] as const;

export default async function HomePage() {
  const [health, next] = await Promise.all([checkHealth(), nextStepFor()]);
  return (
    <main className="mx-auto max-w-3xl px-6 py-16">
      <header className="mb-10">
        <p className="flex items-center gap-2 text-sm font-semibold uppercase tracking-wide text-bell-600">
          {/* eslint-disable-next-line @next/next/no-img-element -- a 24 px SVG needs no image pipeline */}
          <img src="/icon.svg" alt="" width={24} height={24} />
          Deskbell
        </p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight">One press, one correctly routed ConnectWise Manage ticket.</h1>
        <p className="mt-4 text-slate-600">
          End users press the help button; Deskbell finds their contact, runs your dispatcher rules, and files the ticket with
          screenshots, host details and the matching configuration. Technicians see it all inside the Manage ticket.
        </p>
        <div className="mt-6 flex flex-col gap-3" data-testid="home-next-step">
          <p className="m-0 text-sm text-slate-700">{next.why}</p>
          <div className="flex flex-wrap gap-3">
            <Link href={next.href} className={primary}>
              {next.label}
            </Link>
            {next.others.map((o) => (
              <Link key={o.href} href={o.href} className={secondary}>
                {o.label}
              </Link>
            ))}
          </div>
        </div>
      </header>

      <section aria-labelledby="how-heading" className="mb-8">
        <h2 id="how-heading" className="text-lg font-semibold">
          How it works
        </h2>
        <ol className="mt-3 grid gap-3 sm:grid-cols-3">
          {HOW.map(([title, text], i) => (
            <li key={title} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
              <span className="text-xs font-semibold text-bell-700">{i + 1}</span>
              <p className="m-0 mt-1 text-sm font-medium">{title}</p>
              <p className="m-0 mt-1 text-xs text-slate-600">{text}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="status-heading" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 id="status-heading" className="text-lg font-semibold">
          This installation
        </h2>
        <dl className="mt-4 divide-y divide-slate-100">
          <HealthRow label="Database" health={health.database} />
          <HealthRow label="ConnectWise Manage" health={health.manage} />
          <div className="flex items-center justify-between py-3">
            <dt className="text-sm text-slate-600">Version</dt>
            <dd className="font-mono text-sm">{health.version}</dd>
          </div>
        </dl>
      </section>
    </main>
  );
}

function HealthRow({ label, health }: { label: string; health: ComponentHealth }) {
  return (
    <div className="flex items-start justify-between gap-6 py-3" data-testid={`health-${label}`}>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-right">
        <StatusBadge status={health.status} />
        {health.detail ? <p className="mt-1 text-xs text-slate-500">{health.detail}</p> : null}
      </dd>
    </div>
  );
}
