import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManageClient, type ManageClientOptions } from '@/lib/connectwise/client';
import { ManageConfigError, ManageError, toTransportError } from '@/lib/connectwise/errors';

const privateKey = 'pr1vateKEY-never-shown';
const clientId = '0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6';
const authToken = Buffer.from(`Comp_a+pubKEY:${privateKey}`).toString('base64');

/** Every way an error reaches a log line or an HTTP response. */
function renderings(error: Error): string[] {
  return [
    JSON.stringify(error),
    JSON.stringify({ wrapped: error }),
    inspect(error, { depth: 10, showHidden: true }),
    String(error),
    error.message,
    error.stack ?? '',
    JSON.stringify(Object.entries(error)),
  ];
}

function expectNoSecrets(error: Error) {
  for (const text of renderings(error)) {
    expect(text).not.toContain(privateKey);
    expect(text).not.toContain(authToken);
    expect(text).not.toContain(clientId);
    expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
  }
}

// A hostile (or buggy) server that echoes the request's credentials back in its error body.
let server: Server;
let baseUrl: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const status = req.url?.includes('/forbidden') ? 403 : req.url?.includes('/bad') ? 400 : 401;
    res.writeHead(status, { 'content-type': 'application/vnd.connectwise.com+json; version=2026.11' });
    res.end(
      JSON.stringify({
        code: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'InvalidObject',
        message: `You sent ${req.headers.authorization} and clientId ${req.headers.clientid} (key ${privateKey})`,
        errors: [{ code: 'InvalidField', message: `field echo ${privateKey}`, resource: 'ticket', field: 'summary' }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4_6_release/apis/3.0`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function options(overrides: Partial<ManageClientOptions> = {}): ManageClientOptions {
  return { baseUrl, companyId: 'Comp_a', publicKey: 'pubKEY', privateKey, clientId, retry: { maxRetries: 0 }, ...overrides };
}

async function failureOf(promise: Promise<unknown>): Promise<ManageError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ManageError) return error;
    throw error;
  }
  throw new Error('expected a ManageError');
}

describe('ManageError', () => {
  it('a 401 names the company id and public key, never the private key, clientId or auth header', async () => {
    const client = createManageClient(options());
    try {
      const error = await failureOf(client.request({ method: 'GET', path: '/system/info' }));
      expect(seen.at(-1)?.authorization).toBe(`Basic ${authToken}`);
      expect(error).toMatchObject({ status: 401, code: 'Unauthorized', kind: 'http', method: 'GET', path: '/system/info', retryable: false });
      expect(error.message).toMatch(/rejected the API key/);
      expect(error.message).toContain('"Comp_a"');
      expect(error.message).toContain('"pubKEY"');
      expect(error.message).toContain('[redacted]');
      expectNoSecrets(error);
    } finally {
      await client.close();
    }
  });

  it('a 403 names the method and path that needs a permission', async () => {
    const client = createManageClient(options());
    try {
      const error = await failureOf(client.request({ method: 'POST', path: '/forbidden/thing', json: {} }));
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/security role is missing a permission needed for POST \/forbidden\/thing/);
      expectNoSecrets(error);
    } finally {
      await client.close();
    }
  });

  it('keeps field errors, redacted', async () => {
    const client = createManageClient(options());
    try {
      const error = await failureOf(client.request({ method: 'POST', path: '/bad', json: {} }));
      expect(error.fieldErrors).toEqual([{ code: 'InvalidField', message: 'field echo [redacted]', resource: 'ticket', field: 'summary' }]);
      expect(error.message).toMatch(/summary: field echo \[redacted\]/);
      expectNoSecrets(error);
    } finally {
      await client.close();
    }
  });

  it('serialises only its safe fields', () => {
    const error = new ManageError({
      message: 'm',
      status: 429,
      code: 'TooManyRequests',
      kind: 'http',
      method: 'GET',
      path: '/x',
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ManageError',
      message: 'm',
      status: 429,
      code: 'TooManyRequests',
      kind: 'http',
      phase: null,
      method: 'GET',
      path: '/x',
      retryable: true,
      retryAfterMs: 2000,
      fieldErrors: [],
    });
    expect(inspect(error)).toContain('"code": "TooManyRequests"');
    expect(String(error)).toBe('ManageError: m');
  });

  it('maps transport failures to timeout phases and network errors', () => {
    expect(toTransportError({ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'POST', '/service/tickets')).toMatchObject({
      kind: 'timeout',
      phase: 'headers',
      code: 'Timeout',
      retryable: true,
      status: null,
    });
    expect(toTransportError({ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'GET', '/a').phase).toBe('connect');
    expect(toTransportError({ code: 'UND_ERR_BODY_TIMEOUT' }, 'GET', '/a').phase).toBe('body');
    expect(toTransportError({ code: 'ECONNRESET' }, 'GET', '/a')).toMatchObject({ kind: 'network', code: 'NetworkError', retryable: true });
    expect(toTransportError({ code: 'UND_ERR_ABORTED' }, 'GET', '/a')).toMatchObject({ code: 'Aborted', retryable: false });
  });
});

describe('createManageClient configuration', () => {
  it('refuses an empty clientId before sending anything, without echoing secrets', () => {
    const before = seen.length;
    let thrown: unknown;
    try {
      createManageClient(options({ clientId: '' }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ManageConfigError);
    const error = thrown as ManageConfigError;
    expect(error).toMatchObject({ field: 'clientId', code: 'ClientIdMissing' });
    expect(error.message).toMatch(/clientId is missing: Manage rejects every API call without a clientId header/);
    expect(inspect(error)).not.toContain(privateKey);
    expect(seen.length).toBe(before);
  });

  it.each([
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ baseUrl: 'ftp://x/y' }, 'baseUrl'],
    [{ baseUrl: 'http://cw.example.com/v4_6_release/apis/3.0' }, 'baseUrl'],
    [{ privateKey: '' }, 'privateKey'],
    [{ companyId: ' ' }, 'companyId'],
    [{ apiVersion: 'latest' }, 'apiVersion'],
    [{ clientId: 'has space' }, 'clientId'],
  ] as const)('refuses %j', (overrides, field) => {
    expect(() => createManageClient(options(overrides))).toThrow(ManageConfigError);
    try {
      createManageClient(options(overrides));
    } catch (error) {
      expect((error as ManageConfigError).field).toBe(field);
    }
  });
});
