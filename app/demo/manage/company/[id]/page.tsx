import type { Metadata } from 'next';
import { DemoManageFrame } from '@/components/pod/demo-manage-frame';
import { DemoManageChrome } from '../../demo-manage-chrome';
import { loadDemoManage, parseDemoRecordId } from '../../load-demo-manage';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Demo Manage company', robots: { index: false, follow: false } };

type Props = { params: Promise<{ id: string }> };

/** A Manage Company screen with the Deskbell tab (Manage hosts company screens as tabs), in demo mode only. */
export default async function DemoManageCompanyPage({ params }: Props) {
  const id = parseDemoRecordId((await params).id);
  const setup = await loadDemoManage();
  return (
    <DemoManageChrome
      breadcrumb="Companies › Company"
      title={`Company #${id}`}
      siteLabel={setup.ok ? setup.siteLabel : null}
      fields={[]}
      note="Only the Deskbell tab is live on this screen."
    >
      {setup.ok ? (
        <DemoManageFrame podOrigin={setup.podOrigin} member={setup.member} screen="company" id={id} initialHostedAs="tab" />
      ) : (
        <p className="m-0 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="demo-manage-problem">
          {setup.problem}
        </p>
      )}
    </DemoManageChrome>
  );
}
