import { withAgent } from '@/lib/api/with-agent';
import { answerCreatePress, createPressInput } from '@/lib/intake/accept-press';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Agent intake: see lib/intake/accept-press.ts for the contract (202 + statusUrl). */
export const POST = withAgent(createPressInput, ({ request, db, token }) => answerCreatePress(request, token, { db }));
