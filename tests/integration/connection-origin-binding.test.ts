/**
 * The stored Manage private key and clientId go only to the stored endpoint's origin. A test
 * or save against any other origin with the key or clientId left empty is refused before a
 * single byte leaves Deskbell: a loopback listener standing in for an attacker's host records
 * every request it gets, and must get none. Real simulator, real SQLite, real HTTP.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import { createManageClient } from '@/lib/connectwise/client';
import { ManageConfigError } from '@/lib/connectwise/errors';
import { describeManageConnection, loadManageConnection } from '@/lib/settings/manage-connection';
import { checkManageConnection, saveTestedManageConnection } from '@/lib/setup/connection-test';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { startManageSim, type ManageSim } from '@/tools/manage-sim';

const ADMIN = 'admin@msp.example';
let sim: ManageSim;
let db: DeskbellDatabase;
let trap: { server: Server; port: number; seen: { method: string; url: string; headers: IncomingHttpHeaders }[] };

const storedKey = () => `${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`;
const trapEndpoint = () => `127.0.0.1:${trap.port}/v4_6_release`;

/** An attacker's "Manage": answers companyinfo with 404 (so a test goes on to the API) and records everything. */
async function startTrap(): Promise<typeof trap> {
  const seen: (typeof trap)['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(req.url?.includes('/login/companyinfo/') ? 404 : 200, { 'content-type': 'application/json' });
    res.end(req.url?.includes('/system/info') ? JSON.stringify({ version: 'v2026.11.1', isCloud: false }) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

async function refusal(promise: Promise<unknown>): Promise<DeskbellApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeskbellApiError);
  return error as DeskbellApiError;
}

function everythingTheTrapSaw(): string {
  return JSON.stringify(trap.seen);
}

beforeAll(async () => {
  vi.stubEnv('DESKBELL_SECRET_KEY', randomBytes(32).toString('base64'));
  for (const name of ['MANAGE_ENDPOINT', 'MANAGE_API_KEY', 'MANAGE_CLIENT_ID', 'DESKBELL_PUBLIC_URL']) vi.stubEnv(name, undefined);
  sim = await startManageSim({ port: 0 });
  trap = await startTrap();
  db = await openTestDatabase();
  const saved = await saveTestedManageConnection(db, { endpoint: sim.endpoint, apiKey: storedKey(), clientId: sim.credentials.clientId }, ADMIN);
  expect(saved.saved).toBe(true);
});

beforeEach(() => {
  trap.seen.length = 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => trap.server.close(() => resolve()));
  await sim.close();
  await db.destroy();
});

describe('stored Manage secrets are bound to the stored endpoint origin', () => {
  it('a test against another origin with the key and clientId empty is refused (422) and nothing reaches that host', async () => {
    const error = await refusal(checkManageConnection(db, { endpoint: trapEndpoint(), apiKey: '', clientId: '' }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/type the API key and clientId again/i);
    expect(error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'apiKey' }), expect.objectContaining({ path: 'clientId' })]),
    );
    expect(trap.seen).toEqual([]);
  });

  it('a save against another origin is refused too, nothing is sent and the stored connection stays', async () => {
    const error = await refusal(saveTestedManageConnection(db, { endpoint: trapEndpoint(), apiKey: '', clientId: '', saveAnyway: true }, ADMIN));
    expect(error.status).toBe(422);
    expect(trap.seen).toEqual([]);
    expect((await describeManageConnection(db))?.endpoint).toBe(sim.endpoint);
  });

  it('a typed key with the clientId left empty is refused for another origin: the stored clientId never travels either', async () => {
    const error = await refusal(checkManageConnection(db, { endpoint: trapEndpoint(), apiKey: 'evil+pub:priv', clientId: '' }));
    expect(error.status).toBe(422);
    expect(error.details).toEqual([expect.objectContaining({ path: 'clientId' })]);
    expect(trap.seen).toEqual([]);

    const noKey = await refusal(checkManageConnection(db, { endpoint: trapEndpoint(), apiKey: '', clientId: sim.credentials.clientId }));
    expect(noKey.details).toEqual([expect.objectContaining({ path: 'apiKey' })]);
    expect(trap.seen).toEqual([]);
  });

  it('another scheme or port of the same host is another origin', async () => {
    const simUrl = new URL(sim.baseUrl);
    const otherPort = `http://${simUrl.hostname}:${trap.port}/v4_6_release`;
    await refusal(checkManageConnection(db, { endpoint: otherPort, apiKey: '', clientId: '' }));
    expect(trap.seen).toEqual([]);
  });

  it('with both typed, another origin gets only what was typed', async () => {
    const typedClientId = '0f0f0f0f-1111-4222-8333-444444444444';
    await checkManageConnection(db, { endpoint: trapEndpoint(), apiKey: 'other_co+OtherPublic:OtherPrivate', clientId: typedClientId });
    expect(trap.seen.length).toBeGreaterThan(0);
    const seen = everythingTheTrapSaw();
    expect(seen).not.toContain(sim.credentials.privateKey);
    expect(seen).not.toContain(sim.credentials.clientId);
    expect(seen).not.toContain(Buffer.from(`${sim.credentials.companyId}+${sim.credentials.publicKey}:${sim.credentials.privateKey}`).toString('base64'));
    const api = trap.seen.find((r) => r.url.includes('/system/info'));
    expect(api?.headers.authorization).toBe(`Basic ${Buffer.from('other_co+OtherPublic:OtherPrivate').toString('base64')}`);
    expect(api?.headers.clientid).toBe(typedClientId);
  });

  it('the stored origin still gets the stored secrets when the fields are left empty', async () => {
    const result = await checkManageConnection(db, { endpoint: sim.endpoint, apiKey: '', clientId: '' });
    expect(result.ok).toBe(true);
  });

  it('the client factory refuses stored credentials pointed at another origin, whoever builds the options', async () => {
    const state = await loadManageConnection(db);
    if (!state.configured) throw new Error('expected the stored connection');
    expect(() => createManageClient({ ...state.options, baseUrl: `http://127.0.0.1:${trap.port}/v4_6_release/apis/3.0` })).toThrow(ManageConfigError);
    const sameOrigin = createManageClient({ ...state.options, baseUrl: `${new URL(state.options.baseUrl).origin}/other_codebase/apis/3.0` });
    await sameOrigin.close();
    expect(trap.seen).toEqual([]);
  });
});
