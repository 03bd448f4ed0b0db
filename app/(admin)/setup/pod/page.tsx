import { PodStep } from '@/components/setup/pod-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { podRegistration } from '@/lib/registrations/pod';
import { loadRegistrationPage } from '@/lib/setup/registration-steps';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Pod' };

export default async function PodPage() {
  await requireAdminPage('/setup/pod');
  // Manage is read live; when it cannot be asked the state says why, and the manual route still shows.
  const { status, state } = await loadRegistrationPage(podRegistration);
  return (
    <SetupFrame
      status={status}
      current="pod"
      title="Pod"
      intro={
        <p>
          The Deskbell pod shows each press inside its Manage ticket: the screenshots as an instant replay, the computer&rsquo;s details and the
          user&rsquo;s message. Deskbell registers it in Manage&rsquo;s Hosted API for you, and, if you like, tabs on the ticket and company screens. It
          changes only its own pods and tabs, never those of other integrations.
        </p>
      }
    >
      <PodStep initial={state} />
    </SetupFrame>
  );
}
