import 'server-only';
import type { z } from 'zod';
import { publish } from '@/lib/cluster/cluster-signal';
import type { DeskbellDatabase } from '@/lib/store/database';

/**
 * Settings live in the database so they take effect on the next press without a restart.
 * Each value is JSON validated on the way in and on the way out: a hand-edited row that no
 * longer fits its schema is reported, never half-used.
 */
export async function readSetting<T>(db: DeskbellDatabase, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  if (!row) return undefined;
  const parsed = schema.safeParse(JSON.parse(row.value));
  if (!parsed.success) throw new Error(`Setting ${key} is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

/**
 * Writes a setting and tells every instance (caches keyed on settings drop what they hold). Given
 * a transaction, the PostgreSQL NOTIFY goes out with its commit, never for a rolled-back write.
 */
export async function writeSetting<T>(db: DeskbellDatabase, key: string, schema: z.ZodType<T>, value: T): Promise<void> {
  const json = JSON.stringify(schema.parse(value));
  const now = new Date().toISOString();
  await db
    .insertInto('settings')
    .values({ key, value: json, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now }))
    .execute();
  await publish(db, 'settings', key);
}
