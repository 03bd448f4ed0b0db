import 'server-only';
import { z } from 'zod';
import type { RegistrationDescriptor, RegistrationTypes } from '@/lib/registrations/reconciler';
import { loadRegistrationStep, registerFromWizard, removeFromWizard, repairFromWizard } from '@/lib/setup/registration-steps';
import { withAdmin } from './with-admin';

/**
 * The admin API of one registration (callbacks, the pod), the same for every descriptor:
 * `GET` the step's state, `POST` a choice to sync, and on `/{id}` `POST ?action=repair` or
 * `DELETE`. Each route file only names its descriptor.
 */
export function registrationRoutes<T extends RegistrationTypes>(d: RegistrationDescriptor<T>) {
  const { one } = d.words;
  const params = z.object({
    id: z.coerce.number({ error: `A ${one} id is a number.` }).int(`A ${one} id is a whole number.`).positive(`A ${one} id is a positive number.`),
  });
  const query = z.object({ action: z.literal('repair', { error: `Say what to do with the ${one}: ?action=repair (DELETE removes it).` }) });
  return {
    list: {
      /** Deskbell's records in Manage with their state, the stored choice, and what the manual route needs. */
      GET: withAdmin({}, ({ db }) => loadRegistrationStep(d, db)),
      /** Stores the choice and makes Manage match it (creates, updates, removes only Deskbell's own). */
      POST: withAdmin({ body: d.choiceSchema }, ({ db, admin, body }) => registerFromWizard(d, db, body, admin.email)),
    },
    one: {
      /** `?action=repair`: rewrites one of Deskbell's records to the wanted shape. */
      POST: withAdmin({ params, query }, async ({ db, admin, params: { id } }) => ({ row: await repairFromWizard(d, db, id, admin.email) })),
      /** Removes one of Deskbell's records from Manage (never another integration's). */
      DELETE: withAdmin({ params }, ({ db, admin, params: { id } }) => removeFromWizard(d, db, id, admin.email)),
    },
  };
}
