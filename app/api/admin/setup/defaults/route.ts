import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { readJsonBody, ticketDefaultsBodySchema } from '@/lib/setup/request-schemas';
import { saveTicketDefaults } from '@/lib/setup/ticket-defaults';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Saves the ticket defaults after checking each value against Manage's lists. */
export async function PUT(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const defaults = await readJsonBody(request, ticketDefaultsBodySchema);
    const saved = await saveTicketDefaults(await getDatabase(), defaults, admin.email);
    return Response.json({ defaults: saved }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
