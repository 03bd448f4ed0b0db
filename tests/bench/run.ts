/**
 * `npm run bench`: measures (no pass/fail) the Manage adapter against the simulator running
 * in a child process, the accept path over HTTP, and press-to-ticket time against a slow
 * Manage; writes bench-results/report.{md,json} and prints the Markdown report.
 *
 * Options (defaults in brackets):
 * - adapter and lookup cache: --calls=N [2000] --warmup=N [200] --presses=N [20]
 * - accept: --accept-presses=N [400] --accept-warmup=N [32] --accept-clients=N [16]
 *   --accept-single=N [40] (the single-client reference run)
 * - press-to-ticket: --ticket-presses=N [10] --ticket-cold=N [3] --latency-ms=N [150]
 *   --rtt-samples=N [11]
 * - rule sandbox: --rules-evals=N [1000] --rules-warmup=N [50] --rules-cold=N [3] --rules-test-runs=N [5]
 * - callback acknowledgement: --callbacks=N [2000] --callback-clients=N [50] --callback-warmup=N [50]
 * - pod first paint (needs a built app: `npm run build`): --pod-loads=N [10] --pod-latency-ms=N [150]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serverEnv } from '@/lib/env';
import { benchAccept, type AcceptResult } from './accept.bench';
import { benchAdapterOverhead, type AdapterOverheadResult } from './adapter-overhead.bench';
import { benchCallbackAck, type CallbackAckResult } from './callbacks.bench';
import { benchPodFirstPaint, type PodFirstPaintResult } from './pod-first-paint.bench';
import { benchPressToTicket, type PressGroupResult, type PressTiming, type PressToTicketResult } from './press-to-ticket.bench';
import { benchRules, type RulesBenchResult } from './rules.bench';
import { benchLookupCache, type LookupCacheResult } from './lookup-cache.bench';
import { startSimChild } from './sim-child';
import { formatMs, percentile } from './stats';

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
  command: string;
  machine: { cpuModel: string; cores: number; totalMemGiB: number; platform: string; node: string };
  setup: { simulator: string; apiVersion: string };
  adapterOverhead: AdapterOverheadResult;
  lookupCache: LookupCacheResult;
  accept: AcceptResult;
  pressToTicket: PressToTicketResult;
  rules: RulesBenchResult;
  callbacks: CallbackAckResult;
  podFirstPaint: PodFirstPaintResult;
};

function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : '-'}${formatMs(Math.abs(ms))}`;
}

function spread(values: number[]): string {
  return `${formatMs(Math.min(...values))}..${formatMs(Math.max(...values))}`;
}

function renderMarkdown(r: Report): string {
  const a = r.adapterOverhead;
  const s = r.lookupCache;
  const row = (label: string, x: AdapterOverheadResult['raw']) =>
    `| ${label} | ${formatMs(x.medianMs)} | ${formatMs(x.p90Ms)} | ${formatMs(x.p99Ms)} | ${formatMs(x.meanMs)} | ${formatMs(x.maxMs)} | ${x.callsPerSecond.toFixed(0)} |`;
  return [
    '# Deskbell benchmark report',
    '',
    `- Date: ${r.date}`,
    `- Command: \`${r.command}\``,
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
    `## 2. Lookup-table lookups per press (${s.presses} presses each, board "${s.boardName}", cache TTL ${s.ttlSeconds} s)`,
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
    renderAccept(r.accept),
    renderPressToTicket(r.pressToTicket),
    renderRules(r.rules),
    renderCallbacks(r.callbacks),
    renderPodFirstPaint(r.podFirstPaint),
  ].join('\n');
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function renderAccept(a: AcceptResult): string {
  const l = a.latency;
  const shot = a.screenshot.bytes[0] ?? 0;
  return [
    `## 3. Accept latency and throughput (\`POST /api/v1/presses\`, ${a.screenshotsPerPress} x ${(shot / 1024).toFixed(0)} KiB screenshots, ${a.clients} concurrent clients, ${a.presses} presses after ${a.warmup} warm-up presses)`,
    '',
    `- Server: ${a.serverSetup}.`,
    `- Production Next.js server: ${a.nextServer}.`,
    `- Job worker: ${a.worker}.`,
    `- Database: ${a.database}.`,
    `- Each press: multipart body of ${megabytes(a.requestBytesPerPress)} MB: the press JSON (known contact, hostname ACME-PC-01) and ${a.screenshotsPerPress} PNGs of ${a.screenshot.width}x${a.screenshot.height} random grey pixels (${shot} bytes each, incompressible, unique bytes per press), plus an Idempotency-Key as the reference agent sends.`,
    '',
    '| measure | value | what it is |',
    '|---|---:|---|',
    `| accept latency p50 | ${formatMs(l.medianMs)} ms | half the presses had their complete 202 within this time, measured from sending the request |`,
    `| accept latency p90 | ${formatMs(l.p90Ms)} ms | 90% of the presses had their 202 within this time |`,
    `| accept latency p99 | ${formatMs(l.p99Ms)} ms | 99% of the presses had their 202 within this time |`,
    `| accept latency min / max | ${formatMs(l.minMs)} / ${formatMs(l.maxMs)} ms | fastest and slowest single accept |`,
    `| server time p50 / p99 | ${formatMs(a.server.latency.medianMs)} / ${formatMs(a.server.latency.p99Ms)} ms | from the server parsing a request\u2019s headers to its 202 being flushed, measured in the server; the rest of the accept latency is waiting in the socket for the server\u2019s event loop |`,
    `| server event-loop delay p50 / max | ${formatMs(a.server.eventLoopDelayMs.p50)} / ${formatMs(a.server.eventLoopDelayMs.max)} ms | how long the server\u2019s event loop ran without turning to timers and sockets (monitorEventLoopDelay): work for many presses runs back to back as promise continuations |`,
    `| single client p50 / p99 | ${formatMs(a.singleClient.latency.medianMs)} / ${formatMs(a.singleClient.latency.p99Ms)} ms | the same accept with ONE client (${a.singleClient.presses} presses, ${a.singleClient.latency.callsPerSecond.toFixed(1)} presses/s): the cost of one accept without queueing |`,
    `| throughput | ${a.pressesPerSecond.toFixed(1)} presses/s | presses answered 202 per second of wall time (${formatMs(a.wallMs)} ms for ${a.presses}), all clients together |`,
    `| bytes accepted | ${megabytes(a.requestBytesPerSecond)} MB/s | request body bytes per second that ended in a 202 |`,
    `| screenshot bytes stored | ${megabytes(a.screenshotBytesPerSecond)} MB/s | screenshot bytes per second committed to the database |`,
    '',
    `With ${a.clients} clients each sending its next press after the last 202, latency is about clients / throughput (${formatMs((a.clients / a.pressesPerSecond) * 1000)} ms): ` +
      'the percentiles mostly show queueing behind the other clients\u2019 presses, the throughput shows the cost of one accept.',
    '',
    `Checked in the database afterwards (warm-up and single-client presses included): ${a.stored.presses} presses, ${a.stored.files} files (${megabytes(a.stored.fileBytes)} MB), ` +
      `${a.stored.jobsPending} jobs pending and ${a.stored.jobsOther} claimed by anything; database files ${megabytes(a.stored.databaseBytes)} MB.`,
    '',
  ].join('\n');
}

function range(values: number[]): string {
  return `${formatMs(Math.min(...values))}..${formatMs(Math.max(...values))}`;
}

function counts(values: number[]): string {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  return distinct.length === 1 ? `${distinct[0]} (every press)` : distinct.map((v) => `${v} (x${values.filter((x) => x === v).length})`).join(', ');
}

/** The press whose press-to-ticket time is the group's median, to print its critical path. */
function medianPress(g: PressGroupResult): PressTiming {
  const sorted = [...g.presses].sort((a, b) => a.pressToTicketMs - b.pressToTicketMs);
  return sorted[Math.ceil(sorted.length / 2) - 1]!;
}

