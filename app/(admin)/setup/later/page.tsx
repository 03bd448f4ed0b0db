import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Callback, Pod' };

const LATER = [
  {
    id: 'callback',
    title: 'Callback',
    text: 'The Manage callback arrives in a later release: Manage will tell Deskbell when a ticket changes (System > Setup Tables > Integrator Login, API Name "Service Ticket"), so end users can see their ticket\u2019s progress. Nothing needs doing in Manage now.',
  },
  {
    id: 'pod',
    title: 'Pod',
    text: 'The Manage pod arrives in a later release: a Deskbell panel inside the Manage ticket screen (Setup Tables > Manage Hosted API) showing the press\u2019s screenshots and report. Until then the report link is in each ticket\u2019s internal note.',
  },
];

export default async function LaterPage() {
  await requireAdminPage('/setup/later');
  const status = await loadWizardStatus(await getDatabase());
  return (
    <SetupFrame status={status} current="later" title="Callback, Pod" intro={<p>These steps belong to features that are not in this release. There is nothing to set here yet.</p>}>
      <div className="grid gap-4 md:grid-cols-2">
        {LATER.map((item) => (
          <section key={item.id} aria-labelledby={`later-${item.id}`} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <h2 id={`later-${item.id}`} className="font-semibold">
              {item.title}
            </h2>
            <p className="mt-2 text-sm text-slate-600">{item.text}</p>
          </section>
        ))}
      </div>
    </SetupFrame>
  );
}
