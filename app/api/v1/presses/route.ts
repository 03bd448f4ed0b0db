import { handleCreatePress } from '@/lib/intake/accept-press';
import { toAgentErrorResponse } from '@/lib/intake/read-press-request';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Agent intake: see lib/intake/accept-press.ts for the contract (202 + statusUrl). */
export async function POST(request: Request): Promise<Response> {
  try {
    return await handleCreatePress(request, { db: await getDatabase() });
  } catch (err) {
    return toAgentErrorResponse(err);
  }
}
