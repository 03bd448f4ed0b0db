import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import type { ManageContext } from '@/lib/manage-client/manage-context';
import type { PressFacts } from '@/lib/intake/press-facts';
import { resolveContact, ruleVariablesFor } from '@/lib/intake/process-press';
import { draftTicket } from '@/lib/intake/draft-ticket';
import { findMember, findPriority, toManageLevel, type LookupTableReader } from '@/lib/intake/resolve-ticket-fields';
import { MANAGE_DEFAULT } from '@/lib/rules/engine/rule-engine';
import {
  isManageDefault,
  loadIntakeSettings,
  SETTING_KEYS,
  ticketDefaultsSchema,
  type IntakeSettings,
  type TicketDefaults,
} from '@/lib/settings/intake-settings';
import { writeSetting } from '@/lib/settings/settings-store';
import { deskbellPublicUrl } from '@/lib/env';
import type { DeskbellDatabase } from '@/lib/store/database';
import { loadAppManageContext, toSetupApiError } from './manage-access';

/**
 * Step 4: ticket defaults chosen from Manage's own lists (through the app's lookup-table
 * cache), and a preview of the ticket a sample press would produce, built from the same
 * pure pieces the press pipeline uses.
 */

export type DefaultsOption = { value: string; label: string };
export type BoardScopedOptions = {
  statuses: DefaultsOption[];
  types: DefaultsOption[];
  subtypes: DefaultsOption[];
  items: DefaultsOption[];
  teams: DefaultsOption[];
};
export type DefaultsOptions = {
  boards: (DefaultsOption & { id: number })[];
  priorities: DefaultsOption[];
  sources: DefaultsOption[];
  owners: DefaultsOption[];
  impacts: DefaultsOption[];
  severities: DefaultsOption[];
};

export const DEFAULT_OPTION: DefaultsOption = { value: MANAGE_DEFAULT, label: 'Manage\u2019s default (__default__)' };

type Named = { name: string; inactive?: boolean };
const byName = <T extends Named>(list: readonly T[]): DefaultsOption[] =>
  [DEFAULT_OPTION, ...list.filter((x) => !x.inactive).map((x) => ({ value: x.name, label: x.name }))];

/** Every list that does not depend on the board. */
export async function listDefaultsOptions(tables: ManageContext['tables']): Promise<DefaultsOptions> {
  const [boards, priorities, sources, members, impacts, severities] = await Promise.all([
    tables.boards(),
    tables.priorities(),
    tables.sources(),
    tables.members(),
    tables.impacts(),
    tables.severities(),
  ]);
  return {
    boards: boards.filter((b) => !b.inactive && !b.projectFlag).map((b) => ({ id: b.id, value: b.name, label: b.name })),
    priorities: byName([...priorities].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))),
    sources: byName(sources),
    owners: [
      DEFAULT_OPTION,
      ...members
        .filter((m) => !m.inactive)
        .map((m) => ({ value: m.identifier, label: `${[m.firstName, m.lastName].filter(Boolean).join(' ') || m.identifier} (${m.identifier})` })),
    ],
    impacts: byName(impacts),
    severities: byName(severities),
  };
}

/** The lists that belong to one board (status, type, subtype, item, team). */
export async function listBoardOptions(tables: ManageContext['tables'], boardId: number): Promise<BoardScopedOptions> {
  const boards = await tables.boards();
  if (!boards.some((b) => b.id === boardId)) throw new DeskbellApiError('not_found', `Manage has no board with id ${boardId}.`);
  const [statuses, types, subtypes, items, teams] = await Promise.all([
    tables.boardStatuses(boardId),
    tables.boardTypes(boardId),
    tables.boardSubTypes(boardId),
    tables.boardItems(boardId),
    tables.boardTeams(boardId),
  ]);
  return { statuses: byName(statuses), types: byName(types), subtypes: byName(subtypes), items: byName(items), teams: byName(teams) };
}

const BOARD_SCOPED = ['status', 'type', 'subtype', 'item', 'team'] as const;

