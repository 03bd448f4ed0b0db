import type { HostDetailsView } from '@/lib/presses/types';

export type HostDetailsProps = { host: HostDetailsView };

const rows: { key: keyof HostDetailsView; label: string }[] = [
  { key: 'hostname', label: 'Hostname' },
  { key: 'username', label: 'User' },
  { key: 'domain', label: 'Domain' },
  { key: 'localIp', label: 'IP address' },
  { key: 'mac', label: 'MAC address' },
  { key: 'os', label: 'Operating system' },
  { key: 'agentVersion', label: 'Agent version' },
];

/** The computer the press came from, as the agent reported it. */
export function HostDetails({ host }: HostDetailsProps) {
  const present = rows.filter((r) => host[r.key]);
  if (present.length === 0) {
    return <p className="text-sm text-slate-500">The agent sent no host details.</p>;
  }
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm" data-testid="host-details">
      {present.map((r) => (
        <div key={r.key} className="contents">
          <dt className="text-slate-500">{r.label}</dt>
          <dd className="m-0 break-all font-mono">{host[r.key]}</dd>
        </div>
      ))}
    </dl>
  );
}
