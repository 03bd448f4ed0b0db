import { withAdmin } from '@/lib/api/with-admin';
import { ticketDefaultsBodySchema } from '@/lib/setup/request-schemas';
import { saveTicketDefaults } from '@/lib/setup/ticket-defaults';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Saves the ticket defaults after checking each value against Manage's lists. */
export const PUT = withAdmin({ body: ticketDefaultsBodySchema }, async ({ db, admin, body }) => ({
  defaults: await saveTicketDefaults(db, body, admin.email),
}));
