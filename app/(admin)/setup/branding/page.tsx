import { PressPageStep } from '@/components/branding/press-page-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadBrandingStepPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Press page and branding' };

export default async function BrandingPage() {
  await requireAdminPage('/setup/branding');
  const { status, settings } = await loadBrandingStepPage();
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
