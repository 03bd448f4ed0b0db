import 'server-only';
import { listAgentTokens } from '@/lib/auth/agent-tokens';
import { findActiveRules } from '@/lib/settings/active-rules';
import { SETTING_KEYS, ticketDefaultsSchema } from '@/lib/settings/intake-settings';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { describeManageConnection, type StoredManageConnection } from '@/lib/settings/manage-connection';
import { readSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { callbackRegistration } from '@/lib/registrations/callbacks';
import { podRegistration } from '@/lib/registrations/pod';
import { readRegistration } from '@/lib/registrations/reconciler';
import { readSetupCheck, type SetupCheck } from './setup-checks';
import { plural } from '@/lib/text/plural';

/**
 * The step indicator's state, from what is stored and the last live check of each step.
 * Reads the database only: rendering a setup page never waits for Manage.
 */

export type WizardStepId = 'connection' | 'permissions' | 'unregistered' | 'defaults' | 'rules' | 'agents' | 'callbacks' | 'pod';
/**
 * `optional`: nothing is missing, and nothing is set either (no dispatcher rules).
 */
export type WizardStepState = 'done' | 'failing' | 'todo' | 'optional';

export type WizardStep = {
  id: WizardStepId;
  number: number;
  title: string;
  href: string;
  state: WizardStepState;
  /** One line: what the last check found, or what is still to do. */
  detail: string;
};

export type WizardStatus = {
  steps: WizardStep[];
  connection: StoredManageConnection | null;
  checks: { connection?: SetupCheck; permissions?: SetupCheck; unregistered?: SetupCheck };
};

export const WIZARD_STEPS: readonly Pick<WizardStep, 'id' | 'number' | 'title' | 'href'>[] = [
  { id: 'connection', number: 1, title: 'Connection', href: '/setup/connection' },
  { id: 'permissions', number: 2, title: 'Permissions', href: '/setup/permissions' },
  { id: 'unregistered', number: 3, title: 'Unregistered users', href: '/setup/unregistered' },
  { id: 'defaults', number: 4, title: 'Defaults', href: '/setup/defaults' },
  { id: 'rules', number: 5, title: 'Rules', href: '/setup/rules' },
  { id: 'agents', number: 6, title: 'Agents', href: '/setup/agents' },
  { id: 'callbacks', number: 7, title: 'Callbacks', href: '/setup/callbacks' },
  { id: 'pod', number: 8, title: 'Pod', href: '/setup/pod' },
];

function fromCheck(check: SetupCheck | undefined, todo: string): Pick<WizardStep, 'state' | 'detail'> {
  if (!check) return { state: 'todo', detail: todo };
  return { state: check.ok ? 'done' : 'failing', detail: check.summary };
}

/** Pure: the states, given what was read. A later step's check is only trusted once a connection is stored. */
export function computeWizardSteps(input: {
  connection: StoredManageConnection | null;
  checks: WizardStatus['checks'];
  unregisteredIdsStored: boolean;
  defaultsSaved: boolean;
  activeTokens: number;
  /** The active rules version; absent or null when none was saved. */
  rules?: { version: number; createdBy: string; empty: boolean } | null;
  /** The stored callback registration and its last sync; absent or null when none was stored. */
  callbacks?: { level: 'owner' | 'board'; boards: number; registered: number; failed: number } | null;
  /** The stored pod registration (the pod plus `tabs` ticked tabs) and its last sync; absent or null when none was stored. */
  pod?: PodStepInput | null;
}): WizardStep[] {
  const { connection, checks } = input;
  const states: Record<WizardStepId, Pick<WizardStep, 'state' | 'detail'>> = {
    connection: !connection
      ? checks.connection && !checks.connection.ok
        ? { state: 'failing', detail: checks.connection.summary }
        : { state: 'todo', detail: 'Enter the endpoint, API key and clientId, test them, then save.' }
      : checks.connection
        ? fromCheck(checks.connection, '')
        : { state: 'todo', detail: `Stored for company ${connection.companyId}; test it to confirm it works.` },
    permissions: connection ? fromCheck(checks.permissions, 'Check the API member\u2019s security role.') : { state: 'todo', detail: 'Needs a connection first.' },
    unregistered: !connection
      ? { state: 'todo', detail: 'Needs a connection first.' }
      : input.unregisteredIdsStored && (checks.unregistered?.ok ?? true)
        ? { state: 'done', detail: checks.unregistered?.summary ?? 'The catch-all company and contact are stored.' }
        : fromCheck(checks.unregistered, 'Find or create the catch-all company and contact.'),
    defaults: input.defaultsSaved ? { state: 'done', detail: 'Ticket defaults are saved.' } : { state: 'todo', detail: 'Choose the board, status, type and the rest.' },
    rules:
      input.rules && !input.rules.empty
        ? { state: 'done', detail: `Rules v${input.rules.version} are active (saved by ${input.rules.createdBy}).` }
        : { state: 'optional', detail: input.rules ? `Rules v${input.rules.version} are empty: every press uses the defaults.` : 'No rules: every press uses the defaults. Add rules to route presses.' },
    callbacks: callbacksState(input.callbacks),
    pod: podState(input.pod),
    agents:
      input.activeTokens > 0
        ? { state: 'done', detail: `${plural(input.activeTokens, 'active agent token')}.` }
        : { state: 'todo', detail: 'Create a token for the press page or the CLI agent.' },
  };
  return WIZARD_STEPS.map((step) => ({ ...step, ...states[step.id] }));
}

function callbacksState(c: { level: 'owner' | 'board'; boards: number; registered: number; failed: number } | null | undefined): Pick<WizardStep, 'state' | 'detail'> {
  if (!c) return { state: 'todo', detail: 'Register the callback, so Manage tells Deskbell when a ticket moves.' };
  const scope = c.level === 'owner' ? 'all tickets (owner level)' : plural(c.boards, 'board');
  const wanted = c.level === 'owner' ? 1 : c.boards;
  if (c.failed > 0) return { state: 'failing', detail: `${c.registered} of ${plural(wanted, 'callback')} registered for ${scope}; Manage refused ${plural(c.failed, 'change')}.` };
  if (c.registered === 0) return { state: 'todo', detail: `No callback for ${scope} is registered in Manage; register again.` };
  return { state: 'done', detail: `${plural(c.registered, 'callback')} registered for ${scope}.` };
}

type PodStepInput = { tabs: number; wanted: number; registered: number; failed: number };

/** Done once a registration is stored and its last sync left every wanted pod and tab in Manage; to do otherwise. */
function podState(p: PodStepInput | null | undefined): Pick<WizardStep, 'state' | 'detail'> {
  if (!p) return { state: 'todo', detail: 'Register the Deskbell pod on Manage\u2019s Service Ticket screen, so technicians see each press inside its ticket.' };
  if (p.failed > 0) return { state: 'todo', detail: `${p.registered} of ${plural(p.wanted, 'Hosted API entry', 'Hosted API entries')} registered; ${plural(p.failed, 'change')} failed. Register again.` };
  if (p.registered < p.wanted) return { state: 'todo', detail: `${p.registered} of ${plural(p.wanted, 'Hosted API entry', 'Hosted API entries')} ${p.wanted === 1 ? 'is' : 'are'} registered in Manage; register again.` };
  return { state: 'done', detail: p.tabs > 0 ? `The pod and ${plural(p.tabs, 'tab')} are registered in Manage.` : 'The pod is registered in Manage.' };
}

export async function loadWizardStatus(db: DeskbellDatabase): Promise<WizardStatus> {
  const [connection, connectionCheck, permissions, unregisteredCheck, settings, savedDefaults, tokens, rules, callbacks, pod] = await Promise.all([
    describeManageConnection(db),
    readSetupCheck(db, 'connection'),
    readSetupCheck(db, 'permissions'),
    readSetupCheck(db, 'unregistered'),
    loadIntakeSettings(db),
    readSetting(db, SETTING_KEYS.ticketDefaults, ticketDefaultsSchema),
    listAgentTokens(db),
    findActiveRules(db),
    readRegistration(callbackRegistration, db),
    readRegistration(podRegistration, db),
  ]);
  const checks = { connection: connectionCheck, permissions, unregistered: unregisteredCheck };
  return {
    connection,
    checks,
    steps: computeWizardSteps({
      connection,
      checks,
      unregisteredIdsStored: settings.unregistered.companyId !== undefined && settings.unregistered.contactId !== undefined,
      defaultsSaved: savedDefaults !== undefined,
      activeTokens: tokens.filter((t) => !t.revokedAt).length,
      rules: rules && { version: rules.version, createdBy: rules.createdBy, empty: rules.source.trim() === '' },
      callbacks: callbacks && {
        level: callbacks.level,
        boards: callbacks.level === 'board' ? callbacks.boardIds.length : 0,
        registered: callbacks.lastSync.registered,
        failed: callbacks.lastSync.failed,
      },
      pod: pod && {
        tabs: Number(pod.tabs.ticket) + Number(pod.tabs.company),
        wanted: pod.lastSync.wanted,
        registered: pod.lastSync.registered,
        failed: pod.lastSync.failed,
      },
    }),
  };
}
