import { plural } from '@/lib/text/plural';

/**
 * The audit log as sentences an MSP admin reads at a glance ("Aisha Khan created the agent
 * token 'Front desk'"). Built from the event code and its details; event codes and raw JSON
 * never reach the page, and an event this module does not know still gets a plain sentence.
 */

export type AuditSentenceInput = {
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
};

/** Email → display name of admins, so entries name people rather than addresses. */
export type AdminNames = ReadonlyMap<string, string>;

const SYSTEM_ACTORS: Record<string, string> = {
  anonymous: 'Someone',
  cli: 'An admin at the command line',
  demo: 'The demo setup',
  'setup-code': 'Someone with the setup code',
  system: 'Deskbell',
};

export function describeActor(actor: string, names: AdminNames = new Map()): string {
  const system = SYSTEM_ACTORS[actor];
  if (system) return system;
  if (actor.startsWith('oidc:')) return 'Single sign-on';
  return names.get(actor) ?? actor;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** "a, b and c". */
function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

function quoted(v: string | null, fallback: string): string {
  return v ? `'${v}'` : fallback;
}

function person(target: string | null, names: AdminNames): string {
  if (!target) return 'an admin';
  const name = names.get(target);
  return name ? `${name} (${target})` : target;
}

const DEFAULT_FIELD: Record<string, string> = {
  board: 'board',
  status: 'status',
  type: 'type',
  subtype: 'subtype',
  item: 'item',
  team: 'team',
  priority: 'priority',
  source: 'source',
  owner: 'owner',
  impact: 'impact',
  severity: 'severity',
};

const NOTIFICATION_KIND: Record<string, string> = {
  created: 'ticket created',
  status_changed: 'status changed',
  note_added: 'note added',
  assigned: 'owner assigned',
  closed: 'ticket closed',
};

const CALLBACK_CHANGE: Record<string, string> = {
  url: 'its address',
  inactive: 'it was switched off',
  selfSuppressed: 'its self-suppress setting',
  description: 'its description',
};

const HOSTED_CHANGE: Record<string, string> = {
  url: 'its address',
  origin: 'its origin',
  podHeight: 'its height',
  disabled: 'it was disabled',
  description: 'its description',
};

const HOSTED_KIND: Record<string, string> = {
  'ticket-pod': 'the Service Ticket pod',
  'ticket-tab': 'the Service Ticket tab',
  'company-tab': 'the Company tab',
};

const REMOVAL_REASON: Record<string, string> = {
  duplicate: 'it was a duplicate',
  not_wanted: 'it was no longer wanted',
};

const DENIED_REASON: Record<string, string> = {
  no_email: 'the identity provider gave no email address',
  not_an_admin: 'the address is not an admin and its domain may not sign in',
  disabled: 'the admin account is disabled',
};

function changedList(changed: unknown, words: Record<string, string>): string | null {
  const items = list(changed).map((c) => words[c] ?? c);
  return items.length ? joinWords(items) : null;
}

function callbackScope(details: Record<string, unknown>): string {
  const board = str(details.boardName);
  if (details.level === 'owner') return 'for all tickets';
  if (board) return `for the board '${board}'`;
  const id = num(details.objectId);
  return id !== null ? `for board ${id}` : '';
}

function hostedScreen(details: Record<string, unknown>): string {
  const kind = str(details.kind);
  if (kind && HOSTED_KIND[kind]) return HOSTED_KIND[kind];
  const type = details.type === 'Tab' ? 'tab' : 'pod';
  const screen = str(details.screen);
  return screen ? `the ${type} on the '${screen}' screen` : `a Manage ${type}`;
}

function syncCounts(details: Record<string, unknown>): string {
  const parts = (['created', 'updated', 'removed', 'failed'] as const)
    .map((k) => [k, num(details[k]) ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k === 'failed' ? 'refused by Manage' : k}`);
  return parts.length ? ` (${parts.join(', ')})` : ' (nothing needed to change)';
}

type Describe = (who: string, d: Record<string, unknown>, entry: AuditSentenceInput, names: AdminNames) => string;

const SENTENCES: Record<string, Describe> = {
  'admin.signin': (who, d) => `${who} signed in${d.provider === 'credentials' ? ' with a password' : d.provider ? ' with single sign-on' : ''}.`,
  'admin.signin.failed': (_who, d, e) => {
    const failures = num(d.failures);
    const count = failures !== null ? ` (${plural(failures, 'failed attempt')} in a row)` : '';
    const locked = d.locked === true ? '; sign-in for this address is locked for a while' : '';
    return `A sign-in as ${e.target ?? 'an unknown address'} failed${count}${locked}.`;
  },
  'admin.signin.denied': (_who, d, e) =>
    `Single sign-on refused ${e.target ?? 'someone without an email address'}: ${DENIED_REASON[str(d.reason) ?? ''] ?? 'they are not allowed to sign in'}.`,
  'admin.user.created': (who, d, e, names) => {
    const name = str(d.name);
    const target = name ? `${name} (${e.target ?? 'no address'})` : person(e.target, names);
    const how = d.signIn === 'oidc' ? ', signing in with single sign-on' : d.signIn === 'password' ? ', signing in with a password' : '';
    return `${who} added the admin ${target}${how}.`;
  },
  'admin.user.disabled': (who, _d, e, names) => `${who} disabled the admin ${person(e.target, names)}.`,
  'admin.user.enabled': (who, _d, e, names) => `${who} enabled the admin ${person(e.target, names)} again.`,
  'admin.user.password_reset': (who, _d, e, names) =>
    `${who} set a new password for ${person(e.target, names)}, which signed them out everywhere.`,
  'manage.connection.saved': (who, d, e) => {
    const site = str(d.endpoint) ?? e.target ?? 'Manage';
    const company = str(d.companyId);
    const secrets = [d.privateKeyChanged === true ? 'private key' : null, d.clientIdChanged === true ? 'client id' : null].filter((x): x is string => x !== null);
    const changed = secrets.length ? ` and changed the ${joinWords(secrets)}` : '';
    return `${who} saved the Manage connection to ${site}${company ? ` (company ${company})` : ''}${changed}.`;
  },
  'rules.saved': (who, d) => {
    const version = num(d.version);
    const lines = num(d.lines);
    const note = str(d.note);
    return `${who} saved the dispatcher rules as version ${version ?? '?'}${lines !== null ? ` (${plural(lines, 'line')})` : ''}${note ? `: “${note}”` : ''}.`;
  },
  'rules.rolled_back': (who, d) => {
    const to = num(d.rollbackOf);
    const version = num(d.version);
    return `${who} rolled back the dispatcher rules to version ${to ?? '?'}${version !== null ? `, saved as version ${version}` : ''}.`;
  },
  'press.retry': (who, d, e) => {
    const attempts = num(d.previousAttempts);
    return `${who} retried the press ${e.target ? e.target.slice(0, 8) : ''}${attempts !== null ? ` after ${plural(attempts, 'attempt')}` : ''}.`.replace(' .', '.');
  },
  'agent_token.created': (who, d) => `${who} created the agent token ${quoted(str(d.name), 'without a name')}.`,
  'agent_token.revoked': (who, d) => `${who} revoked the agent token ${quoted(str(d.name), 'without a name')}.`,
  'setup.ticket_defaults.saved': (who, d) => {
    const changed = list(d.changed).map((k) => DEFAULT_FIELD[k] ?? k);
    return changed.length
      ? `${who} changed the ticket defaults: ${joinWords(changed)}.`
      : `${who} saved the ticket defaults without changing them.`;
  },
  'setup.unregistered.linked': (who, d) =>
    `${who} set where presses from unknown people go: the Manage contact ${str(d.email) ?? 'for unknown people'}.`,
  'setup.unregistered.created': (who, d) => {
    const created = list(d.created);
    return `${who} set where presses from unknown people go: ${str(d.email) ?? 'a catch-all contact'}${created.length ? `, after creating the ${joinWords(created)} in Manage` : ''}.`;
  },
  'setup.callbacks.registered': (who, d) => {
    const scope = d.level === 'owner' ? 'all tickets' : plural(Array.isArray(d.boardIds) ? d.boardIds.length : 0, 'board');
    return `${who} registered the ticket callbacks in Manage for ${scope}${syncCounts(d)}.`;
  },
  'setup.callbacks.created': (who, d) => `${who} added a ticket callback in Manage ${callbackScope(d)}.`.replace(' .', '.'),
  'setup.callbacks.updated': (who, d) => {
    const changed = changedList(d.changed, CALLBACK_CHANGE);
    return `${who} updated the ticket callback ${callbackScope(d)}${changed ? ` (${changed})` : ''}.`.replace(' .', '.');
  },
  'setup.callbacks.repaired': (who, d) => {
    const changed = changedList(d.changed, CALLBACK_CHANGE);
    return `${who} repaired the ticket callback ${callbackScope(d)}${changed ? ` (${changed})` : ''}.`.replace(' .', '.');
  },
  'setup.callbacks.removed': (who, d) => {
    const reason = d.reason === 'removed_by_admin' ? '' : REMOVAL_REASON[str(d.reason) ?? ''] ? ` because ${REMOVAL_REASON[str(d.reason) ?? '']}` : '';
    return `${who} removed the ticket callback ${callbackScope(d)} from Manage${reason}.`.replace('  ', ' ');
  },
  'setup.pod.registered': (who, d) => {
    const tabs = list(d.tabs).map((t) => HOSTED_KIND[t] ?? t);
    return `${who} registered the pod${tabs.length ? ` and ${joinWords(tabs)}` : ''} in Manage${syncCounts(d)}.`;
  },
  'setup.pod.created': (who, d) => `${who} added ${hostedScreen(d)} in Manage.`,
  'setup.pod.updated': (who, d) => {
    const changed = changedList(d.changed, HOSTED_CHANGE);
    return `${who} updated ${hostedScreen(d)} in Manage${changed ? ` (${changed})` : ''}.`;
  },
  'setup.pod.repaired': (who, d) => {
    const changed = changedList(d.changed, HOSTED_CHANGE);
    return `${who} repaired ${hostedScreen(d)} in Manage${changed ? ` (${changed})` : ''}.`;
  },
  'setup.pod.removed': (who, d) => {
    const reason = REMOVAL_REASON[str(d.reason) ?? ''];
    return `${who} removed ${hostedScreen(d)} from Manage${reason ? ` because ${reason}` : ''}.`;
  },
  'notifications.settings_saved': (who, d) => {
    const changed = list(d.changed).map((k) => `'${NOTIFICATION_KIND[k] ?? k}'`);
    const off = list(d.disabled).map((k) => `'${NOTIFICATION_KIND[k] ?? k}'`);
    const what = changed.length ? `changed the ${joinWords(changed)} ${changed.length === 1 ? 'notification' : 'notifications'}` : 'saved the notification settings without changes';
    return `${who} ${what}${off.length ? `; switched off: ${joinWords(off)}` : ''}.`;
  },
};

/** Every event kind with its own sentence; anything else gets the fallback. */
export const DESCRIBED_AUDIT_ACTIONS = Object.keys(SENTENCES);

/** "setup.ticket_defaults.saved" → "saved ticket defaults", for kinds without their own sentence. */
function fallbackSentence(who: string, entry: AuditSentenceInput): string {
  const words = entry.action
    .split(/[._]/)
    .filter(Boolean)
    .filter((w) => !['setup', 'admin'].includes(w));
  const verb = words.length > 1 ? words.at(-1)! : 'changed';
  const object = words.length > 1 ? words.slice(0, -1).join(' ') : (words[0] ?? 'a setting');
  return `${who} ${verb} ${object}${entry.target && !entry.target.includes('.') ? ` (${entry.target})` : ''}.`;
}

export function describeAuditEntry(entry: AuditSentenceInput, names: AdminNames = new Map()): string {
  const who = describeActor(entry.actor, names);
  const describe = SENTENCES[entry.action];
  return describe ? describe(who, entry.details ?? {}, entry, names) : fallbackSentence(who, entry);
}
