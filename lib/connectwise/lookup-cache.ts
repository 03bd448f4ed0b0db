import 'server-only';
import { listBoardItems, listBoards, listBoardStatuses, listBoardSubTypes, listBoardTeams, listBoardTypes } from './boards';
import type { ManageClient } from './client';
import { listMembers } from './members';
import { getSla, listImpacts, listPriorities, listSeverities, listSources } from './service-tables';
import type {
  ManageBoard,
  ManageBoardItem,
  ManageBoardStatus,
  ManageBoardSubType,
  ManageBoardTeam,
  ManageBoardType,
  ManageImpact,
  ManageMember,
  ManagePriority,
  ManageSeverity,
  ManageSla,
  ManageSource,
} from './types';

export type LookupCacheStats = {
  /** Served from a stored, unexpired value. */
  hits: number;
  /** Not stored: the caller started a load or joined one already running. */
  misses: number;
  /** Loader calls actually started. */
  loads: number;
  failures: number;
  size: number;
};

export type LookupCache = {
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Drops every entry (no prefix) or those whose key starts with prefix; running loads for them are not stored. */
  invalidate(prefix?: string): void;
  stats(): LookupCacheStats;
};

type Entry = { value: unknown; expiresAt: number };
type Flight = { promise: Promise<unknown> };

/**
 * A TTL cache for Manage's lookup tables (boards, statuses, priorities: Manage calls them setup tables). Concurrent callers of a cold key share one load;
 * a failed load is not stored, so the next caller tries again.
 */
export function createLookupCache(options: { ttlMs: number; now?: () => number }): LookupCache {
  const { ttlMs } = options;
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new RangeError('ttlMs must be a non-negative number');
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const flights = new Map<string, Flight>();
  const counters = { hits: 0, misses: 0, loads: 0, failures: 0 };

  function get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const entry = entries.get(key);
    if (entry !== undefined) {
      if (now() < entry.expiresAt) {
        counters.hits++;
        return Promise.resolve(entry.value as T);
      }
      entries.delete(key);
    }
    counters.misses++;
    const running = flights.get(key);
    if (running !== undefined) return running.promise as Promise<T>;

    counters.loads++;
    const flight: Flight = { promise: Promise.resolve() };
    flight.promise = (async () => {
      try {
        const value = await load();
        // A load that was invalidated while running must not store what it read before the change.
        if (flights.get(key) === flight) entries.set(key, { value, expiresAt: now() + ttlMs });
        return value;
      } catch (error) {
        counters.failures++;
        throw error;
      } finally {
        if (flights.get(key) === flight) flights.delete(key);
      }
    })();
    flights.set(key, flight);
    return flight.promise as Promise<T>;
  }

  function invalidate(prefix?: string): void {
    for (const map of [entries, flights] as Map<string, unknown>[]) {
      if (prefix === undefined) map.clear();
      else for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
    }
  }

  return {
    get,
    invalidate,
    stats: () => ({ ...counters, size: entries.size }),
  };
}

export type LookupTables = {
  boards(): Promise<readonly ManageBoard[]>;
  boardStatuses(boardId: number): Promise<readonly ManageBoardStatus[]>;
  boardTypes(boardId: number): Promise<readonly ManageBoardType[]>;
  boardSubTypes(boardId: number): Promise<readonly ManageBoardSubType[]>;
  boardItems(boardId: number): Promise<readonly ManageBoardItem[]>;
  boardTeams(boardId: number): Promise<readonly ManageBoardTeam[]>;
  priorities(): Promise<readonly ManagePriority[]>;
  sources(): Promise<readonly ManageSource[]>;
  impacts(): Promise<readonly ManageImpact[]>;
  severities(): Promise<readonly ManageSeverity[]>;
  members(): Promise<readonly ManageMember[]>;
  sla(slaId: number): Promise<ManageSla>;
  /** Loads the tables every press needs, in parallel, so presses find them warm. */
  warm(): Promise<void>;
};

/**
 * Cached lookup-table lookups. Keys: 'boards', 'boards/{id}/statuses|types|subtypes|items|teams',
 * 'priorities', 'sources', 'impacts', 'severities', 'members', 'slas/{id}', so that
 * `cache.invalidate('boards')` drops every board table at once.
 */
export function createLookupTables(client: ManageClient, cache: LookupCache): LookupTables {
  // Cached arrays are shared by every caller: freeze them so no caller can change another's view.
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> =>
    cache.get(key, async () => Object.freeze(await load()));

  const tables: LookupTables = {
    boards: () => cached('boards', () => listBoards(client)),
    boardStatuses: (boardId) => cached(`boards/${boardId}/statuses`, () => listBoardStatuses(client, boardId)),
    boardTypes: (boardId) => cached(`boards/${boardId}/types`, () => listBoardTypes(client, boardId)),
    boardSubTypes: (boardId) => cached(`boards/${boardId}/subtypes`, () => listBoardSubTypes(client, boardId)),
    boardItems: (boardId) => cached(`boards/${boardId}/items`, () => listBoardItems(client, boardId)),
    boardTeams: (boardId) => cached(`boards/${boardId}/teams`, () => listBoardTeams(client, boardId)),
    priorities: () => cached('priorities', () => listPriorities(client)),
    sources: () => cached('sources', () => listSources(client)),
    impacts: () => cached('impacts', () => listImpacts(client)),
    severities: () => cached('severities', () => listSeverities(client)),
    members: () => cached('members', () => listMembers(client)),
    sla: (slaId) => cached(`slas/${slaId}`, () => getSla(client, slaId)),
    async warm() {
      await Promise.all([
        tables.boards(),
        tables.priorities(),
        tables.sources(),
        tables.impacts(),
        tables.severities(),
        tables.members(),
      ]);
    },
  };
  return tables;
}
