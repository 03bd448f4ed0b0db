import 'server-only';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DeskbellDatabase } from '@/lib/store/database';

const TOKEN_PREFIX = 'dbt_';
const LAST_USED_RESOLUTION_MS = 60_000;

export type AgentToken = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type AgentTokenCheck =
  | { ok: true; token: AgentToken }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'revoked' };

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toAgentToken(row: {
  id: string;
  name: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}): AgentToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The secret is returned once; only its SHA-256 is stored (it has 256 bits of entropy, so no slow hash is needed). */
export async function createAgentToken(
  db: DeskbellDatabase,
  name: string,
): Promise<{ token: string; agentToken: AgentToken }> {
  const cleanName = name.trim();
  if (!cleanName || cleanName.length > 100) throw new Error('A token name is 1 to 100 characters.');
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = {
    id: randomUUID(),
    name: cleanName,
    token_hash: hashToken(token),
    token_prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    created_at: new Date().toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('agent_tokens').values(row).execute();
  return { token, agentToken: toAgentToken(row) };
}

export function readBearerToken(authorization: string | null): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

export async function verifyAgentToken(db: DeskbellDatabase, token: string | undefined): Promise<AgentTokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { ok: false, reason: 'malformed' };
  const presented = hashToken(token);
  const row = await db.selectFrom('agent_tokens').selectAll().where('token_hash', '=', presented).executeTakeFirst();
  // The index lookup finds the row; the constant-time compare keeps the final decision free of timing signal.
  if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(presented, 'hex'))) {
    return { ok: false, reason: 'unknown' };
  }
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  const now = new Date();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
    await db.updateTable('agent_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
    row.last_used_at = now.toISOString();
  }
  return { ok: true, token: toAgentToken(row) };
}

export async function listAgentTokens(db: DeskbellDatabase): Promise<AgentToken[]> {
  const rows = await db.selectFrom('agent_tokens').selectAll().orderBy('created_at', 'desc').execute();
  return rows.map(toAgentToken);
}

/** Revokes by id or by the displayed prefix; returns false when nothing active matched. */
export async function revokeAgentToken(db: DeskbellDatabase, idOrPrefix: string): Promise<boolean> {
  const result = await db
    .updateTable('agent_tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('token_prefix', '=', idOrPrefix)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
