import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEntries, recordAudit } from '@/lib/audit/audit-log';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';

let db: DeskbellDatabase;

beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.destroy();
});

describe('audit log', () => {
  it('records who did what to what, and lists newest first', async () => {
    await recordAudit(db, { actor: 'ann@msp.example', action: 'agent_token.created', target: 'tok-1', details: { name: 'Front desk' } });
    await new Promise((r) => setTimeout(r, 2));
    await recordAudit(db, { actor: 'bob@msp.example', action: 'agent_token.revoked', target: 'tok-1' });
    const entries = await listAuditEntries(db);
    expect(entries.map((e) => e.action)).toEqual(['agent_token.revoked', 'agent_token.created']);
    expect(entries[1]).toMatchObject({ actor: 'ann@msp.example', target: 'tok-1', details: { name: 'Front desk' }, at: expect.stringMatching(/Z$/) });
    expect(entries[0]).toMatchObject({ target: 'tok-1', details: null });
  });

  it('writes inside the caller\'s transaction: a rolled-back change leaves no entry', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await recordAudit(trx, { actor: 'ann', action: 'setting.saved' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await listAuditEntries(db)).toEqual([]);
  });

  it('redacts secret values that slip into details, at any depth, but keeps "changed" flags', async () => {
    await recordAudit(db, {
      actor: 'ann',
      action: 'manage.connection.saved',
      details: {
        publicKey: 'DemoPubKey000001',
        privateKey: 'DemoPrivKey00001',
        privateKeyChanged: true,
        nested: { clientId: '5c0f3c2e-7d4b-4b8e-9a51-3f6d2c1b8e47', password: 'hunter2hunter2', list: [{ token: 'dbt_abc' }] },
      },
    });
    const raw = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    for (const secret of ['DemoPrivKey00001', '5c0f3c2e-7d4b-4b8e-9a51-3f6d2c1b8e47', 'hunter2hunter2', 'dbt_abc']) expect(raw).not.toContain(secret);
    const [entry] = await listAuditEntries(db);
    expect(entry?.details).toMatchObject({ publicKey: 'DemoPubKey000001', privateKey: '[redacted]', privateKeyChanged: true });
  });

  it('pages with a cursor that is stable while new entries arrive', async () => {
    for (let i = 0; i < 7; i += 1) {
      await recordAudit(db, { actor: 'cli', action: `step.${i}` });
      await new Promise((r) => setTimeout(r, 2));
    }
    const page1 = await listAuditEntries(db, { limit: 3 });
    expect(page1.map((e) => e.action)).toEqual(['step.6', 'step.5', 'step.4']);
    await recordAudit(db, { actor: 'cli', action: 'step.new' });
    const page2 = await listAuditEntries(db, { limit: 3, before: page1.at(-1)!.id });
    expect(page2.map((e) => e.action)).toEqual(['step.3', 'step.2', 'step.1']);
    const page3 = await listAuditEntries(db, { limit: 3, before: page2.at(-1)!.id });
    expect(page3.map((e) => e.action)).toEqual(['step.0']);
    expect(await listAuditEntries(db, { before: 'no-such-id' })).toEqual([]);
  });

  it('keeps entries with the same timestamp in a stable order across pages', async () => {
    const at = '2026-03-01T10:00:00.000Z';
    await db
      .insertInto('audit_log')
      .values(['a', 'b', 'c', 'd'].map((id) => ({ id: `00000000-0000-4000-8000-00000000000${id}`, at, actor: 'cli', action: id, target: null, details: null })))
      .execute();
    const first = await listAuditEntries(db, { limit: 2 });
    const second = await listAuditEntries(db, { limit: 2, before: first.at(-1)!.id });
    expect([...first, ...second].map((e) => e.action)).toEqual(['d', 'c', 'b', 'a']);
  });
});
