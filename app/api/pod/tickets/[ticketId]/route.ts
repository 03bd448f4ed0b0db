import { withPod } from '@/lib/api/with-pod';
import { loadPodTicket } from '@/lib/pod/pod-data';
import { podTicketParamsSchema } from '@/lib/pod/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The press behind a Manage ticket, for a pod token scoped to that ticket; `{press: null}` when Deskbell did not create it. */
export const GET = withPod({ params: podTicketParamsSchema }, ({ db, claims, params }) => loadPodTicket(db, claims, params.ticketId));
