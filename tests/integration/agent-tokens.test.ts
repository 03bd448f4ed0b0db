import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAgentToken,
  listAgentTokens,
  readBearerToken,
  revokeAgentToken,
  verifyAgentToken,
} from '@/lib/auth/agent-tokens';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

let db: DeskbellDatabase;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.destroy();
});

describe('agent tokens', () => {
  it('stores only a hash of the token and verifies the token it returned', async () => {
    const { token, agentToken } = await createAgentToken(db, '  Front desk  ');
    expect(token).toMatch(/^dbt_[A-Za-z0-9_-]{43}$/);
    expect(agentToken.name).toBe('Front desk');
    const stored = await db.selectFrom('agent_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const check = await verifyAgentToken(db, token);
    expect(check).toMatchObject({ ok: true, token: { id: agentToken.id } });
    if (check.ok) expect(check.token.lastUsedAt).not.toBeNull();
  });

  it('tells missing, malformed, unknown and revoked tokens apart', async () => {
    const { token, agentToken } = await createAgentToken(db, 'laptops');
    expect(await verifyAgentToken(db, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyAgentToken(db, 'Basic abc')).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyAgentToken(db, `${token.slice(0, -1)}x`)).toEqual({ ok: false, reason: 'unknown' });
    expect(await revokeAgentToken(db, agentToken.prefix)).toBe(true);
    expect(await verifyAgentToken(db, token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await revokeAgentToken(db, agentToken.id)).toBe(false);
  });

  it('lists tokens without their secrets', async () => {
    const { token } = await createAgentToken(db, 'a');
    await createAgentToken(db, 'b');
    const list = await listAgentTokens(db);
    expect(list.map((t) => t.name).sort()).toEqual(['a', 'b']);
    expect(JSON.stringify(list)).not.toContain(token);
  });

  it('refuses an empty name', async () => {
    await expect(createAgentToken(db, '   ')).rejects.toThrow(/1 to 100 characters/);
  });
});

describe('readBearerToken', () => {
  it('reads only a well-formed Bearer header', () => {
    expect(readBearerToken('Bearer dbt_abc')).toBe('dbt_abc');
    expect(readBearerToken('bearer   dbt_abc ')).toBe('dbt_abc');
    expect(readBearerToken('Basic dbt_abc')).toBeUndefined();
    expect(readBearerToken('Bearer a b')).toBeUndefined();
    expect(readBearerToken(null)).toBeUndefined();
  });
});
