/**
 * How many Manage calls a warm lookup-table cache saves per press. A press needs the boards
 * (to resolve the chosen board by name), then that board's statuses, types and teams, and
 * the priorities, sources, impacts, severities and members. Calls are counted in the
 * simulator's request log, so a cache bug that still calls Manage cannot hide.
 */
import { createManageClient, createLookupCache, createLookupTables, type ManageBoard, type LookupTables } from '@/lib/connectwise';
import type { SimChild } from './sim-child';
import { summariseLatencies, type LatencySummary } from './stats';

export type LookupCacheResult = {
  presses: number;
  ttlSeconds: number;
  boardName: string;
  lookups: string[];
  cold: { callsPerPress: number; calls: number[]; timeMs: LatencySummary };
  warm: { callsPerPress: number; calls: number[]; timeMs: LatencySummary };
  savedCallsPerPress: number;
  savedFraction: number;
};

const LOOKUPS = ['boards', 'board statuses', 'board types', 'board teams', 'priorities', 'sources', 'impacts', 'severities', 'members'];

/** The lookups one press performs, in the dependency order the pipeline has. */
async function lookUpForPress(tables: LookupTables, boardName: string): Promise<void> {
  const boards = await tables.boards();
  const board = boards.find((b) => b.name === boardName);
  if (!board) throw new Error(`board ${boardName} vanished`);
  await Promise.all([
    tables.boardStatuses(board.id),
    tables.boardTypes(board.id),
    tables.boardTeams(board.id),
    tables.priorities(),
    tables.sources(),
    tables.impacts(),
    tables.severities(),
    tables.members(),
  ]);
}

async function measurePress(sim: SimChild, tables: LookupTables, boardName: string): Promise<{ calls: number; ms: number }> {
  await sim.clearRequests();
  const t0 = process.hrtime.bigint();
  await lookUpForPress(tables, boardName);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { calls: await sim.countRequests(), ms };
}

function pickBoard(boards: readonly ManageBoard[]): ManageBoard {
  const board = boards.find((b) => !b.inactive && !b.projectFlag) ?? boards[0];
  if (!board) throw new Error('the simulator has no boards');
  return board;
}

export async function benchLookupCache(sim: SimChild, options: { presses: number; apiVersion: string; ttlSeconds: number }): Promise<LookupCacheResult> {
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  const client = createManageClient({ baseUrl: sim.baseUrl, companyId, publicKey, privateKey, clientId, apiVersion: options.apiVersion });
  const ttlMs = options.ttlSeconds * 1000;
  try {
    const boardName = pickBoard(await createLookupTables(client, createLookupCache({ ttlMs })).boards()).name;

    // Cold: every press starts with an empty cache (first press after start-up or expiry).
    const cold: { calls: number; ms: number }[] = [];
    for (let i = 0; i < options.presses; i++) {
      cold.push(await measurePress(sim, createLookupTables(client, createLookupCache({ ttlMs })), boardName));
    }

    // Warm: one long-lived cache, filled by a first press that is not measured.
    const tables = createLookupTables(client, createLookupCache({ ttlMs }));
    await lookUpForPress(tables, boardName);
    const warm: { calls: number; ms: number }[] = [];
    for (let i = 0; i < options.presses; i++) warm.push(await measurePress(sim, tables, boardName));
    await sim.clearRequests();

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const coldCalls = mean(cold.map((c) => c.calls));
    const warmCalls = mean(warm.map((c) => c.calls));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      presses: options.presses,
      ttlSeconds: options.ttlSeconds,
      boardName,
      lookups: LOOKUPS,
      cold: { callsPerPress: coldCalls, calls: cold.map((c) => c.calls), timeMs: summariseLatencies(cold.map((c) => c.ms), sum(cold.map((c) => c.ms))) },
      warm: { callsPerPress: warmCalls, calls: warm.map((c) => c.calls), timeMs: summariseLatencies(warm.map((c) => c.ms), sum(warm.map((c) => c.ms))) },
      savedCallsPerPress: coldCalls - warmCalls,
      savedFraction: coldCalls === 0 ? 0 : (coldCalls - warmCalls) / coldCalls,
    };
  } finally {
    await client.close();
  }
}
