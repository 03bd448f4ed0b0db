import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth } from '@/lib/health';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import type { DatabaseEngine, DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase, skipEngine, testEngines } from '@/tests/support/test-database';

const notConfigured = () => ({ configured: false as const, missing: ['MANAGE_ENDPOINT'] });

describe.each(testEngines)('health on %s', (engine: DatabaseEngine) => {
  let db: DeskbellDatabase | undefined;
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
  });

  it.skipIf(skipEngine(engine))('names the engine and says how far the workers are behind', async () => {
    const opened = await openTestDatabase({ engine });
    db = opened;
    const now = Date.parse('2026-01-01T00:10:00.000Z');
    const queue = createSqlJobQueue(opened, () => new Date(now));
    await queue.enqueue('press', {}, { runAt: new Date('2026-01-01T00:08:20.000Z') });
    await queue.enqueue('press', {}, { runAt: new Date('2026-01-01T00:09:00.000Z') });
    await queue.enqueue('press', {}, { runAt: new Date('2026-01-01T00:30:00.000Z') });
    await queue.enqueue('callback', {}, { runAt: new Date('2026-01-01T00:00:00.000Z') });
    await queue.claim('instance-a', ['callback'], 1, 60_000);

    const report = await checkHealth({ database: async () => opened, manageConnection: notConfigured, now });
    expect(report.status).toBe('ok');
    expect(report.database).toMatchObject({ status: 'ok', detail: engine });
    expect(report.queue).toEqual({ status: 'ok', due: 2, running: 1, dead: 0, oldestDueAt: '2026-01-01T00:08:20.000Z', oldestWaitSeconds: 100 });
  });

  it.skipIf(skipEngine(engine))('reports an empty queue with no oldest job', async () => {
    const opened = await openTestDatabase({ engine });
    db = opened;
    const report = await checkHealth({ database: async () => opened, manageConnection: notConfigured });
    expect(report.queue).toEqual({ status: 'ok', due: 0, running: 0, dead: 0, oldestDueAt: null, oldestWaitSeconds: null });
  });
});

it('says the queue could not be read when the database is down, without its error text', async () => {
  const report = await checkHealth({
    database: async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    },
    manageConnection: notConfigured,
  });
  expect(report.status).toBe('error');
  expect(report.queue).toEqual({ status: 'error', code: 'queue_unreadable', detail: 'The job queue could not be read.' });
  expect(JSON.stringify(report)).not.toContain('hunter2');
});
