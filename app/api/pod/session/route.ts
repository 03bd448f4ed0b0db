import { withPodSignIn } from '@/lib/api/with-pod';
import { createPodSession, podClientIp } from '@/lib/pod/pod-session';
import { podSessionInput } from '@/lib/pod/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The pod trades Manage's member authentication for a short-lived bearer token. No cookie and
 * no admin session: the member is proved against Manage itself (lib/pod/pod-session.ts).
 */
export const POST = withPodSignIn(podSessionInput, ({ db, body, request }) =>
  createPodSession(db, body, { clientIp: podClientIp(request) }),
);
