import { SetupFrame } from '@/components/setup/setup-frame';
import { UnregisteredStep } from '@/components/setup/unregistered-step';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Unregistered users' };

export default async function UnregisteredPage() {
  await requireAdminPage('/setup/unregistered');
  const db = await getDatabase();
  const [status, settings] = await Promise.all([loadWizardStatus(db), loadIntakeSettings(db)]);
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
