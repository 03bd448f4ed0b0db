import { DefaultsStep } from '@/components/setup/defaults-step';
import { Alert } from '@/components/setup/form-field';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadDefaultsStepPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Defaults' };

export default async function DefaultsPage() {
  await requireAdminPage('/setup/defaults');
  const { status, data, problem } = await loadDefaultsStepPage();
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
