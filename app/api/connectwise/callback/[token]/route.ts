import { answerManageCallback, withManageCallback } from '@/lib/api/with-manage-callback';
import { serverEnv } from '@/lib/env';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { getAppCallbackVerifier } from '@/lib/notifications/receive-callback';
import { wakeWorker } from '@/lib/runtime';
import { loadManageConnection } from '@/lib/settings/manage-connection';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Manage's ticket callbacks: verified by the wrapper (path token, signature), stored once, 204. */
export const POST = withManageCallback(
  (db) => ({
    db,
    queue: createSqlJobQueue(db),
    verifier: getAppCallbackVerifier(),
    loadConnection: loadManageConnection,
    maxBodyBytes: serverEnv().CALLBACK_MAX_BODY_BYTES,
    onStored: wakeWorker,
  }),
  answerManageCallback,
);
