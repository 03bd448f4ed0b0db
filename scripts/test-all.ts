/**
 * `npm test`: every check this project has, in one command, with one closing line that CI
 * reads: `N passed, N failed`. Typecheck, lint and build count as one check each; the
 * Vitest and Playwright suites count their tests. Every step runs even after a failure so
 * one run shows everything that is broken.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { environmentForChild, serverEnv, testHarnessEnv } from '../lib/env';
import { findPostgresBinaries } from '../tests/support/postgres-cluster';
import { ensureBrowser } from './ensure-browser';
import { findFreePortBlock } from './lib/free-ports';

const repoRoot = path.resolve(import.meta.dirname, '..');
const resultsDir = path.join(repoRoot, 'test-results');
const bin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);

type Tally = { passed: number; failed: number; skipped: number };
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const summary: string[] = [];

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): number {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    env: environmentForChild({ NEXT_TELEMETRY_DISABLED: '1', ...extraEnv }),
  });
  return result.status ?? 1;
}

function record(step: string, tally: Tally, seconds: number): void {
  total.passed += tally.passed;
  total.failed += tally.failed;
  total.skipped += tally.skipped;
  summary.push(
    `${tally.failed ? 'FAIL' : tally.passed === 0 && tally.skipped > 0 ? 'SKIP' : 'ok  '} ${step.padEnd(14)} ${tally.passed} passed, ${tally.failed} failed` +
      `${tally.skipped ? `, ${tally.skipped} skipped` : ''} (${seconds.toFixed(1)} s)`,
  );
}

function step(name: string, body: () => Tally): void {
  console.log(`\n=== ${name} ===`);
  const started = performance.now();
  let tally: Tally;
  try {
    tally = body();
  } catch (err) {
    console.error(`[test] ${name} could not run: ${err instanceof Error ? err.message : String(err)}`);
    tally = { passed: 0, failed: 1, skipped: 0 };
  }
  record(name, tally, (performance.now() - started) / 1000);
}

/** True on CI (CI=true, which .ci/run sets), where every leg of the tests must run. */
function ciRun(): boolean {
  try {
    return serverEnv().CI;
  } catch {
    return false;
  }
}

const check = (status: number): Tally => (status === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 });

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

step('typecheck', () => check(run(bin('tsc'), ['--noEmit', '-p', '.'])));
step('lint', () => check(run(bin('eslint'), ['--max-warnings=0', '.'])));

type VitestJson = { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };

function vitest(report: string, args: string[], extraEnv: Record<string, string> = {}): Tally {
  const file = path.join(resultsDir, report);
  const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...args], extraEnv);
  const json = readJson<VitestJson>(file);
  if (!json) return { passed: 0, failed: 1, skipped: 0 };
  // A non-zero exit with no failing test (an import error, an unhandled rejection) still fails.
  const failed = json.numFailedTests + (status !== 0 && json.numFailedTests === 0 ? 1 : 0);
  return { passed: json.numPassedTests, failed, skipped: json.numPendingTests + json.numTodoTests };
}

step('vitest', () => vitest('vitest.json', ['--project', 'unit', '--project', 'contract']));
step('integration', () => vitest('vitest-integration.json', ['--project', 'integration']));

/**
 * The PostgreSQL leg: the same integration tests with DESKBELL_TEST_DATABASE=postgres. Left out
 * are the files that never open a database (the simulator, the Manage client, the rule sandbox),
 * the CLI's SQLite file, and those that already name both engines (the SQLite leg ran them on both).
 */
const notOnPostgres = [
  'connectwise-client',
  'manage-sim-callbacks',
  'manage-sim-http',
  'manage-sim-ui-links',
  'rules-sandbox-containment',
  'rules-sandbox-isolation',
  'cli-demo-database',
  'health-queue',
  'jobs-queue',
  'store-database',
  'store-portability',
].map((name) => `tests/integration/${name}.test.ts`);

step('integration-pg', () => {
  const harness = testHarnessEnv();
  const binaries = findPostgresBinaries();
  if (!harness.DESKBELL_TEST_POSTGRES_URL && 'missing' in binaries) {
    // CI installs PostgreSQL (.ci/run): there its absence is a broken run, never a quiet pass.
    if (ciRun()) throw new Error(`PostgreSQL is required on CI: ${binaries.missing}`);
    console.warn(`[test] SKIPPED the PostgreSQL leg of the integration tests: ${binaries.missing}`);
    return { passed: 0, failed: 0, skipped: 1 };
  }
  return vitest(
    'vitest-integration-pg.json',
    ['--project', 'integration', ...notOnPostgres.flatMap((file) => ['--exclude', file])],
    { DESKBELL_TEST_DATABASE: 'postgres' },
  );
});

step('build', () => check(run(bin('next'), ['build'], { NODE_ENV: 'production' })));

// The e2e stack's four ports (tests/e2e/e2e-stack.ts), free right now: another run on this machine cannot collide.
const e2ePortBase = String(await findFreePortBlock(4));

step('e2e', () => {
  ensureBrowser();
  const status = run(bin('playwright'), ['test'], { DESKBELL_E2E_PORT: e2ePortBase });
  const json = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(
    path.join(resultsDir, 'playwright.json'),
  );
  if (!json) return { passed: 0, failed: 1, skipped: 0 };
  const failed = json.stats.unexpected + (status !== 0 && json.stats.unexpected === 0 ? 1 : 0);
  return { passed: json.stats.expected + json.stats.flaky, failed, skipped: json.stats.skipped };
});

/**
 * Three built instances on one throw-away PostgreSQL, 300 presses, one instance killed with
 * kill -9 and restarted (tests/e2e/multi-instance.cluster.ts, node's test runner). Its ports
 * are DESKBELL_E2E_PORT+20 to +30, so it gets a free block of its own.
 */
const clusterPortBase = String(await findFreePortBlock(32));

step('cluster', () => {
  if (!testHarnessEnv().DESKBELL_TEST_POSTGRES_URL && 'missing' in findPostgresBinaries()) {
    if (ciRun()) throw new Error('PostgreSQL is required on CI for the multi-instance test');
    console.warn('[test] SKIPPED the multi-instance test: no PostgreSQL binaries on this machine');
    return { passed: 0, failed: 0, skipped: 1 };
  }
  const result = spawnSync(bin('tsx'), ['--conditions=react-server', '--test', '--test-reporter=tap', 'tests/e2e/multi-instance.cluster.ts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: environmentForChild({ NEXT_TELEMETRY_DISABLED: '1', DESKBELL_E2E_PORT: clusterPortBase }),
  });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(result.stdout ?? '')?.[1] ?? 0);
  const failed = count('fail') + (result.status !== 0 && count('fail') === 0 ? 1 : 0);
  return { passed: count('pass'), failed, skipped: count('skipped') };
});

console.log(`\n=== summary ===\n${summary.join('\n')}`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
