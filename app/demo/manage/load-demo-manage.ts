import 'server-only';
import { notFound } from 'next/navigation';
import { serverEnv } from '@/lib/env';
import type { MemberAuthentication } from '@/components/pod/hosted-api/protocol';
import { loadFramePolicy } from '@/lib/pod/frame-policy';
import { loadDemoManageSite } from '@/lib/manage-client/demo-manage';

/**
 * What the demo Manage frame needs to play Manage's side of the Hosted API: where the pod is,
 * and the member session Manage would hand it. Demo mode only (anything else is a 404): the
 * member hash it passes to the browser is the simulator's demo session, never a real one.
 */
export type DemoManageSetup =
  | { ok: true; podOrigin: string; member: MemberAuthentication; siteLabel: string }
  | { ok: false; problem: string };

/** Manage hands the pod a context string; the simulator accepts any, real Manage its own. */
const DEMO_MEMBER_CONTEXT = 'deskbell-demo';

export async function loadDemoManage(): Promise<DemoManageSetup> {
  const env = serverEnv();
  if (!env.DESKBELL_DEMO) notFound();
  const policy = await loadFramePolicy();
  const podOrigin = policy.demoOrigin;
  if (!podOrigin) notFound();
  if (!env.DESKBELL_DEMO_MEMBER) {
    return {
      ok: false,
      problem:
        'No demo member is set. Start Deskbell with DESKBELL_DEMO_MEMBER=jsmith:demo-hash-jsmith-7f3a9c (npm run demo does) to sign the pod in as the simulator\u2019s demo technician.',
    };
  }
  const site = await loadDemoManageSite();
  if (!site) {
    return { ok: false, problem: 'Deskbell is not connected to Manage yet: finish the connection step of the setup wizard first.' };
  }
  const colon = env.DESKBELL_DEMO_MEMBER.indexOf(':');
  const member: MemberAuthentication = {
    // What Manage reports as its site: the web UI host (with its port, for the simulator).
    site: site.uiHost,
    companyid: site.companyId,
    memberid: env.DESKBELL_DEMO_MEMBER.slice(0, colon),
    memberHash: env.DESKBELL_DEMO_MEMBER.slice(colon + 1),
    memberContext: DEMO_MEMBER_CONTEXT,
  };
  return { ok: true, podOrigin, member, siteLabel: `${site.scheme}://${site.uiHost}` };
}

/** A Manage record id from the URL, or a 404. */
export function parseDemoRecordId(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) notFound();
  return Number(value);
}
