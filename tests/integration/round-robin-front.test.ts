/**
 * The cluster demo's front (scripts/lib/round-robin-front.ts) behaves as a load balancer the
 * instances can trust: requests alternate, Host/Origin/cookies arrive unchanged with
 * X-Forwarded-For added, bodies stream both ways, and an instance that refuses connections is
 * skipped without losing the request's body.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePortBlock } from '@/scripts/lib/free-ports';
import { startRoundRobinFront, type RoundRobinFront } from '@/scripts/lib/round-robin-front';

type Echo = { server: http.Server; port: number };

/** An instance stand-in: answers who it is, the headers it got and the SHA-256 of the body it read. */
async function startEcho(name: string): Promise<Echo> {
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      if (req.url === '/stream') {
        // A slow answer in pieces, as a long-poll or a file download arrives.
        res.writeHead(200, { 'content-type': 'text/plain' });
        let n = 0;
        const timer = setInterval(() => {
          res.write(`${name}-${n}\n`);
          if (++n === 5) {
            clearInterval(timer);
            res.end();
          }
        }, 20);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'a=b; Path=/' });
      res.end(JSON.stringify({ name, headers: req.headers, method: req.method, url: req.url, size, sha256: hash.digest('hex') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

async function startFront(upstreamPorts: number[]): Promise<RoundRobinFront> {
  const port = await findFreePortBlock(1);
  const front = await startRoundRobinFront({ port, upstreams: upstreamPorts.map((p) => ({ host: '127.0.0.1', port: p })) });
  opened.push(front);
  return front;
}

function closeEcho(echo: Echo) {
  return { close: () => new Promise<void>((resolve) => echo.server.close(() => resolve())) };
}

type Echoed = { name: string; headers: Record<string, string>; method: string; url: string; size: number; sha256: string };

describe('the round-robin front', () => {
  it('alternates between instances and passes Host, Origin and cookies through, adding X-Forwarded-For', async () => {
    const a = await startEcho('a');
    const b = await startEcho('b');
    opened.push(closeEcho(a), closeEcho(b));
    const front = await startFront([a.port, b.port]);
    const host = new URL(front.url).host;
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${front.url}/api/x?i=${i}`, { headers: { origin: front.url, cookie: 'session=s1' } });
      expect(res.headers.get('set-cookie')).toBe('a=b; Path=/');
      const echoed = (await res.json()) as Echoed;
      names.push(echoed.name);
      expect(echoed.url).toBe(`/api/x?i=${i}`);
      expect(echoed.headers.host).toBe(host);
      expect(echoed.headers.origin).toBe(front.url);
      expect(echoed.headers.cookie).toBe('session=s1');
      expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(echoed.headers['x-forwarded-host']).toBe(host);
    }
    expect(names).toEqual(['a', 'b', 'a', 'b']);
    expect(front.forwarded()).toEqual([2, 2]);
  });

  it('streams a large request body intact and a slow answer as it comes', async () => {
    const a = await startEcho('a');
    opened.push(closeEcho(a));
    const front = await startFront([a.port]);
    const body = Buffer.alloc(5 * 1024 * 1024, 7);
    for (let i = 0; i < body.length; i += 997) body[i] = i % 251;
    const res = await fetch(`${front.url}/upload`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    const echoed = (await res.json()) as Echoed;
    expect(echoed.size).toBe(body.length);
    expect(echoed.sha256).toBe(createHash('sha256').update(body).digest('hex'));

    const streamed = await fetch(`${front.url}/stream`);
    expect(await streamed.text()).toBe('a-0\na-1\na-2\na-3\na-4\n');
  });

  it('skips an instance that refuses connections, body and all, and answers 502 when none is left', async () => {
    const a = await startEcho('a');
    opened.push(closeEcho(a));
    const down = await findFreePortBlock(1);
    const front = await startFront([down, a.port]);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${front.url}/press`, { method: 'POST', body: JSON.stringify({ i }), headers: { 'content-type': 'application/json' } });
      const echoed = (await res.json()) as Echoed;
      expect(echoed.name).toBe('a');
      expect(echoed.size).toBe(JSON.stringify({ i }).length);
    }
    expect(front.forwarded()).toEqual([0, 3]);

    const nothing = await startFront([down]);
    const res = await fetch(`${nothing.url}/api/health`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_gateway');
  });
});
