import { SetupFrame } from '@/components/setup/setup-frame';
import { UnregisteredStep } from '@/components/setup/unregistered-step';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadUnregisteredStepPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Unregistered users' };

export default async function UnregisteredPage() {
  await requireAdminPage('/setup/unregistered');
  const { status, settings } = await loadUnregisteredStepPage();
  return (
    <SetupFrame
      status={status}
      current="unregistered"
      title="Unregistered users"
      intro={
        <p>
          A press from an email address Manage does not know still becomes a ticket: it goes to a catch-all company (&ldquo;Unregistered Users&rdquo;,
          Active) and its contact, and the person&rsquo;s details go to the internal note.
        </p>
      }
    >
      <UnregisteredStep
        email={settings.unregistered.email}
        connected={status.connection !== null}
        stored={{ companyId: settings.unregistered.companyId, contactId: settings.unregistered.contactId }}
      />
    </SetupFrame>
  );
}
