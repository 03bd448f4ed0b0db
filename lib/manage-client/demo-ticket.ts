import 'server-only';
import { isManageError } from '@/lib/connectwise/errors';
import { getTicket } from '@/lib/connectwise/tickets';
import type { ManageTicket } from '@/lib/connectwise/types';
import { getAppManageContext } from './manage-context';

/**
 * The ticket the demo Manage screen (app/demo/manage, demo mode only) shows, read through Deskbell's own Manage adapter, with
 * what a technician picks from: the statuses of its board and the active members.
 */
export type DemoTicketView = {
  id: number;
  summary: string;
  board: string | null;
  status: string | null;
  closed: boolean;
  company: string | null;
  contact: string | null;
  owner: string | null;
  ownerIdentifier: string | null;
  statuses: string[];
  members: { identifier: string; name: string }[];
};

export type DemoTicketLoad =
  | { state: 'found'; ticket: DemoTicketView }
  | { state: 'not_found' }
  | { state: 'unavailable'; reason: string };

function viewOf(ticket: ManageTicket, statuses: string[], members: DemoTicketView['members']): DemoTicketView {
  return {
    id: ticket.id,
    summary: ticket.summary,
    board: ticket.boardName,
    status: ticket.statusName,
    closed: ticket.closedFlag,
    company: ticket.companyName,
    contact: ticket.contactName,
    owner: ticket.ownerName ?? ticket.ownerIdentifier,
    ownerIdentifier: ticket.ownerIdentifier,
    statuses,
    members,
  };
}

export async function loadDemoTicket(id: number): Promise<DemoTicketLoad> {
  const manage = await getAppManageContext();
  if (!manage.ok) return { state: 'unavailable', reason: manage.reason };
  const { context } = manage;
  let ticket: ManageTicket;
  try {
    ticket = await getTicket(context.client, id);
  } catch (err) {
    if (isManageError(err) && err.status === 404) return { state: 'not_found' };
    return { state: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
  }
  // The choices are a convenience: without them the fields still show, the buttons do not.
  const [statuses, members] = await Promise.all([
    ticket.boardId === null
      ? Promise.resolve([])
      : context.tables.boardStatuses(ticket.boardId).then(
          (all) => all.filter((s) => !s.inactive).map((s) => s.name),
          () => [],
        ),
    context.tables.members().then(
      (all) =>
        all
          .filter((m) => !m.inactive && m.licenseClass !== 'A')
          .map((m) => ({ identifier: m.identifier, name: [m.firstName, m.lastName].filter(Boolean).join(' ') || m.identifier })),
      () => [],
    ),
  ]);
  return { state: 'found', ticket: viewOf(ticket, statuses, members) };
}
