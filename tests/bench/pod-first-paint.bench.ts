/**
 * The pod's first paint inside Manage: the time from the pod's Hosted API `ready` (the
 * `pod:ready-sent` mark, set when the handshake starts) to its first thumbnail decoded
 * (`pod:first-thumbnail`), read from the pod frame's performance timeline in Chromium.
 *
 * Setup: the production server (`next start`, demo mode) against the simulator, a ticket made
 * by a real press with three 1280x800 screenshots, then the simulator's latency raised to
 * `latencyMs` for every Manage call. Each load is a fresh browser context (empty HTTP cache,
 * no token) opening the demo Manage ticket page, which frames /pod and plays Manage's side.
 * In between ready and the first thumbnail: handshake + getMemberAuthentication (postMessage),
 * POST /api/pod/session (the member proof is cached server-side for 5 minutes, so after the
 * warm-up load only the "may this member read the ticket" call reaches Manage: one RTT), GET
 * the press, GET the first thumbnail.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { migrateToLatest, openDatabase, resolveDatabaseLocation } from '@/lib/store/database';
import { chromiumArgs, findChromium } from '../../scripts/lib/chromium';
import { startDeskbellStack, type RunningStack } from '../../scripts/lib/start-stack';
import { benchPressFields, createScreenshotFactory, encodeMultipart } from './accept.bench';
import { percentile } from './stats';

export type PodFirstPaintOptions = {
  /** Measured pod loads [10]. */
  loads?: number;
  /** Unmeasured loads first (thumbnail generation, member proof, JIT) [1]. */
  warmup?: number;
  /** Latency the simulator adds to every Manage call during the loads [150]. */
  latencyMs?: number;
  appPort?: number;
  simPort?: number;
};

export type PodLoadSample = {
  /** ready-sent -> first thumbnail decoded. */
  readyToThumbnailMs: number;
  /** The pod's resource timings (request start to response end) for the calls on the path. */
  sessionMs: number | null;
  pressMs: number | null;
  thumbnailMs: number | null;
};

export type PodFirstPaintResult = {
  latencyMs: number;
  loads: number;
  warmup: number;
  samplesMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  p90Ms: number;
  samples: PodLoadSample[];
  medianSessionMs: number | null;
  medianPressMs: number | null;
  medianThumbnailMs: number | null;
  screenshot: { width: number; height: number; bytes: number[] };
  setup: string;
};

const PRESS_TIMEOUT_MS = 60_000;
const LOAD_TIMEOUT_MS = 30_000;

async function pressToTicket(stack: RunningStack, token: string, screenshots: Buffer[]): Promise<number> {
  const files = screenshots.map((bytes, i) => ({ field: 'screenshot' as const, filename: `screen-${i + 1}.png`, contentType: 'image/png', bytes }));
  const { body, contentType } = encodeMultipart(benchPressFields(0, screenshots.length), files);
  const accepted = await fetch(`${stack.appUrl}/api/v1/presses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'idempotency-key': randomUUID() },
    body: new Uint8Array(body),
  });
  if (accepted.status !== 202) throw new Error(`the bench press was refused: ${accepted.status} ${await accepted.text()}`);
  const { id } = (await accepted.json()) as { id: string };
  const deadline = Date.now() + PRESS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.appUrl}/api/v1/presses/${id}?wait=10`, { headers: { authorization: `Bearer ${token}` } });
    const status = (await res.json()) as { status: string; ticketId?: number | null; ticketNumber?: string | null };
    if (status.status === 'ticket_created') {
      const ticketId = status.ticketId ?? Number(status.ticketNumber);
      if (!Number.isSafeInteger(ticketId) || ticketId <= 0) throw new Error(`no ticket id in ${JSON.stringify(status)}`);
      return ticketId;
    }
    if (status.status === 'dead' || status.status === 'refused') throw new Error(`the bench press ended ${status.status}`);
  }
  throw new Error('the bench press got no ticket in time');
}

type FrameTimings = { readyToThumbnailMs: number; sessionMs: number | null; pressMs: number | null; thumbnailMs: number | null };

