/**
 * A Manage refusal only an admin can lift (a security-role permission missing: 403) stops the
 * press at once with the fix in words, instead of eight retries over minutes; the admin's
 * Retry finishes it once the permission is granted. The reference agent (scripts/press.ts, run
 * for real against the production route logic over HTTP) says all of this in sentences.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { listAgentTokens, revokeAgentToken } from '@/lib/auth/agent-tokens';
import { environmentForChild } from '@/lib/env';
import { permissionForManageCall } from '@/lib/connectwise/permissions';
import { listPresses, pressListQuerySchema } from '@/lib/presses/list-presses';
import { isNeedsAdminReason } from '@/lib/presses/needs-admin';
import { retryDeadPress } from '@/lib/intake/retry-press';
import { basePress } from '../support/press-fixtures';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { handleCreatePress, handleReadPressStatus } from '@/tests/support/agent-routes';

const root = path.resolve(import.meta.dirname, '../..');
let h: PipelineHarness | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await h?.close();
  h = undefined;
});

const ticketCreates = (harness: PipelineHarness) => harness.sim.requests().filter((r) => r.method === 'POST' && r.path === '/service/tickets');

describe('a press Manage refuses for a missing permission', () => {
  it('is not retried, names the missing permission and the fix, and the admin\u2019s Retry finishes it once granted', async () => {
    h = await startPipelineHarness();
    h.sim.setPermissions({ denied: ['service-desk/service-tickets:add'] });
    const res = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    expect(res.status).toBe(202);
    await h.settle(20_000);

    const status = await h.status(res.body.id);
    expect(status.status).toBe('dead');
    const reason = String(status.reason);
    expect(reason).toMatch(/^Needs an admin:/);
    expect(reason).toContain('Service Desk / Service Tickets / Add Level - All');
    expect(reason).toContain('Service Desk > Service Tickets: Add Level = All');
    expect(reason).toContain('Retry');
    expect(reason).not.toMatch(/\w+Error:/);
    // One attempt: a permission does not appear by waiting.
    expect(ticketCreates(h)).toHaveLength(1);
    const row = await h.db.selectFrom('presses').select(['attempt', 'last_error']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.attempt).toBe(1);
    expect(row.last_error).not.toMatch(/^\w+Error:/);
    // Manage's own words as the last error, the fix as the reason: not the same text twice.
    expect(row.last_error).toContain('403 Forbidden');
    expect(isNeedsAdminReason(reason)).toBe(true);
    // The dashboard row carries the fix, so the list says why it stopped without opening the report.
    const listed = (await listPresses(h.db, pressListQuerySchema.parse({}))).items.find((i) => i.id === res.body.id);
    expect(listed?.needsAdminReason).toBe(reason);

    h.sim.clearPermissions();
    await retryDeadPress(h.db, { pressId: res.body.id, actor: 'admin@msp.example' });
    h.worker.wake();
    await h.settle(20_000);
    expect(await h.status(res.body.id)).toMatchObject({ status: 'ticket_created' });
    expect(h.ticketsFor(res.body.id)).toHaveLength(1);
  });

  it('a refused contact lookup names the Contacts permission', async () => {
    h = await startPipelineHarness();
    h.sim.setPermissions({ denied: ['companies/contacts'] });
    const res = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle(20_000);
    const status = await h.status(res.body.id);
    expect(status).toMatchObject({ status: 'dead' });
    expect(String(status.reason)).toContain('Companies / Contacts / Inquire Level - All');
    expect(h.sim.requests().filter((r) => r.path === '/company/contacts' && r.status === 403)).toHaveLength(1);
  });

  it('a passing Manage outage is still retried, with a sentence and no class name', async () => {
    h = await startPipelineHarness();
    h.sim.setFaults([{ kind: 'status', status: 500, times: 6, match: { method: 'POST', path: '^/service/tickets$' } }]);
    const res = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example' }));
    await h.settle(20_000);
    expect(await h.status(res.body.id)).toMatchObject({ status: 'ticket_created' });
    expect(ticketCreates(h).length).toBeGreaterThan(1);
  });

  it('maps each pipeline call to the permission line the wizard checks', () => {
    expect(permissionForManageCall('POST', '/service/tickets')?.id).toBe('service-tickets-add');
    expect(permissionForManageCall('GET', '/service/tickets')?.id).toBe('service-tickets-inquire');
    expect(permissionForManageCall('POST', '/system/documents')?.id).toBe('document-upload');
    expect(permissionForManageCall('GET', '/system/documents')?.id).toBe('ticket-dependencies-inquire');
    expect(permissionForManageCall('POST', '/service/tickets/12/configurations')?.id).toBe('ticket-dependencies-add');
    expect(permissionForManageCall('GET', '/company/configurations')?.id).toBe('configurations-inquire');
    expect(permissionForManageCall('GET', '/service/boards/1/statuses')?.id).toBe('table-setup-inquire');
    expect(permissionForManageCall('GET', '/system/info')).toBeUndefined();
  });
});

/** The production route logic of the agent API over plain HTTP, for the real CLI to talk to. */
async function serveAgentApi(harness: PipelineHarness): Promise<string> {
  server = http.createServer((req, res) => {
    void (async () => {
      const headers = new Headers();
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), {
        method: req.method,
        headers,
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: 'half',
      } as RequestInit);
      const url = new URL(request.url);
      const statusMatch = /^\/api\/v1\/presses\/([^/]+)$/.exec(url.pathname);
      const response =
        req.method === 'POST' && url.pathname === '/api/v1/presses'
          ? await handleCreatePress(request, { db: harness.db, queue: harness.queue, publicUrl: null, onAccepted: () => harness.worker.wake() })
          : statusMatch
            ? await handleReadPressStatus(request, statusMatch[1]!, { db: harness.db })
            : new Response('not found', { status: 404 });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function runPressCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['--conditions=react-server', 'scripts/press.ts', ...args], {
      cwd: root,
      // An empty data directory: no demo.json, so the CLI uses exactly the server and token given.
      env: environmentForChild({ DESKBELL_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-cli-')), DATABASE_URL: undefined }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the reference agent (npm run press) in words', () => {
  it('says the press waits for an admin, with the fix, and where an admin and an agent can follow it', async () => {
    h = await startPipelineHarness();
    h.sim.setPermissions({ denied: ['service-desk/service-tickets:add'] });
    const url = await serveAgentApi(h);
    const { code, out } = await runPressCli(['--server', url, '--token', h.token, '--message', 'Printer jammed', '--email', 'dana.whitfield@acme-mfg.example', '--wait', '20']);
    expect(out).not.toMatch(/\b[A-Z]\w*Error:/);
    expect(out).toContain('waits for your Deskbell admin');
    expect(out).toContain('Service Tickets: Add Level = All');
    expect(out).toMatch(new RegExp(`For admins \\(sign in\\): ${url}/presses/[0-9a-f-]{36}`));
    expect(out).toMatch(/For agents \(Authorization: Bearer <this token>\): .*\/api\/v1\/presses\//);
    expect(code).toBe(4);
  }, 60_000);

  it('says a revoked token was revoked, without the raw JSON of the answer', async () => {
    h = await startPipelineHarness();
    const url = await serveAgentApi(h);
    const [agent] = await listAgentTokens(h.db);
    expect(await revokeAgentToken(h.db, agent!.id)).toBe(true);
    const { code, out } = await runPressCli(['--server', url, '--token', h.token, '--message', 'Printer jammed', '--wait', '5']);
    expect(out).toContain('The server refused the agent token: This agent token was revoked. Ask your administrator for a new one.');
    expect(out).not.toContain('{');
    expect(out).not.toContain('"reason"');
    expect(code).toBe(1);
  }, 60_000);
});
