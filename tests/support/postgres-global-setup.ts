/**
 * Vitest global set-up of the integration project: one PostgreSQL for the whole run, so the
 * PostgreSQL leg of every test file shares it (each test gets its own database in it). A
 * running server given by DESKBELL_TEST_POSTGRES_URL is used instead of starting one; the
 * databases this run created in it are dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { testHarnessEnv } from '../../lib/env';
import { dropRunDatabases, findPostgresBinaries, startPostgresCluster } from './postgres-cluster';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = randomBytes(4).toString('hex');
  const given = testHarnessEnv().DESKBELL_TEST_POSTGRES_URL;
  if (given) {
    project.provide('postgres', { url: given, runId });
    return () => dropRunDatabases(given, runId);
  }
  const binaries = findPostgresBinaries();
  if ('missing' in binaries) {
    console.warn(`[postgres] the PostgreSQL leg of the tests is skipped: ${binaries.missing}`);
    project.provide('postgres', { url: null, unavailable: binaries.missing });
    return async () => undefined;
  }
  const cluster = await startPostgresCluster();
  project.provide('postgres', { url: cluster.url, runId });
  return () => cluster.stop();
}
