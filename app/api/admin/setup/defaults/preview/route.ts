import { withAdmin } from '@/lib/api/with-admin';
import { previewBodySchema } from '@/lib/setup/request-schemas';
import { previewTicket } from '@/lib/setup/ticket-defaults';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The ticket a sample press would produce with these (unsaved) defaults. Creates nothing. */
export const POST = withAdmin({ body: previewBodySchema }, ({ db, body }) => previewTicket(db, body));
