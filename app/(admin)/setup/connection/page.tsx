import { ConnectionStep } from '@/components/setup/connection-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadWizardPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Connection' };

export default async function ConnectionPage() {
  await requireAdminPage('/setup/connection');
  const { status } = await loadWizardPage();
  return (
    <SetupFrame
      status={status}
      current="connection"
      title="Connection"
      intro={<p>Where Manage is and the API key of the API member Deskbell acts as. The test asks Manage for its version and company name.</p>}
    >
      {/* Only what is safe to show: never the private key, only the clientId's last 4 characters. */}
      <ConnectionStep stored={status.connection} />
    </SetupFrame>
  );
}
