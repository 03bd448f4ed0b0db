import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createManageClient, type ManageCallRecord, type ManageClient, type ManageClientOptions } from '@/lib/connectwise/client';
import { loadManageConnectionFromEnv, type ManageConnectionState } from '@/lib/connectwise/connection';
import { createSetupCache, createSetupTables, type SetupCache, type SetupTables } from '@/lib/connectwise/setup-cache';
import { serverEnv } from '@/lib/env';

export type ManageContext = { client: ManageClient; cache: SetupCache; tables: SetupTables };

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
  const cache = createSetupCache({ ttlMs: cacheTtlMs });
  return { client, cache, tables: createSetupTables(client, cache) };
}

let shared: { key: string; context: ManageContext } | undefined;

/**
 * The app's Manage context: one client (one connection pool) and one setup-table cache,
 * rebuilt when the connection settings change so a new key takes effect on the next press.
 */
export function getAppManageContext(
  load: () => ManageConnectionState = loadManageConnectionFromEnv,
): { ok: true; context: ManageContext } | { ok: false; reason: string } {
  const state = load();
  if (!state.configured) {
    return {
      ok: false,
      reason: 'problem' in state ? state.problem.message : `Manage is not connected (missing ${state.missing.join(', ')})`,
    };
  }
  const key = JSON.stringify(state.options);
  if (shared?.key !== key) {
    const previous = shared?.context;
    shared = { key, context: createManageContext(state.options, serverEnv().MANAGE_SETUP_CACHE_TTL_SECONDS * 1000) };
    void previous?.client.close();
  }
  return { ok: true, context: shared.context };
}
