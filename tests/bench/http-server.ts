/**
 * The accept half of Deskbell behind a plain node:http server, run as a CHILD process of the
 * benchmark so the load generator and the server do not share one event loop.
 *
 * Usage: node --conditions=react-server --import tsx tests/bench/http-server.ts <sqlite file> [manage base url]
 *
 * With a Manage base URL it also serves `POST /api/connectwise/callback/{token}` with the
 * production receiver (handleManageCallback), key_url pinned to that Manage; the ready line
 * then carries `callbackPath`. Callbacks are stored and their jobs queued, never processed.
 *
 * It opens (and migrates) a SQLite FILE database in WAL mode exactly as production does,
 * creates one agent token, and serves `POST /api/v1/presses` with the production route
 * logic (handleCreatePress). No job worker runs here: the jobs it enqueues stay pending, so
 * a measurement against this server is the accept path alone. When listening it prints one
 * JSON line `{url, token}`; it closes when its stdin ends or on SIGTERM.
 *
 * `GET /__bench/stats` answers the server's own view since the last `DELETE /__bench/stats`:
 * each request's time from its arrival to its response being flushed, and how long this
 * event loop was blocked, so the benchmark can tell server time from client-side queueing.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { migrateToLatest, openDatabase } from '@/lib/store/database';
import type { ManageConnectionState } from '@/lib/connectwise/connection';
import { createCallbackVerifier } from '@/lib/connectwise/callback-signature';
import { getOrCreateCallbackPathToken } from '@/lib/notifications/callback-path-token';
import { handleManageCallback } from '@/lib/api/with-manage-callback';
import type { ReceiveCallbackDeps } from '@/lib/notifications/receive-callback';
import { handleCreatePress } from '@/tests/support/agent-routes';

const dbFile = process.argv[2];
if (!dbFile) throw new Error('usage: http-server.ts <sqlite file>');

const db = openDatabase({ dialect: 'sqlite', file: dbFile });
await migrateToLatest(db);
const queue = createSqlJobQueue(db);
const { token } = await createAgentToken(db, 'bench agent');

const manageBaseUrl = process.argv[3];
const callbackToken = manageBaseUrl ? await getOrCreateCallbackPathToken(db) : undefined;
const callbackPath = callbackToken ? `/api/connectwise/callback/${callbackToken}` : undefined;
const callbackDeps: ReceiveCallbackDeps | undefined = manageBaseUrl
  ? {
      db,
      queue,
      verifier: createCallbackVerifier(),
      loadConnection: async () => ({ configured: true, options: { baseUrl: manageBaseUrl } }) as unknown as ManageConnectionState,
      maxBodyBytes: 256 * 1024,
    }
  : undefined;

function toWebRequest(req: http.IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    // Streamed, as Next.js hands it to a route: the handler's size cap applies while reading.
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: 'half',
  } as RequestInit);
}

async function sendWebResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let serverMs: number[] = [];

function readStats() {
  const ns = (v: number) => Math.round(v / 1e4) / 100;
  return {
    serverMs,
    eventLoopDelayMs: { p50: ns(loopDelay.percentile(50)), p99: ns(loopDelay.percentile(99)), max: ns(loopDelay.max) },
  };
}

let origin = 'http://127.0.0.1';
const server = http.createServer((req, res) => {
  void (async () => {
    try {
      if (req.method === 'POST' && req.url === '/api/v1/presses') {
        const arrived = performance.now();
        res.once('finish', () => serverMs.push(performance.now() - arrived));
        const response = await handleCreatePress(toWebRequest(req, origin), { db, queue, publicUrl: null });
        await sendWebResponse(res, response);
      } else if (req.method === 'POST' && callbackPath && callbackDeps && req.url?.split('?')[0] === callbackPath) {
        const arrived = performance.now();
        res.once('finish', () => serverMs.push(performance.now() - arrived));
        await sendWebResponse(res, await handleManageCallback(toWebRequest(req, origin), callbackToken!, callbackDeps));
      } else if (req.url === '/__bench/stats' && (req.method === 'GET' || req.method === 'DELETE')) {
        if (req.method === 'DELETE') {
          serverMs = [];
          loopDelay.reset();
        }
        await sendWebResponse(res, Response.json(readStats()));
      } else {
        await sendWebResponse(res, Response.json({ error: 'not found' }, { status: 404 }));
      }
    } catch (err) {
      // handleCreatePress maps its own errors; this is only a broken adapter above it.
      console.error('[bench http-server]', err instanceof Error ? err.message : err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    }
  })();
});
server.keepAliveTimeout = 30_000;

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
origin = `http://127.0.0.1:${address.port}`;
process.stdout.write(`${JSON.stringify({ url: origin, token, callbackPath })}\n`);

let closing = false;
async function shutDown(): Promise<void> {
  if (closing) return;
  closing = true;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // Checkpoints the WAL and releases the file, so the parent can read the counts afterwards.
  await db.destroy();
  process.exit(0);
}
process.stdin.on('end', () => void shutDown());
process.stdin.on('close', () => void shutDown());
process.stdin.resume();
process.on('SIGTERM', () => void shutDown());
