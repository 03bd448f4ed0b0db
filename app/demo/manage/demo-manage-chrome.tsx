import type { ReactNode } from 'react';

/** Just enough of Manage's look that a newcomer knows where the pod sits. */
export function DemoManageChrome(props: { breadcrumb: string; title: string; siteLabel: string | null; fields: [string, string | null][]; children: ReactNode; note?: string }) {
  return (
    <div className="min-h-screen bg-slate-100">
      <header className="flex items-center justify-between gap-4 bg-[#1f3a5f] px-4 py-2 text-white">
        <div className="flex items-center gap-3">
          <span className="font-semibold">ConnectWise Manage</span>
          <span className="rounded bg-white/15 px-2 py-0.5 text-xs">Deskbell demo frame</span>
        </div>
        <span className="text-xs text-white/80">{props.siteLabel ? `simulated site ${props.siteLabel}` : 'not connected'}</span>
      </header>
      <main className="mx-auto max-w-6xl space-y-4 px-4 py-4">
        <nav aria-label="Breadcrumb" className="text-xs text-slate-500">
          {props.breadcrumb}
        </nav>
        <h1 className="m-0 text-xl font-semibold text-slate-800">{props.title}</h1>
        {props.fields.length > 0 ? (
          <dl className="m-0 grid grid-cols-2 gap-x-6 gap-y-1 rounded border border-slate-200 bg-white p-3 text-sm sm:grid-cols-5" data-testid="demo-manage-fields">
            {props.fields.map(([label, value]) => (
              <div key={label} data-testid={`demo-field-${label.toLowerCase()}`}>
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd className={`m-0 ${value ? 'text-slate-800' : 'text-slate-400'}`}>{value || 'None'}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        {props.children}
        <p className="m-0 text-xs text-slate-500">
          This page stands in for Manage: it frames the real pod and answers the Hosted API the way Manage does, signing the pod in as
          the simulator&rsquo;s demo technician. {props.note ?? 'The fields above are read from the simulator through Deskbell\u2019s Manage connection.'}
        </p>
      </main>
    </div>
  );
}
