import { CallbacksStep } from '@/components/setup/callbacks-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadCallbacksStep } from '@/lib/setup/callback-registration';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Callbacks' };

export default async function CallbacksPage() {
  await requireAdminPage('/setup/callbacks');
  const db = await getDatabase();
  // Manage's callbacks are read live; when Manage cannot be asked the state says why, and the manual route still shows.
  const [status, state] = await Promise.all([loadWizardStatus(db), loadCallbacksStep(db)]);
  return (
    <SetupFrame
      status={status}
      current="callbacks"
      title="Callbacks"
      intro={
        <p>
          Manage calls Deskbell back when a ticket changes, so end users hear when their ticket moves. Deskbell registers that callback in Manage for
          you: for every ticket, or only for the boards you pick. It changes only its own callbacks, never those of other integrations.
        </p>
      }
    >
      <CallbacksStep initial={state} />
    </SetupFrame>
  );
}
