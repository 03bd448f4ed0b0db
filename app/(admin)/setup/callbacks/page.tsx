import { CallbacksStep } from '@/components/setup/callbacks-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { callbackRegistration } from '@/lib/registrations/callbacks';
import { loadRegistrationPage } from '@/lib/setup/registration-steps';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Callbacks' };

export default async function CallbacksPage() {
  await requireAdminPage('/setup/callbacks');
  // Manage is read live; when it cannot be asked the state says why, and the manual route still shows.
  const { status, state } = await loadRegistrationPage(callbackRegistration);
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
