import { describe, expect, it } from 'vitest';
import { findPriority, resolveTicketFields, toManageLevel, type LookupTableReader } from '@/lib/intake/resolve-ticket-fields';
import type { TicketDefaults } from '@/lib/settings/intake-settings';

// Lookup tables as plain data: name resolution is pure logic over them.
const boards = [
  { id: 1, name: 'Help Desk', inactive: false, projectFlag: false },
  { id: 2, name: 'Alerts', inactive: false, projectFlag: false },
];
const perBoard = <T>(byBoard: Record<number, T[]>) => async (boardId: number) => byBoard[boardId] ?? [];
const tables: LookupTableReader = {
  boards: async () => boards,
  boardStatuses: perBoard({
    1: [{ id: 11, name: 'New', boardId: 1, sortOrder: 0, defaultFlag: true, inactive: false, closedStatus: false }],
    2: [{ id: 21, name: 'Triage', boardId: 2, sortOrder: 0, defaultFlag: true, inactive: false, closedStatus: false }],
  }),
  boardTypes: perBoard({ 1: [{ id: 12, name: 'Incident', boardId: 1, defaultFlag: false, inactive: false }] }),
  boardSubTypes: perBoard({}),
  boardItems: perBoard({}),
  boardTeams: perBoard({
    1: [{ id: 13, name: 'Tier 1', boardId: 1, defaultFlag: true }],
    2: [{ id: 23, name: 'NOC', boardId: 2, defaultFlag: true }],
  }),
  priorities: async () => [
    { id: 103, name: 'Priority 3 - Normal', sortOrder: 3, defaultFlag: true, level: null },
    { id: 101, name: 'Priority 1 - Emergency', sortOrder: 1, defaultFlag: false, level: null },
    { id: 102, name: 'Priority 2 - Quick', sortOrder: 2, defaultFlag: false, level: null },
  ],
  sources: async () => [{ id: 7, name: 'Helpdesk Button', defaultFlag: false }],
  members: async () => [
    { id: 5, identifier: 'jsmith', firstName: 'John', lastName: 'Smith', email: null, inactive: false, licenseClass: 'F' },
    { id: 6, identifier: 'gone', firstName: 'Old', lastName: 'Timer', email: null, inactive: true, licenseClass: 'F' },
  ],
};

const d = '__default__';
const defaults: TicketDefaults = {
  board: 'Help Desk', status: 'New', type: d, subtype: d, item: d, team: 'Tier 1',
  priority: d, source: 'Helpdesk Button', owner: d, impact: d, severity: d,
};
const wantedFrom = (over: Partial<Record<string, string | number | null>> = {}) => ({
  board: defaults.board, state: defaults.status, type: defaults.type, subtype: defaults.subtype, item: defaults.item,
  team: defaults.team, priority: defaults.priority, source: defaults.source, owner: defaults.owner,
  impact: defaults.impact, urgency: defaults.severity, ...over,
});

