import { serverEnv } from '@/lib/env';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { getAppCallbackVerifier, handleManageCallback } from '@/lib/notifications/receive-callback';
import { wakeWorker } from '@/lib/runtime';
import { loadManageConnection } from '@/lib/settings/manage-connection';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Manage's ticket callbacks: verified, stored once, 204 (lib/notifications/receive-callback.ts). */
export async function POST(request: Request, context: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await context.params;
  const db = await getDatabase();
  return handleManageCallback(request, token, {
    db,
    queue: createSqlJobQueue(db),
    verifier: getAppCallbackVerifier(),
    loadConnection: loadManageConnection,
    maxBodyBytes: serverEnv().CALLBACK_MAX_BODY_BYTES,
    onStored: wakeWorker,
  });
}
