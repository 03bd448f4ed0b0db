import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createManageClient, type ManageCallRecord, type ManageClient, type ManageClientOptions } from '@/lib/connectwise/client';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import { createLookupCache, createLookupTables, type LookupCache, type LookupTables } from '@/lib/connectwise/lookup-cache';
import { serverEnv } from '@/lib/env';
import { createCacheInvalidation } from '@/lib/cluster/cluster-signal';
import { SETTING_KEYS } from '@/lib/settings/intake-settings';
import { loadManageConnection, MANAGE_CONNECTION_SETTING } from '@/lib/settings/manage-connection';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';

export type ManageContext = { client: ManageClient; cache: LookupCache; tables: LookupTables };
export type ManageAvailability = { ok: true; context: ManageContext } | { ok: false; reason: string };

// Every Manage call made inside withManageCallLog lands in that call's list, even with many
// presses in flight on one shared client (and one shared connection pool).
const callLog = new AsyncLocalStorage<ManageCallRecord[]>();

export function withManageCallLog<T>(calls: ManageCallRecord[], run: () => Promise<T>): Promise<T> {
  return callLog.run(calls, run);
}

export function createManageContext(options: ManageClientOptions, cacheTtlMs: number): ManageContext {
  const client = createManageClient({
    ...options,
    onCall: (call) => {
      options.onCall?.(call);
      callLog.getStore()?.push(call);
    },
  });
  const cache = createLookupCache({ ttlMs: cacheTtlMs });
  return { client, cache, tables: createLookupTables(client, cache) };
}

let shared: { key: string; context: ManageContext } | undefined;

/** The settings whose change can make the cached lookup tables wrong (another site, new defaults). */
const LOOKUP_SETTINGS: ReadonlySet<string> = new Set([MANAGE_CONNECTION_SETTING, SETTING_KEYS.ticketDefaults, SETTING_KEYS.unregistered]);

// Saved on any instance, such a setting drops this instance's lookup tables: the next press reads them fresh.
const watchSettings = createCacheInvalidation('settings', (key) => {
  if (key === null || LOOKUP_SETTINGS.has(key)) shared?.context.cache.invalidate();
});

/**
 * The app's Manage context: one client (one connection pool) and one lookup-table cache,
 * rebuilt when the connection settings change so a new key takes effect on the next press.
 * The settings are read from the database each call (saved connection first, MANAGE_* env
 * as the pre-seed); tests pass their own `load`.
 */
export async function getAppManageContext(
  db?: DeskbellDatabase,
  load: (db: DeskbellDatabase) => Promise<ManageConnectionState> = loadManageConnection,
): Promise<ManageAvailability> {
  const database = db ?? (await getDatabase());
  watchSettings(database);
  const state = await load(database);
  if (!state.configured) {
    return {
      ok: false,
      reason: 'problem' in state ? state.problem.message : `Manage is not connected (missing ${state.missing.join(', ')})`,
    };
  }
  // Compared after the await, in one synchronous step: concurrent presses cannot build two clients.
  const key = JSON.stringify(state.options);
  if (shared?.key !== key) {
    const previous = shared?.context;
    shared = { key, context: createManageContext(state.options, serverEnv().MANAGE_SETUP_CACHE_TTL_SECONDS * 1000) };
    // In-flight presses finish on the old client: close() lets their requests complete.
    void previous?.client.close();
  }
  return { ok: true, context: shared.context };
}
