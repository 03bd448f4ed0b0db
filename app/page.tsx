import { StatusBadge } from '@/components/ui/status-badge';
import { checkHealth, type ComponentHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const health = await checkHealth();
  return (
    <main className="mx-auto max-w-3xl px-6 py-16">
      <header className="mb-10">
        <p className="text-sm font-semibold uppercase tracking-wide text-bell-600">Deskbell</p>
        <h1 className="mt-2 text-3xl font-bold tracking-tight">
          One press, one correctly routed ConnectWise Manage ticket.
        </h1>
        <p className="mt-4 text-slate-600">
          End users press the help button; Deskbell finds their contact, runs your dispatcher
          rules, and files the ticket with screenshots, host details and the matching
          configuration. Technicians see it all inside the Manage ticket.
        </p>
      </header>

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
