import 'server-only';
import { createTicketLinker, type ManageSite, type TicketLinker } from '@/lib/connectwise/ui-links';
import type { DeskbellDatabase } from '@/lib/store/database';
import { describeManageConnection } from './manage-connection';

/** The Manage site this install talks to (stored connection or env pre-seed); never a key. */
export async function loadManageSite(db: DeskbellDatabase): Promise<ManageSite | null> {
  const described = await describeManageConnection(db);
  return described ? { endpoint: described.endpoint, companyId: described.companyId } : null;
}

/** Links to tickets on the stored Manage site (read once per call: the connection may change). */
export async function loadTicketLinker(db: DeskbellDatabase): Promise<TicketLinker> {
  return createTicketLinker(await loadManageSite(db));
}
