/**
 * `npm run bench`: measures (no pass/fail) the Manage adapter against the simulator running
 * in a child process, writes bench-results/report.{md,json} and prints the Markdown report.
 *
 * Options: --calls=N (default 2000) --warmup=N (default 200) --presses=N (default 20).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverEnv } from '@/lib/env';
import { benchAdapterOverhead, type AdapterOverheadResult } from './adapter-overhead.bench';
import { benchSetupCache, type SetupCacheResult } from './setup-cache.bench';
import { startSimChild } from './sim-child';
import { formatMs } from './stats';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(repoRoot, 'bench-results');

function readIntArg(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return fallback;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

type Report = {
  date: string;
  machine: { cpuModel: string; cores: number; totalMemGiB: number; platform: string; node: string };
  setup: { simulator: string; apiVersion: string };
  adapterOverhead: AdapterOverheadResult;
  setupCache: SetupCacheResult;
};

function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : '-'}${formatMs(Math.abs(ms))}`;
}

function spread(values: number[]): string {
  return `${formatMs(Math.min(...values))}..${formatMs(Math.max(...values))}`;
}

function renderMarkdown(r: Report): string {
  const a = r.adapterOverhead;
  const s = r.setupCache;
  const row = (label: string, x: AdapterOverheadResult['raw']) =>
    `| ${label} | ${formatMs(x.medianMs)} | ${formatMs(x.p90Ms)} | ${formatMs(x.p99Ms)} | ${formatMs(x.meanMs)} | ${formatMs(x.maxMs)} | ${x.callsPerSecond.toFixed(0)} |`;
  return [
    '# Deskbell benchmark report',
    '',
    `- Date: ${r.date}`,
    `- Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.totalMemGiB} GiB, ${r.machine.platform}, Node ${r.machine.node}`,
    `- Simulator: ${r.setup.simulator}; API version ${r.setup.apiVersion}`,
    '',
    `## 1. Adapter overhead per call (\`GET ${a.path}\`, ${a.calls} sequential calls after ${a.warmup} warm-up calls each)`,
    '',
    '| client | median ms | p90 ms | p99 ms | mean ms | max ms | calls/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('raw undici.request (shared Agent)', a.raw),
    row('createManageClient().request', a.adapter),
    '',
    `Ratio adapter / raw: median ${a.medianRatio.toFixed(2)}x, p99 ${a.p99Ratio.toFixed(2)}x; ` +
      `median difference adapter - raw: ${signedMs(a.adapter.medianMs - a.raw.medianMs)} ms.`,
    '',
    `Noise: medians of the ${a.blockMediansMs.raw.length} alternating blocks per side: raw ${spread(a.blockMediansMs.raw)} ms, ` +
      `adapter ${spread(a.blockMediansMs.adapter)} ms. A median difference inside these ranges is not a measured overhead.`,
    '',
    `## 2. Setup-table lookups per press (${s.presses} presses each, board "${s.boardName}", cache TTL ${s.ttlSeconds} s)`,
    '',
    `Lookups per press: ${s.lookups.join(', ')}.`,
    '',
    '| cache | Manage calls per press | lookup time per press, median ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| cold (first press, empty cache) | ${s.cold.callsPerPress} | ${formatMs(s.cold.timeMs.medianMs)} | ${formatMs(s.cold.timeMs.p99Ms)} |`,
    `| warm (cache filled, within TTL) | ${s.warm.callsPerPress} | ${formatMs(s.warm.timeMs.medianMs)} | ${formatMs(s.warm.timeMs.p99Ms)} |`,
    '',
    `A warm cache saves ${s.savedCallsPerPress} Manage calls per press ` +
      `(${(s.savedFraction * 100).toFixed(0)}% of the cold calls) and ${formatMs(s.cold.timeMs.medianMs - s.warm.timeMs.medianMs)} ms at the median on loopback; ` +
      'against a real Manage each saved call is a WAN round trip.',
    '',
    'Calls per press are counted in the simulator\u2019s request log, not by the client.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const calls = readIntArg('calls', 2000);
  const warmup = readIntArg('warmup', 200);
  const presses = readIntArg('presses', 20);
  const env = serverEnv();
  const apiVersion = env.MANAGE_API_VERSION;

  const sim = await startSimChild();
  let report: Report;
  try {
    const adapterOverhead = await benchAdapterOverhead(sim, { calls, warmup, apiVersion });
    const setupCache = await benchSetupCache(sim, { presses, apiVersion, ttlSeconds: env.MANAGE_SETUP_CACHE_TTL_SECONDS });
    const cpus = os.cpus();
    report = {
      date: new Date().toISOString(),
      machine: {
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
        cores: cpus.length,
        totalMemGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        node: process.version,
      },
      setup: { simulator: `child process (pid ${sim.pid}) on ${sim.url}, demo seed; client in the benchmark process`, apiVersion },
      adapterOverhead,
      setupCache,
    };
  } finally {
    await sim.stop();
  }

  fs.mkdirSync(outDir, { recursive: true });
  const markdown = renderMarkdown(report);
  fs.writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'report.md'), markdown);
  console.log(markdown);
  console.log(`Written: ${path.relative(process.cwd(), path.join(outDir, 'report.md'))}, ${path.relative(process.cwd(), path.join(outDir, 'report.json'))}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
