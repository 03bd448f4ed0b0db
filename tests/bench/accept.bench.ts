/**
 * Accept latency and throughput: how fast `POST /api/v1/presses` turns a press with three
 * ~500 KiB screenshots into a durable 202 (press, files and job committed to a SQLite file
 * in WAL mode), with many agents sending at once. Measured over real HTTP against
 * tests/bench/http-server.ts in a child process; no job worker runs, so this is the accept
 * path alone. Afterwards the database is opened to check that every 202 was really stored.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { sniffImage } from '@/lib/images/sniff-image';
import { environmentForChild } from '@/lib/env';
import { openDatabase } from '@/lib/store/database';
import { stopChild } from './sim-child';
import { summariseLatencies, type LatencySummary } from './stats';

const repoRoot = path.resolve(import.meta.dirname, '../..');

// ---------------------------------------------------------------------------------------
// Press bodies

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.byteLength, 0);
  header.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(header.subarray(4))) >>> 0);
  return Buffer.concat([header, data, crc]);
}

export type ScreenshotFactory = {
  width: number;
  height: number;
  /** Byte size of each screenshot the factory makes (they differ by a few bytes at most). */
  sizes: number[];
  /** A decodable PNG whose bytes (and sha256) are unique to this press and position. */
  screenshot(press: number, position: number): Buffer;
};

/**
 * Screenshots of random grey pixels: real screenshots compress, but random pixels keep the
 * file at its size after deflate, so every press really moves ~500 KiB per screenshot.
 * Deflating 500 KiB costs tens of milliseconds, so a small pool is built once and each
 * press gets its own tEXt chunk instead (a valid, ignorable PNG chunk) to differ in bytes.
 */
export function createScreenshotFactory(options: { width: number; height: number; pool: number }): ScreenshotFactory {
  const { width, height } = options;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no filter method extras, no interlace
  const head = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr)]);
  const tails = Array.from({ length: options.pool }, () => {
    const raw = randomBytes((width + 1) * height);
    // Each row starts with its filter type; only 0..4 exist, so use 0 (none).
    for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0;
    return Buffer.concat([pngChunk('IDAT', deflateSync(raw, { level: 1 })), pngChunk('IEND', new Uint8Array(0))]);
  });
  const run = randomUUID();
  const screenshot = (press: number, position: number): Buffer => {
    const tail = tails[(press * 3 + position) % tails.length]!;
    const text = pngChunk('tEXt', Buffer.from(`Comment\0deskbell bench ${run} press ${press} screenshot ${position}`, 'latin1'));
    return Buffer.concat([head, text, tail]);
  };
  for (let i = 0; i < options.pool; i++) {
    const sniffed = sniffImage(screenshot(0, i));
    if (!sniffed.ok || sniffed.type !== 'image/png' || sniffed.width !== width || sniffed.height !== height) {
      throw new Error(`the generated screenshot is not accepted by sniffImage: ${JSON.stringify(sniffed)}`);
    }
  }
  return { width, height, sizes: Array.from({ length: 3 }, (_, i) => screenshot(0, i).byteLength), screenshot };
}

/** A realistic press from the demo data: a known contact on a host that is a configuration. */
export function benchPressFields(index: number, screenshots: number): Record<string, unknown> {
  return {
    v: 1,
    name: 'Dana Whitfield',
    email: 'dana.whitfield@acme-mfg.example',
    phone: '+1 937 555 0143',
    message: `Benchmark press ${index}: the invoicing app freezes when I open the monthly report.`,
    selections: ['Software'],
    host: {
      hostname: 'ACME-PC-01',
      username: 'ACME\\dwhitfield',
      domain: 'acme.local',
      localIp: '10.20.1.21',
      mac: '00:15:5d:01:02:03',
      os: 'Windows 11 Pro 23H2',
      agentVersion: '1.4.2',
    },
    append: ['Default printer: HP LaserJet'],
    screenshots: Array.from({ length: screenshots }, (_, i) => ({ capturedAt: new Date(Date.UTC(2026, 10, 28, 10, 0, i)).toISOString(), monitor: i })),
  };
}

export type MultipartFile = { field: 'screenshot' | 'attachment'; filename: string; contentType: string; bytes: Uint8Array };

/**
 * Encoded by hand rather than through FormData -> Response, which would copy 1.5 MB through
 * a stream per press on the load generator's event loop.
 */
