import 'server-only';
import type { LookupTables } from '@/lib/connectwise/lookup-cache';
import type { ManageLevel, ManageMember, ManagePriority } from '@/lib/connectwise/types';
import { MANAGE_DEFAULT, type RuleName, type RuleNameOrNumber } from '@/lib/rules/engine/rule-engine';
import type { TicketDefaults } from '@/lib/settings/intake-settings';

/** The cached lookup tables that name resolution reads. */
export type LookupTableReader = Pick<
  LookupTables,
  'boards' | 'boardStatuses' | 'boardTypes' | 'boardSubTypes' | 'boardItems' | 'boardTeams' | 'priorities' | 'sources' | 'members'
>;

/**
 * What defaults and rules asked for, by name (or integer for priority, impact and urgency).
 * Rules can leave None or a fraction here (what Python computed); those are reported.
 */
export type WantedTicketFields = {
  board: RuleName;
  state: RuleName;
  type: RuleName;
  subtype: RuleName;
  item: RuleName;
  team: RuleName;
  priority: RuleNameOrNumber;
  source: RuleName;
  owner: RuleName;
  impact: RuleNameOrNumber;
  urgency: RuleNameOrNumber;
};

export type ResolvedTicketFields = {
  boardId?: number;
  statusId?: number;
  typeId?: number;
  subTypeId?: number;
  itemId?: number;
  teamId?: number;
  priorityId?: number;
  sourceId?: number;
  ownerId?: number;
  impact?: ManageLevel;
  severity?: ManageLevel;
  /** The names that were used, for the trace and the report. */
  used: Record<keyof WantedTicketFields, string>;
};

type Named = { id: number; name: string };

const isDefault = (v: RuleNameOrNumber) => v === MANAGE_DEFAULT || (typeof v === 'string' && v.trim() === '');
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const quote = (v: RuleNameOrNumber) => (v === null ? 'None' : typeof v === 'number' ? String(v) : `'${v}'`);

/** Why Manage cannot take a value the rules computed at all (before looking it up by name). */
function unusableValue(value: RuleNameOrNumber): string | null {
  if (value === null) return 'None (the rules set no value)';
  if (typeof value === 'number' && !Number.isInteger(value)) return `${value} (not a whole number)`;
  if (typeof value === 'number' && value < 0) return `${value} (below 0)`;
  return null;
}

function findByName<T extends Named & { inactive?: boolean }>(list: readonly T[], name: string): T | undefined {
  return list.find((x) => !x.inactive && sameName(x.name, name)) ?? list.find((x) => sameName(x.name, name));
}

/** Impact and urgency: a name (High, Medium, Low) or 0/1/2 = High/Medium/Low, as users' rules expect. */
export function toManageLevel(value: string | number): ManageLevel | undefined {
  const levels: ManageLevel[] = ['High', 'Medium', 'Low'];
  if (typeof value === 'number' || /^\d+$/.test(String(value).trim())) return levels[Number(value)];
  return levels.find((l) => sameName(l, String(value)));
}

/** Priority: a name, or an integer index into Manage's priorities by sort order (0 = most urgent). */
export function findPriority(priorities: readonly ManagePriority[], value: string | number): ManagePriority | undefined {
  if (typeof value === 'number' || /^\d+$/.test(String(value).trim())) {
    const ordered = [...priorities].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0) || a.id - b.id);
    return ordered[Number(value)];
  }
  return findByName(priorities, String(value));
}

export function findMember(members: readonly ManageMember[], value: string): ManageMember | undefined {
  const active = members.filter((m) => !m.inactive);
  return (
    active.find((m) => sameName(m.identifier, value)) ??
    active.find((m) => sameName(`${m.firstName ?? ''} ${m.lastName ?? ''}`, value))
  );
}

/**
 * Names become ids on the final board. A value Manage does not have falls back to the
 * default and is reported; a default Manage does not have is left to Manage and reported.
 * The ticket is always created.
 */
