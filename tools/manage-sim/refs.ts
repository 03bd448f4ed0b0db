/**
 * Builders for the reference objects Manage embeds in records (`board: {id, name, _info}`),
 * with `_info` links the way Manage renders them. `_info` values are always strings.
 */
import type {
  SimBoard,
  SimBoardChild,
  SimBoardStatus,
  SimCompany,
  SimConfiguration,
  SimContact,
  SimMember,
  SimNamed,
  SimPriority,
  SimSla,
} from './store';

export type Refs = ReturnType<typeof createRefs>;

export function contactDisplayName(contact: SimContact): string {
  return [contact.firstName, contact.lastName].filter((part) => part && part.length > 0).join(' ');
}

export function memberDisplayName(member: SimMember): string {
  return `${member.firstName} ${member.lastName}`.trim();
}

export function createRefs(baseUrl: string) {
  const href = (path: string) => `${baseUrl}${path}`;
  return {
    href,
    company: (c: SimCompany) => ({
      id: c.id,
      identifier: c.identifier,
      name: c.name,
      _info: { company_href: href(`/company/companies/${c.id}`) },
    }),
    contact: (c: SimContact) => ({
      id: c.id,
      name: contactDisplayName(c),
      _info: { contact_href: href(`/company/contacts/${c.id}`) },
    }),
    board: (b: SimBoard) => ({ id: b.id, name: b.name, _info: { board_href: href(`/service/boards/${b.id}`) } }),
    status: (s: SimBoardStatus) => ({
      id: s.id,
      name: s.name,
      sort: s.sortOrder ?? 0,
      _info: { status_href: href(`/service/boards/${s.board.id}/statuses/${s.id}`) },
    }),
    boardChild: (kind: 'types' | 'subtypes' | 'items' | 'teams', child: SimBoardChild) => {
      const boardId = child.board?.id ?? child.boardId ?? 0;
      const key = { types: 'type_href', subtypes: 'subType_href', items: 'item_href', teams: 'team_href' }[kind];
      return { id: child.id, name: child.name, _info: { [key]: href(`/service/boards/${boardId}/${kind}/${child.id}`) } };
    },
    member: (m: SimMember) => ({
      id: m.id,
      identifier: m.identifier,
      name: memberDisplayName(m),
      _info: { member_href: href(`/system/members/${m.id}`) },
    }),
    priority: (p: SimPriority) => ({
      id: p.id,
      name: p.name,
      sort: p.sortOrder ?? 0,
      ...(p.level ? { level: p.level } : {}),
      _info: { priority_href: href(`/service/priorities/${p.id}`) },
    }),
    source: (s: SimNamed) => ({ id: s.id, name: s.name, _info: { source_href: href(`/service/sources/${s.id}`) } }),
    sla: (s: SimSla) => ({ id: s.id, name: s.name, _info: { sla_href: href(`/service/SLAs/${s.id}`) } }),
    named: (r: { id: number; name: string }) => ({ id: r.id, name: r.name }),
    configuration: (c: SimConfiguration) => ({
      id: c.id,
      deviceIdentifier: c.deviceIdentifier ?? c.name,
      _info: { configuration_href: href(`/company/configurations/${c.id}`) },
    }),
  };
}
