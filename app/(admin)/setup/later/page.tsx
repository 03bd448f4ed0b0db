import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Pod' };

export default async function LaterPage() {
  await requireAdminPage('/setup/later');
  const status = await loadWizardStatus(await getDatabase());
  return (
    <SetupFrame status={status} current="later" title="Pod" intro={<p>The Manage pod belongs to a later release. There is nothing to set here yet.</p>}>
      <section aria-labelledby="later-pod" className="max-w-3xl rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="later-pod" className="font-semibold">
          Pod
        </h2>
        <p className="mt-2 text-sm text-slate-600">
          The Manage pod arrives in a later release: a Deskbell panel inside the Manage ticket screen (Setup Tables &gt; Manage Hosted API) showing the
          press&rsquo;s screenshots and report. Until then the report link is in each ticket&rsquo;s internal note.
        </p>
      </section>
    </SetupFrame>
  );
}