/** Runs in the pod frame: the two marks, and the resource timings of the calls between them. */
const READ_TIMINGS = `(() => {
  const mark = (name) => performance.getEntriesByName(name, 'mark')[0].startTime;
  const resources = performance.getEntriesByType('resource');
  const timing = (test) => {
    const entry = resources.find((r) => test(new URL(r.name).pathname));
    return entry ? entry.responseEnd - entry.startTime : null;
  };
  return {
    readyToThumbnailMs: mark('pod:first-thumbnail') - mark('pod:ready-sent'),
    sessionMs: timing((p) => p === '/api/pod/session'),
    pressMs: timing((p) => p.startsWith('/api/pod/tickets/')),
    thumbnailMs: timing((p) => p.endsWith('/thumbnail')),
  };
})()`;

async function loadPodOnce(browser: Browser, url: string): Promise<FrameTimings> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    const frame = await (async () => {
      const deadline = Date.now() + LOAD_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const found = page.frames().find((f) => /\/pod\?/.test(f.url()));
        if (found) return found;
        await page.waitForTimeout(10);
      }
      throw new Error('the pod frame did not load');
    })();
    await frame.waitForFunction(() => performance.getEntriesByName('pod:first-thumbnail', 'mark').length > 0, undefined, {
      timeout: LOAD_TIMEOUT_MS,
      polling: 10,
    });
    // A string, not a function: tsx (esbuild keepNames) would wrap inner functions in a __name
    // helper that does not exist in the page.
    return (await frame.evaluate(READ_TIMINGS)) as FrameTimings;
  } finally {
    await context.close();
  }
}

function median(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  return present.length === 0 ? null : percentile(present, 50);
}

export async function benchPodFirstPaint(options: PodFirstPaintOptions = {}): Promise<PodFirstPaintResult> {
  const loads = options.loads ?? 10;
  const warmup = options.warmup ?? 1;
  const latencyMs = options.latencyMs ?? 150;
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found (set CHROMIUM_PATH)');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-pod-bench-'));
  const stack = await startDeskbellStack({
    appHost: '127.0.0.1',
    appPort: options.appPort ?? 3120,
    simPort: options.simPort ?? 8131,
    dataDir,
    fresh: true,
    quiet: true,
  });
  let browser: Browser | undefined;
  try {
    // The agent token goes into the database the app just migrated, as `npm run demo` does.
    const db = openDatabase(resolveDatabaseLocation(undefined, dataDir));
    await migrateToLatest(db);
    const { token } = await createAgentToken(db, 'pod first-paint bench');
    await db.destroy();

    const factory = createScreenshotFactory({ width: 1280, height: 800, pool: 3 });
    const screenshots = [0, 1, 2].map((i) => factory.screenshot(0, i));
    const ticketId = await pressToTicket(stack, token, screenshots);

    stack.sim.setFaults([{ kind: 'latency', ms: latencyMs }]);
    browser = await chromium.launch({ executablePath, args: chromiumArgs });
    const url = `${stack.appUrl}/demo/manage/ticket/${ticketId}`;
    for (let i = 0; i < warmup; i++) await loadPodOnce(browser, url);
    const samples: PodLoadSample[] = [];
    for (let i = 0; i < loads; i++) samples.push(await loadPodOnce(browser, url));

    const sorted = samples.map((s) => s.readyToThumbnailMs).sort((a, b) => a - b);
    return {
      latencyMs,
      loads,
      warmup,
      samplesMs: samples.map((s) => s.readyToThumbnailMs),
      medianMs: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      minMs: sorted[0]!,
      maxMs: sorted[sorted.length - 1]!,
      samples,
      medianSessionMs: median(samples.map((s) => s.sessionMs)),
      medianPressMs: median(samples.map((s) => s.pressMs)),
      medianThumbnailMs: median(samples.map((s) => s.thumbnailMs)),
      screenshot: { width: factory.width, height: factory.height, bytes: screenshots.map((s) => s.byteLength) },
      setup:
        `production Next.js server (next start, demo mode) and the Manage simulator in the same process tree on loopback; ` +
        `simulator latency ${latencyMs} ms on every Manage call; headless Chromium, a fresh browser context per load ` +
        `(empty cache, new token) on /demo/manage/ticket/{id}, which frames /pod as a 360 px pod; ${warmup} warm-up load(s) not counted`,
    };
  } finally {
    await browser?.close();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