function renderCriticalPath(label: string, g: PressGroupResult): string[] {
  const p = medianPress(g);
  const lines = [
    `${label} critical path of the median press (${formatMs(p.pressToTicketMs)} ms; times from its 202):`,
    '',
    ...p.criticalPath.map((c, i) => `${i + 1}. \`${c.call}\` -> ${c.status ?? 'no answer'}, ${formatMs(c.startMs)}..${formatMs(c.endMs)} ms`),
    '',
  ];
  if (g.chains.length > 1) {
    lines.push(`The chain differed between presses: ${g.chains.map((c) => `${c.presses} x [${c.chain.join(' -> ')}]`).join('; ')}.`, '');
  }
  return lines;
}

function renderPressToTicket(t: PressToTicketResult): string {
  const { cold, warm } = t;
  const steps = [...new Set([...Object.keys(cold.medianStepMs), ...Object.keys(warm.medianStepMs)])];
  const firstCall = (g: PressGroupResult) => formatMs(percentile([...g.presses.map((p) => p.firstCallAtMs)].sort((a, b) => a - b), 50));
  const simAgrees = [...cold.presses, ...warm.presses].every((p) => p.simulatorRequests === p.calls);
  const complete = (g: PressGroupResult) =>
    `${g.presses.filter((p) => p.documents === t.screenshotsPerPress).length}/${g.presses.length} with ${t.screenshotsPerPress} documents, ` +
    `${g.presses.filter((p) => p.configurationLinked).length}/${g.presses.length} with the configuration linked`;
  const warmTrips = Math.max(...warm.criticalPathRoundTrips);
  return [
    `## 4. Press-to-ticket with ${t.latencyMs} ms of Manage latency (${cold.presses.length} cold presses, ${warm.presses.length} warm presses, one at a time)`,
    '',
    `- Setup: ${t.setup}.`,
    `- Each press: ${t.email} (a known contact) on host ${t.hostname} (an active configuration of that company), ${t.screenshotsPerPress} screenshots of ${t.screenshotBytes} bytes, so the contact, ticket, documents and configuration steps all run.`,
    '- Cold: a new Manage context per press (empty lookup-table cache, unregistered contact not cached, new connection pool). Warm: the context the last cold press filled, within the cache TTL.',
    '',
    '| measure | cold cache | warm cache | what it is |',
    '|---|---:|---:|---|',
    `| press-to-ticket, median | ${formatMs(cold.medianPressToTicketMs)} ms | ${formatMs(warm.medianPressToTicketMs)} ms | from the accept\u2019s 202 to the press\u2019s status reading ticket_created |`,
    `| press-to-ticket, min..max | ${range(cold.presses.map((p) => p.pressToTicketMs))} ms | ${range(warm.presses.map((p) => p.pressToTicketMs))} ms | spread over the presses |`,
    `| RTT | ${formatMs(t.rttMedianMs)} ms | ${formatMs(t.rttMedianMs)} ms | median of ${t.rttSamples} single \`GET /system/info\` through the same client under the same latency (${formatMs(t.rttMinMs)}..${formatMs(t.rttMaxMs)} ms) |`,
    `| press-to-ticket / RTT | ${cold.ratioToRtt.toFixed(2)} | ${warm.ratioToRtt.toFixed(2)} | how many round trips\u2019 worth of time a press takes |`,
    `| sequential round trips on the critical path | ${counts(cold.criticalPathRoundTrips)} | ${counts(warm.criticalPathRoundTrips)} | longest chain of Manage calls in which each starts after the previous one ended |`,
    `| Manage calls per press | ${counts(cold.callsPerPress)} | ${counts(warm.callsPerPress)} | every call the client made, retries included |`,
    `| first Manage call after the 202, median | ${firstCall(cold)} ms | ${firstCall(warm)} ms | job pick-up, loading the press and settings |`,
    ...steps.map(
      (name) =>
        `| step \`${name}\`, median | ${cold.medianStepMs[name] === undefined ? '-' : `${formatMs(cold.medianStepMs[name])} ms`} | ${warm.medianStepMs[name] === undefined ? '-' : `${formatMs(warm.medianStepMs[name])} ms`} | from the press\u2019s stored outcome |`,
    ),
    '',
    `Target: 3 sequential round trips with a warm cache; measured: ${warmTrips}.` +
      (warmTrips > 3 ? ' More than the target: the calls on the warm critical path are listed below, in order.' : ''),
    `Presses complete: cold ${complete(cold)}; warm ${complete(warm)}. ` +
      `Simulator request log ${simAgrees ? 'agrees with' : 'DIFFERS from'} the client\u2019s call count for every press.`,
    '',
    ...renderCriticalPath('Warm', warm),
    ...renderCriticalPath('Cold', cold),
  ].join('\n');
}

