/**
 * Which database the command-line tools (agent-token, admin) work on. `npm run demo` keeps its
 * data in `<data dir>/demo/`, not in `<data dir>/deskbell.sqlite`, and says so in
 * `<data dir>/demo.json`. While that demo runs, and nothing names a database explicitly
 * (DATABASE_URL), the tools use the demo's database, so the README's commands act on the
 * running demo. Every tool says on stderr which database it used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { serverEnv } from '../../lib/env';
import { migrateToLatest, openDatabase, resolveDatabaseLocation, type DeskbellDatabase } from '../../lib/store/database';

export const DEMO_MARKER_FILE = 'demo.json';

/** The part of demo.json the tools read; the rest (admin, token, Manage keys) is for people and the press CLI. */
const demoMarkerSchema = z.object({
  /** The SQLite file of the running demo app. */
  database: z.string().min(1),
  /** The `npm run demo` process; absent once it stopped. */
  pid: z.number().int().positive().optional(),
});
export type DemoMarker = z.infer<typeof demoMarkerSchema>;

export function demoMarkerPath(dataDir: string): string {
  return path.resolve(dataDir, DEMO_MARKER_FILE);
}

/** The demo marker, or undefined when there is none or it is not one this version wrote. */
export function readDemoMarker(dataDir: string): DemoMarker | undefined {
  try {
    const parsed = demoMarkerSchema.safeParse(JSON.parse(fs.readFileSync(demoMarkerPath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user; still running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type CliDatabaseChoice = { file: string; why: string };

/** Pure apart from reading the marker: the database file the tools should open, and why. */
export function chooseCliDatabase(env: { DATABASE_URL?: string; DESKBELL_DATA_DIR: string }, running = isProcessRunning): CliDatabaseChoice {
  if (env.DATABASE_URL) {
    const location = resolveDatabaseLocation(env.DATABASE_URL, env.DESKBELL_DATA_DIR);
    // Not yet: refused rather than quietly working on an empty in-memory database.
    if (location.dialect === 'postgres') throw new Error('DATABASE_URL: the command-line tools work on SQLite only for now; use the admin pages with PostgreSQL.');
    return { file: 'file' in location ? location.file : ':memory:', why: 'set by DATABASE_URL' };
  }
  const fallback = resolveDatabaseLocation(undefined, env.DESKBELL_DATA_DIR) as { file: string };
  const marker = readDemoMarker(env.DESKBELL_DATA_DIR);
  if (marker?.pid !== undefined && running(marker.pid)) {
    return { file: path.resolve(marker.database), why: `the running demo's (npm run demo, process ${marker.pid}; ${demoMarkerPath(env.DESKBELL_DATA_DIR)})` };
  }
  const stopped = marker ? `; the demo's database (${path.resolve(marker.database)}) is used only while npm run demo runs` : '';
  return { file: fallback.file, why: `the data directory's (DESKBELL_DATA_DIR=${env.DESKBELL_DATA_DIR})${stopped}` };
}

/** Opens (and migrates) the chosen database and tells the person which one it is. */
export async function openCliDatabase(log: (line: string) => void = (line) => console.error(line)): Promise<DeskbellDatabase> {
  const choice = chooseCliDatabase(serverEnv());
  const relative = path.relative(process.cwd(), choice.file);
  log(`Database: ${relative && !relative.startsWith('..') ? relative : choice.file}, ${choice.why}.`);
  const db = openDatabase(choice.file === ':memory:' ? { dialect: 'sqlite', memory: true } : { dialect: 'sqlite', file: choice.file });
  await migrateToLatest(db);
  return db;
}
