import 'server-only';
import type { DeskbellDatabase } from '@/lib/store/database';

/** The saved rule version presses use (lib/rules keeps the history). */
export type ActiveRules = {
  version: number;
  source: string;
  createdAt: string;
  createdBy: string;
  sha256: string;
};

/**
 * The rules presses use: the highest saved version. Read on every press (one indexed row), so
 * a save applies to the next press without a restart.
 */
export async function findActiveRules(db: DeskbellDatabase): Promise<ActiveRules | null> {
  const row = await db
    .selectFrom('rule_versions')
    .select(['version', 'source', 'created_at', 'created_by', 'sha256'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return { version: row.version, source: row.source, createdAt: row.created_at, createdBy: row.created_by, sha256: row.sha256 };
}
