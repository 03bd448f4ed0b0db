import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { acceptPress } from '@/lib/intake/accept-press';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { removeExpiredPressFiles, scheduleRetentionSweep, RETENTION_JOB_KIND } from '@/lib/intake/retention';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildMultipart, buildPng } from '../support/press-fixtures';

let db: DeskbellDatabase;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.destroy();
});

async function storePress(receivedAt: Date): Promise<string> {
  const { agentToken } = await createAgentToken(db, `t-${receivedAt.getTime()}`);
  const body = buildMultipart(basePress({ screenshots: [{ capturedAt: '2026-01-01T00:00:00Z', monitor: 0 }] }), [
    { name: 'screenshot', bytes: buildPng({ width: 8, height: 8, shade: receivedAt.getUTCDate() }), filename: 's.png' },
    { name: 'attachment', bytes: Buffer.from('log'), filename: 'log.txt' },
  ]);
  const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body }), pressLimitsFromEnv());
  const result = await acceptPress({ db, now: () => receivedAt }, { agentTokenId: agentToken.id, submission });
  return result.press.id;
}

describe('retention', () => {
  it('removes the files of presses older than the period and keeps the records', async () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const old = await storePress(new Date('2026-08-01T12:00:00Z'));
    const recent = await storePress(new Date('2026-11-01T12:00:00Z'));

    expect(await removeExpiredPressFiles(db, 90, now)).toBe(2);

    const files = await db.selectFrom('press_files').select(['press_id', 'bytes', 'removed_at', 'size', 'filename']).execute();
    const oldFiles = files.filter((f) => f.press_id === old);
    expect(oldFiles).toHaveLength(2);
    expect(oldFiles.every((f) => f.bytes === null && f.removed_at === now.toISOString() && f.size > 0)).toBe(true);
    expect(files.filter((f) => f.press_id === recent).every((f) => f.bytes !== null && f.removed_at === null)).toBe(true);

    const presses = await db.selectFrom('presses').select(['id', 'files_removed_at', 'payload']).execute();
    expect(presses.find((p) => p.id === old)?.files_removed_at).toBe(now.toISOString());
    expect(presses.find((p) => p.id === recent)?.files_removed_at).toBeNull();
    expect(JSON.parse(presses.find((p) => p.id === old)!.payload).message).toBeTruthy();

    // A second sweep finds nothing more to remove.
    expect(await removeExpiredPressFiles(db, 90, now)).toBe(0);
  });

  it('schedules one sweep per day however often it is asked', async () => {
    const queue = createSqlJobQueue(db);
    const now = new Date('2026-11-28T12:00:00Z');
    await scheduleRetentionSweep(queue, now);
    await scheduleRetentionSweep(queue, now);
    const jobs = await db.selectFrom('jobs').select(['kind', 'run_at', 'dedupe_key']).execute();
    expect(jobs).toEqual([{ kind: RETENTION_JOB_KIND, run_at: '2026-11-29T12:00:00.000Z', dedupe_key: 'retention:2026-11-29' }]);
  });
});