/** Which chosen values Manage does not have, as field messages (reads the cached tables). */
export async function findDefaultsProblems(tables: LookupTableReader & Pick<ManageContext['tables'], 'impacts' | 'severities'>, d: TicketDefaults): Promise<{ path: keyof TicketDefaults; message: string }[]> {
  const problems: { path: keyof TicketDefaults; message: string }[] = [];
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const boards = await tables.boards();
  const board = isManageDefault(d.board) ? undefined : boards.find((b) => same(b.name, d.board));
  if (!isManageDefault(d.board) && !board) problems.push({ path: 'board', message: `Manage has no board named '${d.board}'.` });
  if (isManageDefault(d.board)) {
    for (const key of BOARD_SCOPED) {
      if (!isManageDefault(d[key])) {
        problems.push({ path: key, message: `A ${key} belongs to a board: choose the board by name first (the __default__ board cannot carry a ${key}).` });
      }
    }
  } else if (board) {
    const lists = {
      status: await tables.boardStatuses(board.id),
      type: await tables.boardTypes(board.id),
      subtype: await tables.boardSubTypes(board.id),
      item: await tables.boardItems(board.id),
      team: await tables.boardTeams(board.id),
    };
    for (const key of BOARD_SCOPED) {
      const wanted = d[key];
      if (!isManageDefault(wanted) && !lists[key].some((x: Named) => same(x.name, wanted))) {
        problems.push({ path: key, message: `Board '${board.name}' has no ${key} named '${wanted}'.` });
      }
    }
  }
  const [priorities, sources, members, impacts, severities] = await Promise.all([
    tables.priorities(),
    tables.sources(),
    tables.members(),
    tables.impacts(),
    tables.severities(),
  ]);
  if (!isManageDefault(d.priority) && !findPriority(priorities, d.priority)) problems.push({ path: 'priority', message: `Manage has no priority '${d.priority}'.` });
  if (!isManageDefault(d.source) && !sources.some((s) => same(s.name, d.source))) problems.push({ path: 'source', message: `Manage has no source '${d.source}'.` });
  if (!isManageDefault(d.owner) && !findMember(members, d.owner)) problems.push({ path: 'owner', message: `Manage has no active member '${d.owner}'.` });
  for (const [key, list] of [['impact', impacts], ['severity', severities]] as const) {
    const value = d[key];
    if (!isManageDefault(value) && !toManageLevel(value) && !list.some((x) => same(x.name, value))) {
      problems.push({ path: key, message: `'${value}' is not an ${key} level (High, Medium or Low).` });
    }
  }
  return problems;
}

export type DefaultsPageData = {
  current: TicketDefaults;
  options: DefaultsOptions;
  /** The lists of the current board, when one is chosen by name. */
  boardOptions: BoardScopedOptions | null;
};

/** What the defaults form needs to render: current values and Manage's lists (cached). */
export async function loadDefaultsPage(db: DeskbellDatabase): Promise<DefaultsPageData> {
  const [settings, context] = await Promise.all([loadIntakeSettings(db), loadAppManageContext(db)]);
  try {
    const options = await listDefaultsOptions(context.tables);
    const board = options.boards.find((b) => b.value.toLowerCase() === settings.defaults.board.toLowerCase());
    return { current: settings.defaults, options, boardOptions: board ? await listBoardOptions(context.tables, board.id) : null };
  } catch (error) {
    throw toSetupApiError(error);
  }
}

export async function loadBoardOptions(db: DeskbellDatabase, boardId: number): Promise<BoardScopedOptions> {
  const context = await loadAppManageContext(db);
  try {
    return await listBoardOptions(context.tables, boardId);
  } catch (error) {
    throw toSetupApiError(error);
  }
}

