import 'server-only';
import { z } from 'zod';
import { loadState, registerInManage, removeFromManage, repairInManage, type RegistrationDescriptor, type RegistrationTypes, type StepState } from '@/lib/registrations/reconciler';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { loadAppManageContext } from './manage-access';
import { loadWizardStatus, type WizardStatus } from './wizard-status';

/**
 * The wizard's Callbacks and Pod steps: the registration reconciler with the app's Manage
 * context, resolved only when Manage is asked (a 409 sends the admin back to step 1).
 */

/** The `/{id}` routes' path and query: Manage's id, and `?action=repair` as the one action a POST takes. */
export function registrationRouteSchemas<T extends RegistrationTypes>(d: RegistrationDescriptor<T>) {
  const { one } = d.words;
  return {
    params: z.object({
      id: z.coerce.number({ error: `A ${one} id is a number.` }).int(`A ${one} id is a whole number.`).positive(`A ${one} id is a positive number.`),
    }),
    query: z.object({ action: z.literal('repair', { error: `Say what to do with the ${one}: ?action=repair (DELETE removes it).` }) }),
  };
}

const appManage = (db: DeskbellDatabase) => () => loadAppManageContext(db);

export function loadRegistrationStep<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase): Promise<StepState<T>> {
  return loadState(d, db, appManage(db));
}

export function registerFromWizard<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, choice: T['choice'], actor: string) {
  return registerInManage(d, db, appManage(db), choice, actor);
}

export function repairFromWizard<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, id: number, actor: string) {
  return repairInManage(d, db, appManage(db), id, actor);
}

export function removeFromWizard<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, id: number, actor: string) {
  return removeFromManage(d, db, appManage(db), id, actor);
}

/** What a registration step's page shows: the wizard's status and the step's state. Manage is read live; when it cannot be asked the state says why. */
export async function loadRegistrationPage<T extends RegistrationTypes>(d: RegistrationDescriptor<T>): Promise<{ status: WizardStatus; state: StepState<T> }> {
  const db = await getDatabase();
  const [status, state] = await Promise.all([loadWizardStatus(db), loadRegistrationStep(d, db)]);
  return { status, state };
}
