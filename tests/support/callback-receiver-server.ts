/**
 * Deskbell's callback route on a real HTTP port, for the simulator to call: node:http in
 * front of handleManageCallback, the same function the Next.js route calls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleManageCallback } from '@/lib/api/with-manage-callback';
import type { ReceiveCallbackDeps } from '@/lib/notifications/receive-callback';

export type CallbackReceiverServer = { origin: string; server: Server; statuses: number[]; close(): Promise<void> };

export async function startCallbackReceiver(deps: ReceiveCallbackDeps): Promise<CallbackReceiverServer> {
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = /^\/api\/connectwise\/callback\/([^/]+)$/.exec(url.pathname);
      if (!match || req.method !== 'POST') {
        res.statusCode = 404;
        res.end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(url, { method: 'POST', headers, body: Buffer.concat(chunks) });
      void handleManageCallback(request, decodeURIComponent(match[1]!), deps).then(async (response) => {
        statuses.push(response.status);
        res.statusCode = response.status;
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    server,
    statuses,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
