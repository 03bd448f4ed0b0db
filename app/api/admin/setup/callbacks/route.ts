import { withAdmin } from '@/lib/api/with-admin';
import { callbackRegistration } from '@/lib/registrations/callbacks';
import { loadRegistrationStep, registerFromWizard } from '@/lib/setup/registration-steps';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Deskbell's callbacks in Manage with their state, the stored choice, the boards and the callback URL. */
export const GET = withAdmin({}, ({ db }) => loadRegistrationStep(callbackRegistration, db));

/** Stores the choice and makes Manage's callbacks match it (creates, updates, removes only Deskbell's own). */
export const POST = withAdmin({ body: callbackRegistration.choiceSchema }, ({ db, admin, body }) => registerFromWizard(callbackRegistration, db, body, admin.email));
