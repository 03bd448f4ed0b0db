import 'server-only';
import { parseManageEndpoint } from '@/lib/connectwise/credentials';
import { describeManageConnection, loadManageConnection } from '@/lib/settings/manage-connection';
import { getDatabase } from '@/lib/store/database';

/**
 * What the demo Manage host (app/demo/manage, demo mode only) needs from the connection, so
 * the demo pages never read the store or parse Manage endpoints themselves.
 */

/** The connected Manage's web UI site and company, or null before the connection step. */
export async function loadDemoManageSite(): Promise<{ companyId: string; uiHost: string; scheme: 'https' | 'http' } | null> {
  const described = await describeManageConnection(await getDatabase());
  const endpoint = described ? parseManageEndpoint(described.endpoint) : null;
  if (!described || !endpoint?.ok) return null;
  return { companyId: described.companyId, uiHost: endpoint.value.uiHost, scheme: endpoint.value.scheme };
}

/** The origin of the connected Manage's API (the simulator in demo mode), or null when not connected. */
export async function loadManageApiOrigin(): Promise<string | null> {
  const connection = await loadManageConnection(await getDatabase());
  return connection.configured ? new URL(connection.options.baseUrl).origin : null;
}
