import { PressPageStep } from '@/components/branding/press-page-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadPressPageSettings } from '@/lib/settings/branding';
import { loadWizardStatus } from '@/lib/setup/wizard-status';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Press page and branding' };

export default async function BrandingPage() {
  await requireAdminPage('/setup/branding');
  const db = await getDatabase();
  const [status, settings] = await Promise.all([loadWizardStatus(db), loadPressPageSettings(db)]);
  return (
    <SetupFrame
      status={status}
      title="Press page and branding"
      intro={
        <p>
          What your end users see when they ask for help: your name, logo and colour at the top of the press page and of every notification
          e-mail, and the choices they can tick. Nothing here changes how tickets are made in Manage.
        </p>
      }
    >
      <PressPageStep initial={settings} />
    </SetupFrame>
  );
}
