import 'server-only';
import { serverEnv } from '@/lib/env';
import { loadIntakeSettings, type TicketDefaults } from '@/lib/settings/intake-settings';
import type { DeskbellDatabase } from '@/lib/store/database';
import { callbackRegistration } from '@/lib/registrations/callbacks';
import { saveTestedManageConnection } from './connection-test';
import { podRegistration } from '@/lib/registrations/pod';
import { registerFromWizard } from './registration-steps';
import { checkManagePermissions } from './permission-probes';
import { saveTicketDefaults } from './ticket-defaults';
import { checkUnregisteredCatchAll, createUnregisteredCatchAll } from './unregistered';
import { loadWizardStatus, type WizardStep } from './wizard-status';

/**
 * `npm run demo` arrives set up: it walks the wizard's steps through the very functions the
 * wizard's pages call (each one checks live against the simulator and stores its result as the
 * wizard would), so the overview, the presses and the notifications agree from the first page.
 * Demo mode only; a real install is set up by an admin, step by step.
 */

/** The simulator's help desk (tools/manage-sim demo data): what an MSP would pick in step 4. */
export const DEMO_TICKET_DEFAULTS: TicketDefaults = {
  board: 'Help Desk',
  status: 'New',
  type: 'Incident',
  subtype: '__default__',
  item: '__default__',
  team: 'Tier 1',
  priority: 'Priority 3 - Normal Response',
  source: 'Helpdesk Button',
  owner: '__default__',
  impact: '__default__',
  severity: '__default__',
};

/** Needed only when the simulator lacks the catch-all company (Manage requires an address). */
const DEMO_CATCH_ALL_ADDRESS = { line1: '1 Demo Street', city: 'Tampa', state: 'FL', zip: '33602' };

export type DemoSetupStep = { step: string; ok: boolean; said: string };
export type DemoSetupResult = { ok: boolean; actions: DemoSetupStep[]; steps: WizardStep[] };

export class DemoSetupRefused extends Error {}

/** Runs every wizard step the demo can do by itself; agent tokens are the demo script's. */
export async function setUpDemo(db: DeskbellDatabase, actor: string): Promise<DemoSetupResult> {
  const env = serverEnv();
  if (!env.DESKBELL_DEMO) throw new DemoSetupRefused('The demo set-up runs only in demo mode (DESKBELL_DEMO=1).');
  if (!env.MANAGE_ENDPOINT || !env.MANAGE_API_KEY || !env.MANAGE_CLIENT_ID) {
    throw new DemoSetupRefused('The demo set-up needs MANAGE_ENDPOINT, MANAGE_API_KEY and MANAGE_CLIENT_ID (npm run demo sets them).');
  }
  const actions: DemoSetupStep[] = [];
  const record = (step: string, ok: boolean, said: string) => actions.push({ step, ok, said });

  const connection = await saveTestedManageConnection(db, { endpoint: env.MANAGE_ENDPOINT, apiKey: env.MANAGE_API_KEY, clientId: env.MANAGE_CLIENT_ID }, actor);
  record('connection', connection.saved && connection.result.ok, connection.result.ok ? 'tested and saved' : connection.result.problem.message);
  if (!connection.saved) return finish(db, actions);

  const permissions = await checkManagePermissions(db);
  const missing = permissions.probes.filter((p) => p.verdict !== 'pass').map((p) => p.permission);
  record('permissions', permissions.ok, permissions.ok ? `${permissions.probes.length} granted` : `not granted: ${missing.join('; ')}`);

  const email = (await loadIntakeSettings(db)).unregistered.email;
  let catchAll = await checkUnregisteredCatchAll(db, { email }, actor);
  if (!catchAll.ok) catchAll = await createUnregisteredCatchAll(db, { email, confirm: true, address: DEMO_CATCH_ALL_ADDRESS }, actor);
  record('unregistered', catchAll.ok, catchAll.ok ? `catch-all ${email} linked` : catchAll.notes.join(' '));

  await saveTicketDefaults(db, DEMO_TICKET_DEFAULTS, actor);
  record('defaults', true, `board ${DEMO_TICKET_DEFAULTS.board}, status ${DEMO_TICKET_DEFAULTS.status}`);

  const callbacks = await registerFromWizard(callbackRegistration, db, { level: 'owner' }, actor);
  record('callbacks', callbacks.ok, callbacks.summary);

  const pod = await registerFromWizard(podRegistration, db, { tabs: { ticket: true, company: true } }, actor);
  record('pod', pod.ok, pod.summary);

  return finish(db, actions);
}

async function finish(db: DeskbellDatabase, actions: DemoSetupStep[]): Promise<DemoSetupResult> {
  const { steps } = await loadWizardStatus(db);
  const ok = actions.every((a) => a.ok) && steps.every((s) => s.state === 'done' || s.state === 'optional');
  return { ok, actions, steps };
}