function renderRules(r: RulesBenchResult): string {
  const mb = (bytes: number | null) => (bytes === null ? 'n/a (no /proc)' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  const cold = [...r.coldStartsMs].sort((a, b) => a - b);
  return [
    `## 5. Dispatcher rule sandbox (${r.ruleLines}-line rule set, ${r.evaluations} evaluations after ${r.warmup} warm-up, one at a time)`,
    '',
    `- Sandbox: ${r.isolation}; Pyodide in a child process, length-prefixed JSON frames over stdio.`,
    '',
    '| measure | value | what it is |',
    '|---|---:|---|',
    `| warm evaluation p50 | ${formatMs(r.warm.medianMs)} ms | engine.evaluate() round trip: queue, frame to the child, Python run, frame back, validation |`,
    `| warm evaluation p90 / p99 | ${formatMs(r.warm.p90Ms)} / ${formatMs(r.warm.p99Ms)} ms | |`,
    `| warm evaluation max | ${formatMs(r.warm.maxMs)} ms | slowest single evaluation |`,
    `| inside the sandbox p50 / p99 | ${formatMs(r.sandboxMs.medianMs)} / ${formatMs(r.sandboxMs.p99Ms)} ms | the Python run alone, timed in the child |`,
    `| compiled-rules cache hits | ${r.cacheHits} | of ${r.evaluations + r.warmup} evaluations; the first compiles |`,
    `| press interpreters retired | ${r.pressRetirements} | during the warm run; each would be replaced by the warm spare |`,
    `| test-pool run p50 / max | ${formatMs(r.testRuns.medianMs)} / ${formatMs(r.testRuns.maxMs)} ms | ${r.testRuns.n} runs, each on a fresh interpreter that was already warm |`,
    `| cold start | ${cold.length ? `${formatMs(percentile(cold, 50))} ms median (${cold.map((ms) => formatMs(ms)).join(', ')})` : 'not measured'} | spawn to the first evaluation answered (Pyodide load included) |`,
    `| sandbox RSS after start | ${mb(r.rssBytes.afterStart)} | VmRSS of the child, read from /proc by the parent |`,
    `| sandbox RSS after the run | ${mb(r.rssBytes.afterEvaluations)} | |`,
    '',
  ].join('\n');
}

function renderPodFirstPaint(p: PodFirstPaintResult): string {
  const ms = (v: number | null) => (v === null ? '-' : `${formatMs(v)} ms`);
  return [
    `## 7. Pod first paint (${p.loads} loads after ${p.warmup} warm-up, simulator latency ${p.latencyMs} ms on every Manage call)`,
    '',
    `- ${p.setup}`,
    '',
    '| measure | value | what it is |',
    '|---|---:|---|',
    `| ready \u2192 first thumbnail, median | ${formatMs(p.medianMs)} ms | the pod's \`pod:ready-sent\` to \`pod:first-thumbnail\` performance marks |`,
    `| p90 / min / max | ${formatMs(p.p90Ms)} / ${formatMs(p.minMs)} / ${formatMs(p.maxMs)} ms | |`,
    `| ratio to Manage latency | ${(p.medianMs / p.latencyMs).toFixed(2)} | one Manage round trip (the member's read check) is on the path |`,
    `| POST /api/pod/session, median | ${ms(p.medianSessionMs)} | resource timing in the pod frame |`,
    `| GET the press, median | ${ms(p.medianPressMs)} | |`,
    `| GET the first thumbnail, median | ${ms(p.medianThumbnailMs)} | |`,
    `| samples | ${p.samplesMs.map((v) => formatMs(v)).join(', ')} ms | |`,
    '',
  ].join('\n');
}

function renderCallbacks(c: CallbackAckResult): string {
  return [
    `## 6. Callback acknowledgement (\`POST /api/connectwise/callback/{token}\`, ${c.concurrency} concurrent callbacks, ${c.callbacks} signed callbacks of ${(c.bodyBytes / 1024).toFixed(1)} KiB after ${c.warmup} warm-up)`,
    '',
    '- Receiver: the production handler in a child process over a SQLite file (WAL); signature checked against the key from the simulator\'s key_url (fetched once, cached); each 204 means stored + job queued.',
    '',
    '| measure | value | what it is |',
    '|---|---:|---|',
    `| ack p50 | ${formatMs(c.latency.medianMs)} ms | client-side, request sent to 204 received |`,
    `| ack p90 / p99 | ${formatMs(c.latency.p90Ms)} / ${formatMs(c.latency.p99Ms)} ms | |`,
    `| ack max | ${formatMs(c.latency.maxMs)} ms | Manage gives up at 5000 ms |`,
    `| server-side p50 / p99 | ${formatMs(c.serverMs.medianMs)} / ${formatMs(c.serverMs.p99Ms)} ms | arrival to response flushed, in the receiver |`,
    `| throughput | ${c.latency.callsPerSecond.toFixed(0)} callbacks/s | |`,
    `| first callback (cold key) | ${formatMs(c.coldFirstMs)} ms | includes fetching the signing key from key_url |`,
    `| receiver event-loop delay p50 / p99 / max | ${c.eventLoopDelayMs.p50} / ${c.eventLoopDelayMs.p99} / ${c.eventLoopDelayMs.max} ms | |`,
    `| replayed MessageIds | ${c.replays.sent} sent, p50 ${formatMs(c.replays.medianMs)} ms, p99 ${formatMs(c.replays.p99Ms)} ms, ${c.replays.allNoContent ? 'all 204' : 'NOT all 204'} | duplicates answered, not stored again |`,
    `| stored | ${c.stored.callbackEvents} callbacks, ${c.stored.jobs} jobs (expected ${c.stored.expected} each) | read back from the database file |`,
    `| statuses | ${Object.entries(c.statuses).map(([k, v]) => `${k}: ${v}`).join(', ')} | |`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const calls = readIntArg('calls', 2000);
  const warmup = readIntArg('warmup', 200);
  const presses = readIntArg('presses', 20);
  const acceptOptions = {
    presses: readIntArg('accept-presses', 400),
    warmup: readIntArg('accept-warmup', 32),
    clients: readIntArg('accept-clients', 16),
    singlePresses: readIntArg('accept-single', 40),
  };
  const ticketPresses = readIntArg('ticket-presses', 10);
  const ticketCold = readIntArg('ticket-cold', 3);
  const latencyMs = readIntArg('latency-ms', 150);
  const rttSamples = readIntArg('rtt-samples', 11);
  const rulesOptions = {
    evaluations: readIntArg('rules-evals', 1000),
    warmup: readIntArg('rules-warmup', 50),
    coldStarts: readIntArg('rules-cold', 3),
    testRuns: readIntArg('rules-test-runs', 5),
  };
  const callbackOptions = {
    callbacks: readIntArg('callbacks', 2000),
    concurrency: readIntArg('callback-clients', 50),
    warmup: readIntArg('callback-warmup', 50),
  };
  const podOptions = { loads: readIntArg('pod-loads', 10), latencyMs: readIntArg('pod-latency-ms', 150) };
  const env = serverEnv();
  const apiVersion = env.MANAGE_API_VERSION;

  const sim = await startSimChild();
  let report: Report;
  try {
    const adapterOverhead = await benchAdapterOverhead(sim, { calls, warmup, apiVersion });
    const lookupCache = await benchLookupCache(sim, { presses, apiVersion, ttlSeconds: env.MANAGE_SETUP_CACHE_TTL_SECONDS });
    const pressToTicket = await benchPressToTicket(sim, {
      presses: ticketPresses,
      coldPresses: ticketCold,
      latencyMs,
      rttSamples,
      apiVersion,
      ttlSeconds: env.MANAGE_SETUP_CACHE_TTL_SECONDS,
    });
    const callbacks = await benchCallbackAck(sim, callbackOptions);
    // The simulator is idle from here; stop it so the accept run has the machine to itself.
    await sim.stop();
    const accept = await benchAccept(acceptOptions);
    const rules = await benchRules(rulesOptions);
    // Its own app and simulator on their own ports, after everything else has stopped.
    const podFirstPaint = await benchPodFirstPaint(podOptions);
    const cpus = os.cpus();
    report = {
      date: new Date().toISOString(),
      command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
      machine: {
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
        cores: cpus.length,
        totalMemGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        node: process.version,
      },
      setup: { simulator: `child process (pid ${sim.pid}) on ${sim.url}, demo seed; client in the benchmark process`, apiVersion },
      adapterOverhead,
      lookupCache,
      accept,
      pressToTicket,
      rules,
      callbacks,
      podFirstPaint,
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
