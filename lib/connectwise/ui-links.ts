import 'server-only';
import { parseManageEndpoint } from './credentials';

/**
 * Links into Manage's web UI. Manage opens a record's screen from
 * `{scheme}://{ui-host}/{codebase}ConnectWise.aspx?locale=en_US&routeTo={screen}&recid={id}`,
 * plus `companyName` so it skips its company prompt. The UI host is the API host without
 * `api-` (parseManageEndpoint works that out); callers hand in the site and our own ids.
 */

/** The Manage site this install talks to, as stored: the endpoint admins typed and the company id. */
export type ManageSite = { endpoint: string; companyId: string };

/** The records Deskbell links to, and the screen Manage names for each. */
const SCREENS = { ticket: 'ServiceFV', company: 'CompanyFV', configuration: 'ConfigFV' } as const;
export type ManageRecordKind = keyof typeof SCREENS;

/** Builds the link to one record in Manage's web UI; null when there is nothing to link to. */
export type ManageRecordLinker = (recordId: number | null) => string | null;
export type TicketLinker = ManageRecordLinker;

/** Where Manage's web UI lives for an endpoint: `host[:port]` (what Manage calls its site) and the origin; null for an endpoint that does not parse. */
export function describeManageUi(endpoint: string): { host: string; origin: string } | null {
  const parsed = parseManageEndpoint(endpoint);
  if (!parsed.ok) return null;
  try {
    return { host: parsed.value.uiHost, origin: new URL(`${parsed.value.scheme}://${parsed.value.uiHost}`).origin };
  } catch {
    return null;
  }
}

/** The origin of Manage's web UI for an API endpoint (the UI, not the API host, frames the pod). */
export function manageUiOrigin(endpoint: string): string | null {
  return describeManageUi(endpoint)?.origin ?? null;
}

/** A linker for one kind of record on a site; without a usable site every link is null. */
export function createManageLinker(site: ManageSite | null, kind: ManageRecordKind): ManageRecordLinker {
  const endpoint = site ? parseManageEndpoint(site.endpoint) : null;
  if (!site || !endpoint?.ok) return () => null;
  const { scheme, uiHost, codebase } = endpoint.value;
  const base = `${scheme}://${uiHost}/${codebase}ConnectWise.aspx`;
  return (recordId) => {
    if (recordId === null || !Number.isSafeInteger(recordId) || recordId <= 0) return null;
    const query = new URLSearchParams({ locale: 'en_US', routeTo: SCREENS[kind], recid: String(recordId), companyName: site.companyId });
    return `${base}?${query.toString()}`;
  };
}

export function createTicketLinker(site: ManageSite | null): TicketLinker {
  return createManageLinker(site, 'ticket');
}

export function createConfigurationLinker(site: ManageSite | null): ManageRecordLinker {
  return createManageLinker(site, 'configuration');
}
