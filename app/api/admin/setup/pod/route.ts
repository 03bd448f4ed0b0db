import { withAdmin } from '@/lib/api/with-admin';
import { podRegistration } from '@/lib/registrations/pod';
import { loadRegistrationStep, registerFromWizard } from '@/lib/setup/registration-steps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Deskbell's pod and tabs in Manage with their state, the stored choice, the screens and the pod URL. */
export const GET = withAdmin({}, ({ db }) => loadRegistrationStep(podRegistration, db));

/** Stores the choice of tabs and makes Manage's Hosted API entries match it (creates, updates, removes only Deskbell's own). */
export const POST = withAdmin({ body: podRegistration.choiceSchema }, ({ db, admin, body }) => registerFromWizard(podRegistration, db, body, admin.email));
