import { PermissionsStep } from '@/components/setup/permissions-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadWizardPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Permissions' };

export default async function PermissionsPage() {
  await requireAdminPage('/setup/permissions');
  const { status } = await loadWizardPage();
  const last = status.checks.permissions;
  return (
    <SetupFrame
      status={status}
      current="permissions"
      title="Permissions"
      intro={
        <p>
          Deskbell checks each permission its API member needs without creating or changing anything. When the API member may read its own security
          role, each line is decided from the role&rsquo;s settings and no test request is sent. Otherwise a test request decides: reads fetch one
          record; writes send requests Manage refuses for their content (a 400 means the permission exists, a 403 means it does not).
        </p>
      }
    >
      <PermissionsStep connected={status.connection !== null} initial={last?.probes ? { at: last.at, probes: last.probes } : null} />
    </SetupFrame>
  );
}
