import type { ComponentHealth } from '@/lib/health';

const styles: Record<ComponentHealth['status'], string> = {
  ok: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  not_configured: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  error: 'bg-red-100 text-red-800 ring-red-600/20',
};

const labels: Record<ComponentHealth['status'], string> = {
  ok: 'Working',
  not_configured: 'Not set up',
  error: 'Failing',
};

export function StatusBadge({ status }: { status: ComponentHealth['status'] }) {
  return (
    <span
      data-status={status}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[status]}`}
    >
      {labels[status]}
    </span>
  );
}
