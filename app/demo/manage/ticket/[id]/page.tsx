import type { Metadata } from 'next';
import { DemoManageFrame } from '@/components/pod/demo-manage-frame';
import { DemoTechnicianPanel } from '@/components/pod/demo-technician-panel';
import { DemoManageChrome } from '../../demo-manage-chrome';
import { loadDemoManage, parseDemoRecordId } from '../../load-demo-manage';
import { loadDemoTicket } from '@/lib/manage-client/demo-ticket';
import { changeDemoTicket } from '../../technician-actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Demo Manage ticket', robots: { index: false, follow: false } };

type Props = { params: Promise<{ id: string }> };

/** A Manage Service Ticket screen with the Deskbell pod, in demo mode only (404 otherwise). */
export default async function DemoManageTicketPage({ params }: Props) {
  const id = parseDemoRecordId((await params).id);
  const setup = await loadDemoManage();
  const loaded = setup.ok ? await loadDemoTicket(id) : null;
  const ticket = loaded?.state === 'found' ? loaded.ticket : null;
  return (
    <DemoManageChrome
      breadcrumb="Service Desk › Service Board › Ticket"
      title={ticket ? `Service Ticket #${id} · ${ticket.summary}` : `Service Ticket #${id}`}
      siteLabel={setup.ok ? setup.siteLabel : null}
      fields={
        ticket
          ? [
              ['Board', ticket.board],
              ['Status', ticket.status],
              ['Company', ticket.company],
              ['Contact', ticket.contact],
              ['Owner', ticket.owner],
            ]
          : []
      }
    >
      {!setup.ok ? (
        <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-manage-problem">
          {setup.problem}
        </p>
      ) : loaded?.state === 'not_found' ? (
        // Manage opens no ticket screen for a ticket it does not have, so there is no pod either.
        <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-manage-problem">
          Manage has no ticket #{id}. Open a ticket number a press printed, or one from the presses dashboard.
        </p>
      ) : (
        <>
          {loaded?.state === 'unavailable' ? (
            <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-manage-problem">
              The ticket&rsquo;s fields could not be read from Manage: {loaded.reason}
            </p>
          ) : null}
          {ticket ? (
            <DemoTechnicianPanel
              ticketId={ticket.id}
              status={ticket.status}
              ownerIdentifier={ticket.ownerIdentifier}
              statuses={ticket.statuses}
              members={ticket.members}
              onChange={changeDemoTicket}
            />
          ) : null}
          <DemoManageFrame podOrigin={setup.podOrigin} member={setup.member} screen="ticket" id={id} />
        </>
      )}
    </DemoManageChrome>
  );
}