export async function resolveTicketFields(
  tables: LookupTableReader,
  wanted: WantedTicketFields,
  defaults: TicketDefaults,
): Promise<{ fields: ResolvedTicketFields; submissionErrors: string[] }> {
  const errors: string[] = [];
  const used = { ...wanted } as Record<keyof WantedTicketFields, string>;
  const fields: ResolvedTicketFields = { used };

  async function pick<T>(
    label: string,
    key: keyof WantedTicketFields,
    wantedValue: RuleNameOrNumber,
    defaultValue: string | number,
    lookup: (value: string | number) => T | undefined | Promise<T | undefined>,
    where = '',
  ): Promise<T | undefined> {
    if (isDefault(wantedValue)) {
      used[key] = MANAGE_DEFAULT;
      return undefined;
    }
    const unusable = unusableValue(wantedValue);
    if (!unusable) {
      const found = await lookup(wantedValue as string | number);
      if (found) return found;
    }
    const problem = unusable ? `${label} ${unusable} cannot be sent to Manage` : `${label} ${quote(wantedValue)} not found${where}`;
    if (isDefault(defaultValue) || String(defaultValue) === String(wantedValue)) {
      errors.push(`${problem}; left to Manage's default`);
      used[key] = MANAGE_DEFAULT;
      return undefined;
    }
    const fallback = await lookup(defaultValue);
    if (fallback) {
      errors.push(`${problem}; used the default ${quote(defaultValue)}`);
      used[key] = String(defaultValue);
      return fallback;
    }
    errors.push(`${problem}, nor the default ${quote(defaultValue)}; left to Manage's default`);
    used[key] = MANAGE_DEFAULT;
    return undefined;
  }

  // Members are read only when an owner is asked for: an API member without
  // Member Maintenance rights can still file every other press.
  const needsMembers = !isDefault(wanted.owner) || !isDefault(defaults.owner);
  const [boards, priorities, sources, members] = await Promise.all([
    tables.boards(),
    tables.priorities(),
    tables.sources(),
    needsMembers ? tables.members() : Promise.resolve([]),
  ]);

  const board = await pick('Board', 'board', wanted.board, defaults.board, (v) => findByName(boards, String(v)));
  if (board) {
    fields.boardId = board.id;
    used.board = board.name;
    const where = ` on board '${board.name}'`;
    const [statuses, types, subtypes, items, teams] = await Promise.all([
      tables.boardStatuses(board.id),
      tables.boardTypes(board.id),
      tables.boardSubTypes(board.id),
      tables.boardItems(board.id),
      tables.boardTeams(board.id),
    ]);
    // A default that names something only another board has is just as wrong, so it is
    // resolved on this board too and reported the same way.
    fields.statusId = (await pick('Status', 'state', wanted.state, defaults.status, (v) => findByName(statuses, String(v)), where))?.id;
    fields.typeId = (await pick('Type', 'type', wanted.type, defaults.type, (v) => findByName(types, String(v)), where))?.id;
    fields.subTypeId = (await pick('Subtype', 'subtype', wanted.subtype, defaults.subtype, (v) => findByName(subtypes, String(v)), where))?.id;
    fields.itemId = (await pick('Item', 'item', wanted.item, defaults.item, (v) => findByName(items, String(v)), where))?.id;
    fields.teamId = (await pick('Team', 'team', wanted.team, defaults.team, (v) => findByName(teams, String(v)), where))?.id;
  } else {
    // State, team and type belong to a board: without one Manage chooses them (seed guide).
    for (const [label, key] of [
      ['Status', 'state'],
      ['Type', 'type'],
      ['Subtype', 'subtype'],
      ['Item', 'item'],
      ['Team', 'team'],
    ] as const) {
      if (!isDefault(wanted[key])) {
        errors.push(`${label} ${quote(wanted[key])} needs a board named explicitly; left to Manage's default`);
      }
      used[key] = MANAGE_DEFAULT;
    }
  }

  fields.priorityId = (await pick('Priority', 'priority', wanted.priority, defaults.priority, (v) => findPriority(priorities, v)))?.id;
  fields.sourceId = (await pick('Source', 'source', wanted.source, defaults.source, (v) => findByName(sources, String(v))))?.id;
  fields.ownerId = (await pick('Owner', 'owner', wanted.owner, defaults.owner, (v) => findMember(members, String(v))))?.id;
  fields.impact = await pick('Impact', 'impact', wanted.impact, defaults.impact, toManageLevel);
  fields.severity = await pick('Urgency', 'urgency', wanted.urgency, defaults.severity, toManageLevel);
  if (fields.impact) used.impact = fields.impact;
  if (fields.severity) used.urgency = fields.severity;

  return { fields, submissionErrors: errors };
}
