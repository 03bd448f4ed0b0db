import { withAdmin } from '@/lib/api/with-admin';
import { loadCallbacksStep, registerCallbacks } from '@/lib/setup/callback-registration';
import { callbackRegistrationBodySchema } from '@/lib/setup/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Deskbell's callbacks in Manage with their state, the stored choice, the boards and the callback URL. */
export const GET = withAdmin({}, ({ db }) => loadCallbacksStep(db));

/** Stores the choice and makes Manage's callbacks match it (creates, updates, removes only Deskbell's own). */
export const POST = withAdmin({ body: callbackRegistrationBodySchema }, ({ db, admin, body }) => registerCallbacks(db, body, admin.email));
