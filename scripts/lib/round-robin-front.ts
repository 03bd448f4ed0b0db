/**
 * A small round-robin load balancer for the cluster demo and its test: it forwards each request
 * to the next Deskbell instance as any HTTP load balancer would (Host, Origin, cookies and every
 * other header unchanged, X-Forwarded-For/-Proto/-Host added, bodies streamed both ways, long-polls
 * held open as long as the instance holds them) and skips an instance that does not accept the
 * connection. No sticky sessions: Deskbell's instances share everything through the database.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Upstream = { host: string; port: number };

export type RoundRobinFront = {
  url: string;
  /** How many requests each upstream (by index) was given. */
  forwarded(): number[];
  close(): Promise<void>;
};

export type FrontOptions = {
  host?: string;
  port: number;
  upstreams: Upstream[];
  /** Said once per request that found no instance accepting it. */
  log?: (line: string) => void;
};

/** Hop-by-hop headers (RFC 9110 7.6.1) are the connection's, not the message's: never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function forwardedHeaders(req: IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  const named = String(req.headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.includes(name)) continue;
    headers[name] = value;
  }
  const client = req.socket.remoteAddress ?? 'unknown';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
  headers['x-forwarded-proto'] = 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}

export async function startRoundRobinFront(options: FrontOptions): Promise<RoundRobinFront> {
  if (options.upstreams.length === 0) throw new Error('the front needs at least one instance');
  const host = options.host ?? '127.0.0.1';
  const counts = options.upstreams.map(() => 0);
  let next = 0;

  const forward = (req: IncomingMessage, res: ServerResponse, tried: number) => {
    if (tried >= options.upstreams.length) {
      options.log?.(`[front] no instance accepted ${req.method} ${req.url}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'No Deskbell instance is reachable.', details: null } }));
      return;
    }
    const index = next;
    next = (next + 1) % options.upstreams.length;
    const target = options.upstreams[index]!;
    // A connection of its own per request (agent: false): the body is streamed only once the
    // instance accepted the connection, so a refused connection can still go to the next one.
    const upstream = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers: forwardedHeaders(req), agent: false });
    let connected = false;
    upstream.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        connected = true;
        counts[index]! += 1;
        req.pipe(upstream);
      });
    });
    upstream.on('response', (answer) => {
      const headers = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete headers[name];
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (!connected) {
        forward(req, res, tried + 1);
        return;
      }
      // The instance went away mid-request: the client sees the connection end, as behind any balancer.
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'The Deskbell instance failed during the request.', details: null } }));
      } else {
        res.destroy();
      }
    });
    // A client that gives up (a closed long-poll) releases the instance's side too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  };

  const server = http.createServer((req, res) => forward(req, res, 0));
  // Long-polls and large uploads are the instances' business; the front adds no limit of its own.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    forwarded: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
