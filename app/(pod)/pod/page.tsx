import { PodApp } from '@/components/pod/pod-app';
import { loadFramePolicy } from '@/lib/pod/frame-policy';

export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function first(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? null : text;
}

/**
 * `/pod?id=[cw_id]&screen=[cw_screen]`, as registered in Manage's Hosted API setup. The
 * server's part is small: which origins may talk to the pod (the same list proxy.ts puts in
 * frame-ancestors). Everything else happens in the browser after Manage vouches for the member.
 */
export default async function PodPage({ searchParams }: Props) {
  const query = await searchParams;
  const policy = await loadFramePolicy();
  return <PodApp allowedOrigins={policy.origins} screen={first(query.screen)} id={first(query.id)} />;
}