export function encodeMultipart(press: unknown, files: MultipartFile[]): { body: Buffer; contentType: string } {
  const boundary = `----deskbell-bench-${randomBytes(16).toString('hex')}`;
  const parts: Buffer[] = [
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="press"\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(press)}\r\n`),
  ];
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\ncontent-type: ${file.contentType}\r\n\r\n`,
      ),
      Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function buildBenchPress(factory: ScreenshotFactory, index: number, screenshots = 3): { body: Buffer; contentType: string } {
  const files = Array.from({ length: screenshots }, (_, i) => ({
    field: 'screenshot' as const,
    filename: `screen-${i + 1}.png`,
    contentType: 'image/png',
    bytes: factory.screenshot(index, i),
  }));
  return encodeMultipart(benchPressFields(index, screenshots), files);
}

// ---------------------------------------------------------------------------------------
// The server child

const readySchema = z.object({ url: z.url(), token: z.string().min(1), callbackPath: z.string().optional() });
const START_TIMEOUT_MS = 30_000;

export type AcceptServer = z.infer<typeof readySchema> & { pid: number; stop(): Promise<void> };

/**
 * With `manageBaseUrl` the child also serves the Manage callback route, pinned to that Manage
 * (its ready line then names the callback path, token included).
 */
export async function startAcceptServerChild(dbFile: string, options: { manageBaseUrl?: string } = {}): Promise<AcceptServer> {
  const args = [path.join(repoRoot, 'tests/bench/http-server.ts'), dbFile, ...(options.manageBaseUrl ? [options.manageBaseUrl] : [])];
  // react-server resolves `server-only` to its empty module, as under Next.js and `npm run bench`.
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', ...args], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    // The callback path token is sealed at rest: the child needs a secret key of its own.
    env: environmentForChild({ DESKBELL_SECRET_KEY: randomBytes(32).toString('base64') }),
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4_000);
  });
  const ready = await new Promise<z.infer<typeof readySchema>>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => fail(new Error(`accept server child did not start within ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
    function fail(err: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    }
    child.once('exit', (code) => fail(new Error(`accept server child exited with code ${code}\n${stderr}`)));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      const parsed = readySchema.safeParse(JSON.parse(buffer.slice(0, newline)));
      if (parsed.success) resolve(parsed.data);
      else fail(new Error(`accept server child printed an unexpected ready line: ${parsed.error.message}`));
    });
  });
  child.removeAllListeners('exit');
  return { ...ready, pid: child.pid ?? -1, stop: () => stopChild(child, 10_000) };
}


// ---------------------------------------------------------------------------------------
// The measurement

export type AcceptResult = {
  serverSetup: string;
  nextServer: string;
  worker: string;
  database: string;
  clients: number;
  warmup: number;
  presses: number;
  screenshotsPerPress: number;
  screenshot: { width: number; height: number; bytes: number[] };
  requestBytesPerPress: number;
  /** Request start to the complete 202 response, per press. */
  latency: LatencySummary;
  /** The server's own view: request arrival to response flushed, and its event loop's blocking. */
  server: { latency: LatencySummary; eventLoopDelayMs: { p50: number; p99: number; max: number } };
  /** The same press sent by a single client, after the concurrent run. */
  singleClient: { presses: number; latency: LatencySummary };
  wallMs: number;
  pressesPerSecond: number;
  requestBytesPerSecond: number;
  screenshotBytesPerSecond: number;
  /** Counted in the database after the run: every 202 must have its rows. */
  stored: { presses: number; files: number; fileBytes: number; jobsPending: number; jobsOther: number; databaseBytes: number };
};

export type AcceptOptions = { presses: number; warmup: number; clients: number; singlePresses: number };

const REQUEST_TIMEOUT_MS = 60_000;

const serverStatsSchema = z.object({
  serverMs: z.array(z.number()),
  eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
});

function describeNextServer(): string {
  const built = fs.existsSync(path.join(repoRoot, '.next/BUILD_ID'));
  // The production server starts the job worker from instrumentation.ts (WORKER_CONCURRENCY
  // is at least 1), which this measurement must exclude; a build would not change that.
  return built
    ? 'not used: `next start` always starts the job worker (instrumentation.ts), which this measurement excludes'
    : 'not used: .next/BUILD_ID is missing (no `next build`), and `next start` would also start the job worker';
}

export async function benchAccept(options: AcceptOptions): Promise<AcceptResult> {
  const { clients } = options;
  const screenshotsPerPress = 3;
  // 1024 x 500 random grey pixels: 512,500 bytes of pixel rows, ~500 KiB as a PNG.
  const factory = createScreenshotFactory({ width: 1024, height: 500, pool: 8 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-bench-accept-'));
  const dbFile = path.join(dir, 'deskbell.sqlite');
  const agent = new Agent({ connections: clients, keepAliveTimeout: 30_000, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
  let server: AcceptServer | undefined;
  try {
    server = await startAcceptServerChild(dbFile);
    const { url, token } = server;
    let pressIndex = 0;

    const sendOne = async (): Promise<{ ms: number; bytes: number }> => {
      const index = pressIndex++;
      const { body, contentType } = buildBenchPress(factory, index, screenshotsPerPress);
      const started = process.hrtime.bigint();
      const res = await request(`${url}/api/v1/presses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'idempotency-key': randomUUID() },
        body,
        dispatcher: agent,
      });
      const answer = (await res.body.json()) as { status?: unknown; message?: unknown };
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.statusCode !== 202 || answer.status !== 'queued') {
        throw new Error(`press ${index} answered ${res.statusCode}: ${JSON.stringify(answer).slice(0, 500)}`);
      }
      return { ms, bytes: body.byteLength };
    };

    /** `count` presses spread over `concurrency` agents, each sending its next press after the last 202. */
    const runPhase = async (count: number, concurrency: number) => {
      const samples: number[] = [];
      let bytes = 0;
      let remaining = count;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: Math.min(concurrency, count) }, async () => {
          while (remaining > 0) {
            remaining--;
            const one = await sendOne();
            samples.push(one.ms);
            bytes += one.bytes;
          }
        }),
      );
      return { samples, bytes, wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
    };

    const benchStats = async (method: 'GET' | 'DELETE') => {
      const res = await request(`${url}/__bench/stats`, { method, dispatcher: agent });
      if (res.statusCode !== 200) throw new Error(`${method} /__bench/stats answered ${res.statusCode}`);
      return serverStatsSchema.parse(await res.body.json());
    };

    await runPhase(options.warmup, clients);
    await benchStats('DELETE');
    const measured = await runPhase(options.presses, clients);
    const serverStats = await benchStats('GET');
    // One agent at a time: what one accept costs when it does not queue behind others.
    const single = await runPhase(options.singlePresses, 1);
    await server.stop();

    const db = openDatabase({ dialect: 'sqlite', file: dbFile });
    let stored: AcceptResult['stored'];
    try {
      const presses = await db.selectFrom('presses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const files = await db
        .selectFrom('press_files')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('bytes')])
        .executeTakeFirstOrThrow();
      const jobs = await db.selectFrom('jobs').select(['status']).execute();
      stored = {
        presses: Number(presses.n),
        files: Number(files.n),
        fileBytes: Number(files.bytes),
        jobsPending: jobs.filter((j) => j.status === 'pending').length,
        jobsOther: jobs.filter((j) => j.status !== 'pending').length,
        databaseBytes: fs
          .readdirSync(dir)
          .filter((f) => f.startsWith('deskbell.sqlite'))
          .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0),
      };
    } finally {
      await db.destroy();
    }
    const total = options.warmup + options.presses + options.singlePresses;
    if (stored.presses !== total || stored.files !== total * screenshotsPerPress || stored.jobsPending !== total) {
      throw new Error(`after ${total} accepted presses the database holds ${JSON.stringify(stored)}`);
    }

    const latency = summariseLatencies(measured.samples, measured.wallMs);
    const screenshotBytesPerPress = factory.sizes.reduce((a, b) => a + b, 0);
    const seconds = measured.wallMs / 1000;
    return {
      serverSetup: `node:http + handleCreatePress in a child process (tests/bench/http-server.ts, pid ${server.pid}); load generator (undici, keep-alive) in the benchmark process`,
      nextServer: describeNextServer(),
      worker: 'not running: jobs stay pending, so only the accept path is measured',
      database: 'SQLite file in a temp dir, WAL, synchronous=NORMAL (openDatabase, as in production)',
      clients,
      warmup: options.warmup,
      presses: options.presses,
      screenshotsPerPress,
      screenshot: { width: factory.width, height: factory.height, bytes: factory.sizes },
      requestBytesPerPress: Math.round(measured.bytes / options.presses),
      latency,
      server: {
        latency: summariseLatencies(serverStats.serverMs, measured.wallMs),
        eventLoopDelayMs: serverStats.eventLoopDelayMs,
      },
      singleClient: { presses: options.singlePresses, latency: summariseLatencies(single.samples, single.wallMs) },
      wallMs: measured.wallMs,
      pressesPerSecond: options.presses / seconds,
      requestBytesPerSecond: measured.bytes / seconds,
      screenshotBytesPerSecond: (screenshotBytesPerPress * options.presses) / seconds,
      stored,
    };
  } finally {
    await server?.stop();
    await agent.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
