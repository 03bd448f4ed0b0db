import type { Metadata } from 'next';
import { PressChart } from '@/components/presses/press-chart';
import { PressDashboard } from '@/components/presses/press-dashboard';
import { PressFilters } from '@/components/presses/press-filters';
import { PressesGettingStarted, type FirstStep } from '@/components/presses/presses-getting-started';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadPressDashboard } from '@/lib/presses/admin-pages';
import { readPressListQuery, searchParamsToObject, toFilterQuery } from '@/lib/presses/list-presses';
import { loadWizardPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Presses' };

async function firstSteps(): Promise<FirstStep[]> {
  const { steps } = (await loadWizardPage()).status;
  const done = (id: string) => steps.find((s) => s.id === id)?.state === 'done';
  return [
    {
      title: 'Connect ConnectWise Manage',
      text: 'Deskbell files tickets through an API member of your Manage.',
      href: '/setup/connection',
      action: 'Open the connection step',
      done: done('connection'),
    },
    {
      title: 'Create an agent token',
      text: 'Each help-button agent (or the web press page) sends presses with a token.',
      href: '/setup/agents',
      action: 'Open the agents step',
      done: done('agents'),
    },
    {
      title: 'Press the button',
      text: 'From a computer with the agent; in a browser at /press#token=<token>; or from a terminal with npm run press -- --message "…" --email you@example.com. It appears here within seconds.',
      done: false,
    },
  ];
}

/** A filter in the address that could not be used is said even before the first press: it was typed on purpose. */
function FilterProblems({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
      These filters were not understood and were left out: {problems.join('; ')}
    </div>
  );
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PressesPage({ searchParams }: Props) {
  const read = readPressListQuery(searchParamsToObject(await searchParams));
  const signedInQuery = toFilterQuery(read.query);
  await requireAdminPage(signedInQuery ? `/presses?${signedInQuery}` : '/presses');
  const dashboard = await loadPressDashboard(read.query);
  if (dashboard.empty) {
    return (
      <main className="space-y-6">
        <header>
          <h1 className="text-2xl font-bold tracking-tight">Presses</h1>
        </header>
        <FilterProblems problems={read.problems} />
        <PressesGettingStarted steps={await firstSteps()} />
      </main>
    );
  }
  const { query, page, stats } = dashboard;
  const problems = [...read.problems, ...dashboard.problems];
  const filterQuery = toFilterQuery(query);

  return (
    <main className="space-y-6">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">Presses</h1>
        <p className="mt-1 text-sm text-slate-600">Every press, its ticket in Manage, and how long the ticket took.</p>
      </header>

      <section aria-labelledby="press-chart-heading" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="press-chart-heading" className="mb-2 text-base font-semibold">
          Last 30 days
        </h2>
        <PressChart days={stats.days} medianMsToTicket={stats.medianMsToTicket} />
      </section>

      <section aria-labelledby="press-list-heading" className="space-y-4">
        <h2 id="press-list-heading" className="sr-only">
          Press list
        </h2>
        <PressFilters values={query} />
        <FilterProblems problems={problems} />
        <PressDashboard
          key={`${filterQuery}|${query.cursor ?? ''}`}
          initialPage={page}
          filterQuery={filterQuery}
          cursor={query.cursor ?? null}
        />
      </section>
    </main>
  );
}
