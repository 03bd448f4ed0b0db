import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '@/lib/store/schema';
import type { DeskbellDatabase } from '@/lib/store/database';

/** Who changed what, and when. Details describe the change, never the value of a secret. */
export type AuditEntry = {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
};

export type AuditInput = { actor: string; action: string; target?: string; details?: Record<string, unknown> };

export const AUDIT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const REDACTED = '[redacted]';

// A safety net, not the rule: callers pass what changed (`privateKeyChanged: true`), but a
// value that slips in under one of these names is never written.
const SECRET_KEY_NAMES = /^(private_?key|password|secret|client_?secret|api_?key|token|client_?id|setup_?code)$/i;

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_KEY_NAMES.test(k) && v !== null && typeof v !== 'boolean' ? REDACTED : redactSecrets(v, depth + 1),
    ]),
  );
}

export async function recordAudit(db: DeskbellDatabase | Transaction<Database>, entry: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      at: new Date().toISOString(),
      actor: entry.actor.slice(0, 320),
      action: entry.action.slice(0, 100),
      target: entry.target?.slice(0, 500) ?? null,
      details: entry.details ? JSON.stringify(redactSecrets(entry.details)) : null,
    })
    .execute();
}

function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { unreadable: true };
  }
}

/**
 * Newest first. `before` is the id of the last entry already shown (keyset pagination, so
 * entries written meanwhile never shift a page); an unknown id yields an empty page.
 */
export async function listAuditEntries(
  db: DeskbellDatabase,
  options: { limit?: number; before?: string } = {},
): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? AUDIT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  let query = db.selectFrom('audit_log').selectAll();
  if (options.before !== undefined) {
    const cursor = await db.selectFrom('audit_log').select(['at', 'id']).where('id', '=', options.before).executeTakeFirst();
    if (!cursor) return [];
    query = query.where((eb) =>
      eb.or([eb('at', '<', cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', '<', cursor.id)])]),
    );
  }
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, details: parseDetails(r.details) }));
}
