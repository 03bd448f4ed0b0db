import type { Metadata } from 'next';
import { DemoManageFrame } from '@/components/pod/demo-manage-frame';
import { DemoManageChrome } from '../../demo-manage-chrome';
import { loadDemoManage, parseDemoRecordId } from '../../load-demo-manage';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Demo Manage ticket', robots: { index: false, follow: false } };

type Props = { params: Promise<{ id: string }> };

/** A Manage Service Ticket screen with the Deskbell pod, in demo mode only (404 otherwise). */
export default async function DemoManageTicketPage({ params }: Props) {
  const id = parseDemoRecordId((await params).id);
  const setup = await loadDemoManage();
  return (
    <DemoManageChrome
      breadcrumb="Service Desk › Service Board › Ticket"
      title={`Service Ticket #${id}`}
      siteLabel={setup.ok ? setup.siteLabel : null}
      fields={[
        ['Board', '—'],
        ['Status', '—'],
        ['Company', '—'],
        ['Contact', '—'],
      ]}
    >
      {setup.ok ? (
        <DemoManageFrame podOrigin={setup.podOrigin} member={setup.member} screen="ticket" id={id} />
      ) : (
        <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-manage-problem">
          {setup.problem}
        </p>
      )}
    </DemoManageChrome>
  );
}
