import { DefaultsStep } from '@/components/setup/defaults-step';
import { Alert } from '@/components/setup/form-field';
import { SetupFrame } from '@/components/setup/setup-frame';
import { DeskbellApiError } from '@/lib/http/errors';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadDefaultsPage, type DefaultsPageData } from '@/lib/setup/ticket-defaults';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Defaults' };

export default async function DefaultsPage() {
  await requireAdminPage('/setup/defaults');
  const db = await getDatabase();
  const status = await loadWizardStatus(db);
  let data: DefaultsPageData | null = null;
  let problem: string | null = null;
  try {
    // Manage's lists come through the app's lookup-table cache: usually no Manage call at all.
    data = await loadDefaultsPage(db);
  } catch (error) {
    if (!(error instanceof DeskbellApiError)) throw error;
    problem = error.message;
  }
  return (
    <SetupFrame
      status={status}
      current="defaults"
      title="Defaults"
      intro={
        <p>
          What a ticket gets when nothing else decides. Every list comes from your Manage; &ldquo;__default__&rdquo; leaves the field to Manage (the
          API member&rsquo;s service defaults). Status, type, subtype, item and team belong to a board: name the board to set them.
        </p>
      }
    >
      {data ? <DefaultsStep data={data} /> : <Alert tone="error" title="Manage's lists could not be loaded">{problem}</Alert>}
    </SetupFrame>
  );
}
