import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { createManageClient, type ManageClient, type ManageClientOptions } from '@/lib/connectwise/client';
import { isManageError } from '@/lib/connectwise/errors';
import { serverEnv } from '@/lib/env';
import { getAppManageContext, type ManageContext } from '@/lib/manage-client/manage-context';
import { loadManageConnection } from '@/lib/settings/manage-connection';
import type { DeskbellDatabase } from '@/lib/store/database';

const NOT_CONNECTED = 'Deskbell is not connected to Manage yet: finish step 1 (Connection) first.';

/** The stored connection's client options, or a 409 that sends the admin back to step 1. */
export async function loadStoredConnectionOptions(db: DeskbellDatabase): Promise<ManageClientOptions> {
  const state = await loadManageConnection(db);
  if (!state.configured) {
    const reason = 'problem' in state ? ` (${state.problem.message})` : '';
    throw new DeskbellApiError('conflict', `${NOT_CONNECTED}${reason}`);
  }
  return state.options;
}

/**
 * A short-lived client for wizard checks: no retries beyond one, so a check answers in
 * seconds and reports what Manage said instead of waiting through backoffs.
 */
export async function withSetupClient<T>(db: DeskbellDatabase, run: (client: ManageClient) => Promise<T>): Promise<T> {
  const options = await loadStoredConnectionOptions(db);
  const env = serverEnv();
  const client = createManageClient({
    ...options,
    timeouts: { connectMs: env.MANAGE_CONNECT_TIMEOUT_MS, headersMs: env.MANAGE_HEADERS_TIMEOUT_MS, bodyMs: env.MANAGE_BODY_TIMEOUT_MS },
    retry: { maxRetries: 1 },
  });
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** The app's Manage context (shared client and lookup-table cache), or a 409 when not connected. */
export async function loadAppManageContext(db: DeskbellDatabase): Promise<ManageContext> {
  const manage = await getAppManageContext(db);
  if (!manage.ok) throw new DeskbellApiError('conflict', `${NOT_CONNECTED} (${manage.reason})`);
  return manage.context;
}

/**
 * A Manage failure during a wizard action, as an API error the page can show. Always 502:
 * a 403 from our own API would read as "you are not allowed" rather than "Manage refused".
 */
export function toSetupApiError(error: unknown): unknown {
  if (!isManageError(error)) return error;
  const hint = error.status === 403 ? ' Run step 2 (Permissions) to see which permission is missing.' : '';
  return new DeskbellApiError('bad_gateway', `${error.message}${hint}`, { manageStatus: error.status, manageCode: error.code });
}