describe('resolveTicketFields', () => {
  it('turns names into ids on the chosen board, case-insensitively', async () => {
    const { fields, submissionErrors } = await resolveTicketFields(
      tables,
      wantedFrom({ board: 'alerts', state: 'TRIAGE', team: 'noc', owner: 'JSmith', priority: 0, impact: 'high', urgency: 2 }),
      defaults,
    );
    expect(submissionErrors).toEqual([]);
    expect(fields).toMatchObject({
      boardId: 2, statusId: 21, teamId: 23, ownerId: 5, priorityId: 101, sourceId: 7, impact: 'High', severity: 'Low',
    });
    expect(fields.typeId).toBeUndefined();
  });

  it('falls back to the default board when a board is unknown, and says so', async () => {
    const { fields, submissionErrors } = await resolveTicketFields(tables, wantedFrom({ board: 'Professional Services' }), defaults);
    expect(fields.boardId).toBe(1);
    expect(fields.statusId).toBe(11);
    expect(submissionErrors).toEqual(["Board 'Professional Services' not found; used the default 'Help Desk'"]);
  });

  it('resolves board-scoped values on the final board: a status of another board falls back', async () => {
    const { fields, submissionErrors } = await resolveTicketFields(tables, wantedFrom({ state: 'Triage' }), defaults);
    expect(fields.statusId).toBe(11);
    expect(submissionErrors).toEqual(["Status 'Triage' not found on board 'Help Desk'; used the default 'New'"]);
  });

  it('reports a default that does not exist on the board and leaves it to Manage', async () => {
    const { fields, submissionErrors } = await resolveTicketFields(
      tables,
      wantedFrom({ board: 'Alerts', team: 'Tier 1' }),
      defaults,
    );
    expect(fields.teamId).toBeUndefined();
    expect(fields.statusId).toBeUndefined();
    expect(submissionErrors).toEqual([
      "Status 'New' not found on board 'Alerts'; left to Manage's default",
      "Team 'Tier 1' not found on board 'Alerts'; left to Manage's default",
    ]);
  });

  it('leaves board-scoped values to Manage when the board is __default__, reporting custom ones', async () => {
    const { fields, submissionErrors } = await resolveTicketFields(
      tables,
      wantedFrom({ board: d, state: 'New', team: d }),
      { ...defaults, board: d },
    );
    expect(fields.boardId).toBeUndefined();
    expect(fields.statusId).toBeUndefined();
    expect(submissionErrors).toEqual(["Status 'New' needs a board named explicitly; left to Manage's default"]);
  });

  it('skips inactive members and unknown priorities with a report', async () => {
    const { fields, submissionErrors } = await resolveTicketFields(
      tables,
      wantedFrom({ owner: 'gone', priority: 'Whenever' }),
      defaults,
    );
    expect(fields.ownerId).toBeUndefined();
    expect(fields.priorityId).toBeUndefined();
    expect(submissionErrors).toEqual([
      "Priority 'Whenever' not found; left to Manage's default",
      "Owner 'gone' not found; left to Manage's default",
    ]);
  });
});

describe('values rules computed that Manage cannot take', () => {
  it('a fraction or None is reported as a Submission Error and falls back like an unknown name', async () => {
    const withPriorityDefault = { ...defaults, priority: 'Priority 3 - Normal' };
    const { fields, submissionErrors } = await resolveTicketFields(
      tables,
      wantedFrom({ priority: 2.5, board: null, impact: null, urgency: -1 }),
      withPriorityDefault,
    );
    expect(fields.priorityId).toBe(103);
    expect(fields.boardId).toBe(1);
    expect(fields.impact).toBeUndefined();
    expect(fields.severity).toBeUndefined();
    expect(submissionErrors).toEqual([
      "Board None (the rules set no value) cannot be sent to Manage; used the default 'Help Desk'",
      "Priority 2.5 (not a whole number) cannot be sent to Manage; used the default 'Priority 3 - Normal'",
      "Impact None (the rules set no value) cannot be sent to Manage; left to Manage's default",
      "Urgency -1 (below 0) cannot be sent to Manage; left to Manage's default",
    ]);
  });
});

describe('levels and priorities', () => {
  it('maps impact/urgency integers 0/1/2 to High/Medium/Low and names case-insensitively', () => {
    expect([0, 1, 2, '1', 'low', 'MEDIUM', 3, 'huge'].map((v) => toManageLevel(v))).toEqual([
      'High', 'Medium', 'Low', 'Medium', 'Low', 'Medium', undefined, undefined,
    ]);
  });

  it('indexes priorities by sort order', async () => {
    const list = await tables.priorities();
    expect(findPriority(list, 0)?.id).toBe(101);
    expect(findPriority(list, '2')?.id).toBe(103);
    expect(findPriority(list, 9)).toBeUndefined();
  });
});