/** Refuses values Manage does not have (field by field), then stores and audits the defaults. */
export async function saveTicketDefaults(db: DeskbellDatabase, defaults: TicketDefaults, actor: string): Promise<TicketDefaults> {
  const value = ticketDefaultsSchema.parse(defaults);
  const context = await loadAppManageContext(db);
  let problems;
  try {
    problems = await findDefaultsProblems(context.tables, value);
  } catch (error) {
    throw toSetupApiError(error);
  }
  if (problems.length > 0) {
    throw new DeskbellApiError('unprocessable_entity', 'Some defaults are not in Manage.', problems.map((p) => ({ path: p.path, message: p.message })));
  }
  const before = (await loadIntakeSettings(db)).defaults;
  await writeSetting(db, SETTING_KEYS.ticketDefaults, ticketDefaultsSchema, value);
  const changed = (Object.keys(value) as (keyof TicketDefaults)[]).filter((k) => before[k] !== value[k]);
  await recordAudit(db, { actor, action: 'setup.ticket_defaults.saved', target: SETTING_KEYS.ticketDefaults, details: { changed, values: value } });
  return value;
}

export type SamplePress = { message: string; email?: string; name?: string; hostname?: string; username?: string };

export type TicketPreview = {
  summary: string;
  description: string;
  internalNote: string;
  contact: { id: number; companyId: number; companyName: string | null; registered: boolean } | null;
  /** What the ticket asks Manage for, by name; "__default__" leaves it to Manage. */
  fields: Record<'board' | 'status' | 'type' | 'subtype' | 'item' | 'team' | 'priority' | 'source' | 'owner' | 'impact' | 'urgency', string>;
  submissionErrors: string[];
  /** Why the preview may differ from a real press. */
  notes: string[];
};

const PREVIEW_PRESS_ID = '00000000-0000-4000-8000-000000000000';

/**
 * The ticket a press would produce with these defaults, without creating anything: contact
 * lookup, rule variables, name resolution and the ticket texts are the pipeline's own.
 */
export async function previewTicketWith(
  context: ManageContext,
  settings: IntakeSettings,
  sample: SamplePress,
  publicUrl: string,
): Promise<TicketPreview> {
  const notes: string[] = [];
  const facts: PressFacts = {
    message: sample.message,
    name: sample.name,
    email: sample.email,
    selections: [],
    append: [],
    host: { hostname: sample.hostname, username: sample.username },
    registration: { name: sample.name, email: sample.email },
    custom: {},
  };
  let contact: Awaited<ReturnType<typeof resolveContact>> | null = null;
  try {
    contact = await resolveContact(context, settings, facts.email);
  } catch (error) {
    notes.push(`The contact could not be resolved: ${error instanceof Error ? error.message : 'unknown error'}. A real press would wait and retry.`);
  }
  const variables = ruleVariablesFor(facts, settings, contact ?? { id: 0, companyId: 0, companyName: null, registered: false, name: null });
  if (settings.rulesSource) notes.push('Dispatcher rules are not applied in this preview.');
  // The very function the pipeline uses, so the preview cannot drift from what a press sends.
  const draft = await draftTicket({
    tables: context.tables,
    defaults: settings.defaults,
    facts,
    contact: contact ?? { id: 0, companyId: 0, companyName: null, registered: false, name: null },
    variables,
    pressId: PREVIEW_PRESS_ID,
    publicUrl,
    earlierErrors: [],
  });
  const u = draft.fields.used;
  const submissionErrors = draft.submissionErrors;
  return {
    summary: draft.input.summary,
    description: draft.input.initialDescription ?? '',
    internalNote: draft.input.initialInternalAnalysis ?? '',
    contact: contact && { id: contact.id, companyId: contact.companyId, companyName: contact.companyName, registered: contact.registered },
    fields: {
      board: u.board,
      status: u.state,
      type: u.type,
      subtype: u.subtype,
      item: u.item,
      team: u.team,
      priority: String(u.priority),
      source: u.source,
      owner: u.owner,
      impact: String(u.impact),
      urgency: String(u.urgency),
    },
    submissionErrors,
    notes,
  };
}

/** Preview with the defaults as they stand in the form (not yet saved). */
export async function previewTicket(db: DeskbellDatabase, input: { defaults: TicketDefaults; sample: SamplePress }): Promise<TicketPreview> {
  const [settings, context] = await Promise.all([loadIntakeSettings(db), loadAppManageContext(db)]);
  try {
    return await previewTicketWith(context, { ...settings, defaults: ticketDefaultsSchema.parse(input.defaults) }, input.sample, deskbellPublicUrl());
  } catch (error) {
    throw toSetupApiError(error);
  }
}
