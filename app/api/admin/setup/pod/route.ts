import { withAdmin } from '@/lib/api/with-admin';
import { loadPodStep, registerPod } from '@/lib/setup/hosted-setup-registration';
import { podRegistrationBodySchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Deskbell's pod and tabs in Manage with their state, the stored choice, the screens and the pod URL. */
export const GET = withAdmin({}, ({ db }) => loadPodStep(db));

/** Stores the choice of tabs and makes Manage's hosted setups match it (creates, updates, removes only Deskbell's own). */
export const POST = withAdmin({ body: podRegistrationBodySchema }, ({ db, admin, body }) => registerPod(db, body, admin.email));
