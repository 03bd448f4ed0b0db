import 'server-only';
import { parseManageEndpoint } from '@/lib/connectwise/credentials';
import { describeManageConnection } from '@/lib/settings/manage-connection';
import type { DeskbellDatabase } from '@/lib/store/database';

/** Builds the link to a ticket in Manage's web UI; null when there is nothing to link to. */
export type TicketLinker = (ticketId: number | null) => string | null;

export type ManageSite = { endpoint: string; companyId: string };

/**
 * `https://{ui-host}/{codebase}ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid={id}`,
 * plus `companyName` so Manage skips its company prompt. The UI host is the API host
 * without `api-` (parseManageEndpoint works that out).
 */
export function createTicketLinker(site: ManageSite | null): TicketLinker {
  const endpoint = site ? parseManageEndpoint(site.endpoint) : null;
  if (!site || !endpoint?.ok) return () => null;
  const { scheme, uiHost, codebase } = endpoint.value;
  const base = `${scheme}://${uiHost}/${codebase}ConnectWise.aspx`;
  return (ticketId) => {
    if (ticketId === null || !Number.isSafeInteger(ticketId) || ticketId <= 0) return null;
    const query = new URLSearchParams({
      locale: 'en_US',
      routeTo: 'ServiceFV',
      recid: String(ticketId),
      companyName: site.companyId,
    });
    return `${base}?${query.toString()}`;
  };
}

/** The Manage site this install talks to (stored connection or env pre-seed); never a key. */
export async function loadManageSite(db: DeskbellDatabase): Promise<ManageSite | null> {
  const described = await describeManageConnection(db);
  return described ? { endpoint: described.endpoint, companyId: described.companyId } : null;
}

export async function loadTicketLinker(db: DeskbellDatabase): Promise<TicketLinker> {
  return createTicketLinker(await loadManageSite(db));
}
