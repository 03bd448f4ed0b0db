import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAgentToken, revokeAgentToken } from '@/lib/auth/agent-tokens';
import { createSqlJobQueue } from '@/lib/jobs/sql-queue';
import { subscribe } from '@/lib/cluster/cluster-signal';
import type { CreatePressDeps } from '@/lib/intake/accept-press';
import type { PressLimits } from '@/lib/intake/limits';
import { readWaitSeconds } from '@/lib/intake/press-status';
import { notifyPressStatusChanged } from '@/lib/presses/press-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import {
  basePress,
  buildJpeg,
  buildMultipart,
  buildPixelBombPng,
  buildPng,
  buildWebpLossless,
  type FilePart,
  type PressFields,
} from '@/tests/support/press-fixtures';
import { handleCreatePress, handleReadPressStatus } from '@/tests/support/agent-routes';

const limits: PressLimits = {
  maxBodyBytes: 1_000_000,
  maxFileBytes: 300_000,
  maxFiles: 5,
  maxImagePixels: 4_000_000,
  maxMessageChars: 32_000,
};
const PUBLIC_URL = 'https://help.example.com/desk';
const URL_BASE = 'http://127.0.0.1:3000/api/v1/presses';

let db: DeskbellDatabase;
let token: string;
let tokenId: string;

beforeEach(async () => {
  db = await openTestDatabase();
  const created = await createAgentToken(db, 'front desk');
  token = created.token;
  tokenId = created.agentToken.id;
});

let unsubscribeJobs: (() => void) | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  unsubscribeJobs?.();
  unsubscribeJobs = undefined;
  await db.destroy();
});

function deps(extra: Partial<CreatePressDeps> = {}): CreatePressDeps {
  return { db, limits, publicUrl: PUBLIC_URL, ...extra };
}

function pressRequest(body: BodyInit | null, headers: Record<string, string> = {}, init: RequestInit = {}): Request {
  return new Request(URL_BASE, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...init,
  });
}

function post(body: BodyInit | null, headers: Record<string, string> = {}, extra: Partial<CreatePressDeps> = {}) {
  return handleCreatePress(pressRequest(body, headers), deps(extra));
}

function postJson(press: unknown, headers: Record<string, string> = {}) {
  return post(JSON.stringify(press), { 'content-type': 'application/json', ...headers });
}

function postMultipart(press: PressFields | string | undefined, files: FilePart[] = [], headers: Record<string, string> = {}) {
  return post(buildMultipart(press, files), headers);
}

function getStatus(id: string, query = '', authToken: string | null = token, signal?: AbortSignal) {
  const headers: Record<string, string> = authToken ? { authorization: `Bearer ${authToken}` } : {};
  return handleReadPressStatus(new Request(`${URL_BASE}/${id}${query}`, { headers, signal }), id, { db });
}

async function countRows() {
  const count = async (table: 'presses' | 'press_files' | 'jobs') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { presses: await count('presses'), files: await count('press_files'), jobs: await count('jobs') };
}

type ErrorJson = { error: { code: string; message: string; details: { path: string; message: string }[] | null } };

/** The status, the error body shape, the field path, and that nothing at all was stored. */
async function expectRejected(response: Response, status: number, code: string, detailPath?: string): Promise<ErrorJson> {
  const body = (await response.json()) as ErrorJson;
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(body.error).toHaveProperty('details');
  if (detailPath) expect(body.error.details?.map((d) => d.path)).toContain(detailPath);
  expect(await countRows()).toEqual({ presses: 0, files: 0, jobs: 0 });
  return body;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const shot = (capturedAt: string, monitor: number) => ({ capturedAt, monitor });
const pngShot = (filename = 'shot.png'): FilePart => ({
  name: 'screenshot',
  bytes: buildPng({ width: 4, height: 3 }),
  filename,
  type: 'image/png',
});

/** A body stream that records whether anyone read it; highWaterMark 0 so nothing is pulled early. */
function watchedStream(bytes: Uint8Array) {
  const state = { pulled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulled = true;
        controller.enqueue(bytes);
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

function streamRequest(stream: ReadableStream<Uint8Array>, headers: Record<string, string>): Request {
  return new Request(URL_BASE, { method: 'POST', body: stream, headers, duplex: 'half' } as RequestInit);
}

describe('POST /api/v1/presses: authentication', () => {
  it('refuses a request without a token, before reading its body', async () => {
    const { stream, state } = watchedStream(Buffer.from(JSON.stringify(basePress())));
    const response = await handleCreatePress(streamRequest(stream, { 'content-type': 'application/json' }), deps());
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = await expectRejected(response, 401, 'unauthorized');
    expect(body.error.message).toContain('Authorization: Bearer');
    expect(state.pulled).toBe(false);
  });

  it('refuses a malformed, an unknown and a revoked token, each with its own message', async () => {
    const json = { 'content-type': 'application/json' };
    const malformed = await handleCreatePress(
      pressRequest(JSON.stringify(basePress()), { ...json, authorization: 'Basic dXNlcjpwYXNz' }),
      deps(),
    );
    expect((await expectRejected(malformed, 401, 'unauthorized')).error.message).toMatch(/does not hold a Deskbell agent token/);

    const unknown = await handleCreatePress(
      pressRequest(JSON.stringify(basePress()), { ...json, authorization: `Bearer dbt_${'A'.repeat(43)}` }),
      deps(),
    );
    expect((await expectRejected(unknown, 401, 'unauthorized')).error.message).toMatch(/not known/);

    await revokeAgentToken(db, tokenId);
    const revoked = await postJson(basePress());
    expect((await expectRejected(revoked, 401, 'unauthorized')).error.message).toMatch(/revoked/);
  });
});

describe('POST /api/v1/presses: limits', () => {
  it('answers 413 from Content-Length alone, without reading the body', async () => {
    const { stream, state } = watchedStream(Buffer.from(JSON.stringify(basePress())));
    const request = streamRequest(stream, {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': String(limits.maxBodyBytes + 1),
    });
    const body = await expectRejected(await handleCreatePress(request, deps()), 413, 'payload_too_large', 'body');
    expect(body.error.message).toContain(String(limits.maxBodyBytes));
    expect(state.pulled).toBe(false);
  });

  it('counts the bytes actually sent when Content-Length lies or is missing', async () => {
    const big = JSON.stringify(basePress({ message: 'x', append: ['y'.repeat(limits.maxBodyBytes)] }));
    const lying = await post(big, { 'content-type': 'application/json', 'content-length': '100' });
    await expectRejected(lying, 413, 'payload_too_large', 'body');

    const { stream } = watchedStream(Buffer.from(big));
    const chunked = streamRequest(stream, { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    await expectRejected(await handleCreatePress(chunked, deps()), 413, 'payload_too_large', 'body');
  });

  it('refuses more files than allowed with 413', async () => {
    const files = Array.from({ length: 6 }, (_, i) => pngShot(`s${i}.png`));
    const press = basePress({ screenshots: files.map((_, i) => shot('2026-03-01T09:30:00Z', i)) });
    const body = await expectRejected(await postMultipart(press, files), 413, 'payload_too_large', 'files');
    expect(body.error.message).toMatch(/at most 5/);
    const json = await postJson(
      basePress({ attachments: Array.from({ length: 6 }, (_, i) => ({ filename: `${i}.txt`, data: 'aGk=' })) }),
    );
    await expectRejected(json, 413, 'payload_too_large', 'files');
  });

  it('refuses a file over the per-file limit with 413 naming it', async () => {
    const attachment: FilePart = { name: 'attachment', bytes: Buffer.alloc(limits.maxFileBytes + 1, 7), filename: 'dump.bin' };
    const body = await expectRejected(await postMultipart(basePress(), [attachment]), 413, 'payload_too_large', 'attachment[0]');
    expect(body.error.message).toContain('dump.bin');
  });

  it('refuses a ".png" that is not a PNG with 415 naming the file', async () => {
    const fake: FilePart = { name: 'screenshot', bytes: Buffer.from('GIF89a-but-called-png'), filename: 'shot.png', type: 'image/png' };
    const press = basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] });
    const body = await expectRejected(await postMultipart(press, [fake]), 415, 'unsupported_media_type', 'screenshot[0]');
    expect(body.error.message).toContain('screenshot[0] ("shot.png")');
    expect(body.error.message).toMatch(/not a PNG, JPEG or WebP/);
  });

  it('refuses a pixel bomb from its header with 422 naming the file', async () => {
    const bomb: FilePart = { name: 'screenshot', bytes: buildPixelBombPng(), filename: 'bomb.png' };
    expect(bomb.bytes.length).toBeLessThan(1000);
    const press = basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] });
    const body = await expectRejected(await postMultipart(press, [bomb]), 422, 'unprocessable_entity', 'screenshot[0]');
    expect(body.error.message).toContain('bomb.png');
    expect(body.error.message).toContain('100000x100000');
  });
});

describe('POST /api/v1/presses: bad input', () => {
  it('refuses a content type it does not speak with 415', async () => {
    await expectRejected(await post('hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type', 'header.Content-Type');
    await expectRejected(await post(null), 415, 'unsupported_media_type');
  });

  it('refuses invalid JSON, in a body or in the press part', async () => {
    const body = await expectRejected(await post('{"v":1,', { 'content-type': 'application/json' }), 422, 'unprocessable_entity', 'press');
    expect(body.error.message).toMatch(/not valid JSON/);
    await expectRejected(await postMultipart('{nope'), 422, 'unprocessable_entity', 'press');
  });

  it('refuses missing fields and a missing press part', async () => {
    const body = await expectRejected(await postJson({ v: 1, name: 'x' }), 422, 'unprocessable_entity', 'press.message');
    expect(body.error.message).toContain('press.message: is required');
    await expectRejected(await postMultipart(undefined, [pngShot()]), 422, 'unprocessable_entity', 'press');
    await expectRejected(await postJson(basePress({ v: undefined })), 422, 'unprocessable_entity', 'press.v');
  });

  it('refuses wrong types with every field path', async () => {
    const body = await expectRejected(
      await postJson(basePress({ message: ['a'], host: { hostname: 12 }, selections: 'one' })),
      422,
      'unprocessable_entity',
    );
    expect(body.error.details?.map((d) => d.path).sort()).toEqual(['press.host.hostname', 'press.message', 'press.selections']);
    expect(body.error.message).toMatch(/and 2 more problems/);
    await expectRejected(await postJson([basePress()]), 422, 'unprocessable_entity', 'press');
    await expectRejected(await postJson(basePress({ email: 'dana@' })), 422, 'unprocessable_entity', 'press.email');
  });

  it('refuses a 100 KB message', async () => {
    const body = await expectRejected(
      await postJson(basePress({ message: 'x'.repeat(100 * 1024) })),
      422,
      'unprocessable_entity',
      'press.message',
    );
    expect(body.error.message).toMatch(/at most 32000 characters/);
  });

  it('refuses NUL bytes in text fields', async () => {
    await expectRejected(await postJson(basePress({ message: 'a\u0000b' })), 422, 'unprocessable_entity', 'press.message');
    await expectRejected(
      await postMultipart(basePress({ host: { username: 'dana\u0000' } })),
      422,
      'unprocessable_entity',
      'press.host.username',
    );
  });

  it('refuses screenshot metadata that does not match the screenshot parts', async () => {
    const body = await expectRejected(
      await postMultipart(basePress({ screenshots: [] }), [pngShot()]),
      422,
      'unprocessable_entity',
      'press.screenshots',
    );
    expect(body.error.message).toMatch(/1 screenshot part/);
    await expectRejected(
      await postMultipart(basePress({ screenshots: [{ monitor: 0 }] }), [pngShot()]),
      422,
      'unprocessable_entity',
      'press.screenshots.0.capturedAt',
    );
  });

  it('refuses unknown parts, text where a file belongs, and bad base64', async () => {
    const form = buildMultipart(basePress());
    form.append('screenshots', new Blob([new Uint8Array(buildPng({ width: 1, height: 1 }))]), 'a.png');
    await expectRejected(await post(form), 422, 'unprocessable_entity', 'screenshots');

    const textPart = buildMultipart(basePress());
    textPart.append('attachment', 'just text');
    await expectRejected(await post(textPart), 422, 'unprocessable_entity', 'attachment[0]');

    await expectRejected(
      await postJson(basePress({ attachments: [{ filename: 'a.txt', data: '@@@' }] })),
      422,
      'unprocessable_entity',
      'press.attachments.0.data',
    );
    await expectRejected(
      await post('--x\r\nbroken', { 'content-type': 'multipart/form-data; boundary=zzz' }),
      422,
      'unprocessable_entity',
      'body',
    );
  });

  it('refuses an empty attachment and an unprintable Idempotency-Key', async () => {
    const empty: FilePart = { name: 'attachment', bytes: new Uint8Array(0), filename: 'empty.txt' };
    await expectRejected(await postMultipart(basePress(), [empty]), 422, 'unprocessable_entity', 'attachment[0]');
    await expectRejected(
      await postJson(basePress(), { 'idempotency-key': 'k'.repeat(201) }),
      422,
      'unprocessable_entity',
      'header.Idempotency-Key',
    );
  });
});

describe('POST /api/v1/presses: accepting', () => {
  it('stores a multipart press with 3 screenshots and 1 attachment byte for byte, with its job', async () => {
    const png = buildPng({ width: 40, height: 30, shade: 9 });
    const jpeg = buildJpeg({ width: 1920, height: 1080 });
    const webp = buildWebpLossless({ width: 2560, height: 1440 });
    const log = Buffer.from('line 1\nline 2\n\u00e9\u00e8 done\n', 'utf8');
    const files: FilePart[] = [
      { name: 'screenshot', bytes: png, filename: 'monitor-0.png', type: 'image/png' },
      // The declared type is wrong: the sniffed type wins.
      { name: 'screenshot', bytes: jpeg, filename: 'monitor-1.png', type: 'image/png' },
      { name: 'screenshot', bytes: webp, filename: '..\\..\\Users\\dana\\monitor-2.webp', type: 'image/webp' },
      { name: 'attachment', bytes: log, filename: '../../etc/passwd', type: 'text/plain' },
    ];
    const press = basePress({
      screenshots: [
        shot('2026-03-01T09:30:00.100Z', 0),
        shot('2026-03-01T10:30:00.200+01:00', 1),
        shot('2026-03-01T09:30:01Z', 2),
      ],
    });
    let committedWhenNotified = false;
    const onAccepted = vi.fn();
    unsubscribeJobs = subscribe(db, 'jobs', (id) => {
      if (id === null) return;
      void db
        .selectFrom('presses')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst()
        .then((row) => {
          committedWhenNotified = row !== undefined;
        });
    });

    const response = await post(buildMultipart(press, files), {}, { onAccepted });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; status: string; statusUrl: string };
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      statusUrl: `${PUBLIC_URL}/api/v1/presses/${body.id}`,
    });
    expect(response.headers.get('location')).toBe(body.statusUrl);
    expect(onAccepted).toHaveBeenCalledWith(body.id);
    await vi.waitFor(() => expect(committedWhenNotified).toBe(true));

    const row = await db.selectFrom('presses').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id: body.id, agent_token_id: tokenId, status: 'queued', idempotency_key: null });
    expect(row.request_hash).toMatch(/^[0-9a-f]{64}$/);
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ v: 1, message: press.message, host: press.host, custom: press.custom });
    expect(payload).not.toHaveProperty('screenshots');

    const stored = await db.selectFrom('press_files').selectAll().orderBy('position').execute();
    expect(stored.map((f) => [f.position, f.kind, f.filename, f.content_type, f.width, f.height, f.captured_at, f.monitor])).toEqual([
      [0, 'screenshot', 'monitor-0.png', 'image/png', 40, 30, '2026-03-01T09:30:00.100Z', 0],
      [1, 'screenshot', 'monitor-1.png', 'image/jpeg', 1920, 1080, '2026-03-01T09:30:00.200Z', 1],
      [2, 'screenshot', 'monitor-2.webp', 'image/webp', 2560, 1440, '2026-03-01T09:30:01.000Z', 2],
      [3, 'attachment', 'passwd', 'text/plain', null, null, null, null],
    ]);
    for (const [index, file] of files.entries()) {
      const saved = stored[index]!;
      expect(saved.sha256).toBe(sha256(file.bytes));
      expect(saved.size).toBe(file.bytes.length);
      expect(Buffer.compare(Buffer.from(saved.bytes!), Buffer.from(file.bytes))).toBe(0);
    }

    const jobs = await db.selectFrom('jobs').selectAll().execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'press.process', status: 'pending', dedupe_key: `press:${body.id}` });
    expect(JSON.parse(jobs[0]!.payload)).toEqual({ pressId: body.id });
  });

  it('accepts the JSON + base64 form, keeping emoji and RTL text intact', async () => {
    const message = 'המדפסת לא עובדת 🖨️💥 مرحبا';
    const png = buildPng({ width: 3, height: 3 });
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    const response = await postJson(
      basePress({
        message,
        name: 'דנה 🙂',
        screenshots: [{ ...shot('2026-03-01T09:30:00Z', 1), data: png.toString('base64') }],
        attachments: [
          { filename: 'logs.zip', contentType: 'application/zip', data: zip.toString('base64') },
          // Claims to be an image but is not: it must not be passed on as one.
          { filename: 'fake.png', contentType: 'image/png', data: Buffer.from('text').toString('base64') },
        ],
      }),
    );
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const payload = JSON.parse((await db.selectFrom('presses').select('payload').executeTakeFirstOrThrow()).payload);
    expect(payload.message).toBe(message);
    expect(payload.name).toBe('דנה 🙂');
    const stored = await db.selectFrom('press_files').selectAll().where('press_id', '=', id).orderBy('position').execute();
    expect(stored.map((f) => [f.kind, f.filename, f.content_type, f.monitor])).toEqual([
      ['screenshot', 'screenshot-1.png', 'image/png', 1],
      ['attachment', 'logs.zip', 'application/zip', null],
      ['attachment', 'fake.png', 'application/octet-stream', null],
    ]);
    expect(Buffer.compare(Buffer.from(stored[0]!.bytes!), png)).toBe(0);
    expect(Buffer.compare(Buffer.from(stored[1]!.bytes!), zip)).toBe(0);
  });

  it('commits nothing when the job cannot be enqueued: press, files and job share one transaction', async () => {
    const real = createSqlJobQueue(db);
    const failingQueue = {
      ...real,
      enqueue: async (...args: Parameters<typeof real.enqueue>) => {
        await real.enqueue(...args);
        throw new Error('queue unavailable');
      },
    };
    const onAccepted = vi.fn();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = await post(
      buildMultipart(basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] }), [pngShot()]),
      {},
      { queue: failingQueue, onAccepted },
    );
    await expectRejected(response, 500, 'internal_server_error');
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it('accepts the press part sent as a JSON file part', async () => {
    const form = new FormData();
    form.append('press', new Blob([JSON.stringify(basePress({ message: 'from a file part' }))], { type: 'application/json' }), 'press.json');
    expect((await post(form)).status).toBe(202);
    const payload = JSON.parse((await db.selectFrom('presses').select('payload').executeTakeFirstOrThrow()).payload);
    expect(payload.message).toBe('from a file part');
  });

  it('answers with a relative statusUrl when no public URL is configured', async () => {
    const response = await post(JSON.stringify(basePress()), { 'content-type': 'application/json' }, { publicUrl: null });
    const body = (await response.json()) as { id: string; statusUrl: string };
    expect(body.statusUrl).toBe(`/api/v1/presses/${body.id}`);
    expect(response.headers.get('location')).toBe(body.statusUrl);
  });
});

describe('POST /api/v1/presses: Idempotency-Key', () => {
  it('returns the original press with 200 for the same key and body, as it is now', async () => {
    const files = [pngShot()];
    const press = basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] });
    const first = await postMultipart(press, files, { 'idempotency-key': 'press-123' });
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    await db.updateTable('presses').set({ status: 'processing' }).where('id', '=', id).execute();

    // Same content, different JSON formatting and key order: still the same request.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(press).reverse()), null, 2);
    const again = await postMultipart(reordered, files, { 'idempotency-key': 'press-123' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toMatchObject({ id, status: 'processing', statusUrl: `${PUBLIC_URL}/api/v1/presses/${id}` });
    expect(await countRows()).toEqual({ presses: 1, files: 1, jobs: 1 });
  });

  it('answers 409 for the same key with a different body, and stores nothing more', async () => {
    const first = await postJson(basePress(), { 'idempotency-key': 'k1' });
    expect(first.status).toBe(202);
    const conflict = await postJson(basePress({ message: 'something else' }), { 'idempotency-key': 'k1' });
    expect(conflict.status).toBe(409);
    const body = (await conflict.json()) as ErrorJson;
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toMatch(/already used for a different press/);
    // A different file is a different request too.
    const press = basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] });
    expect((await postMultipart(press, [pngShot()], { 'idempotency-key': 'k2' })).status).toBe(202);
    const otherBytes: FilePart = { ...pngShot(), bytes: buildPng({ width: 4, height: 3, shade: 50 }) };
    expect((await postMultipart(press, [otherBytes], { 'idempotency-key': 'k2' })).status).toBe(409);
    expect(await countRows()).toEqual({ presses: 2, files: 1, jobs: 2 });
  });

  it('scopes keys to the token', async () => {
    const other = await createAgentToken(db, 'other');
    expect((await postJson(basePress(), { 'idempotency-key': 'shared' })).status).toBe(202);
    const request = new Request(URL_BASE, {
      method: 'POST',
      body: JSON.stringify(basePress()),
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json', 'idempotency-key': 'shared' },
    });
    expect((await handleCreatePress(request, deps())).status).toBe(202);
    expect((await countRows()).presses).toBe(2);
  });

  it('creates one press when requests with the same key race', async () => {
    const press = basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => postMultipart(press, [pngShot()], { 'idempotency-key': 'race' })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 202]);
    const ids = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    expect(await countRows()).toEqual({ presses: 1, files: 1, jobs: 1 });
  });
});

describe('GET /api/v1/presses/{id}', () => {
  async function acceptOne(): Promise<string> {
    const response = await postJson(basePress());
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  async function setRow(id: string, values: Record<string, unknown>) {
    await db
      .updateTable('presses')
      .set({ ...values, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  it('lets the sending token read its press', async () => {
    const id = await acceptOne();
    const response = await getStatus(id);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      id,
      status: 'queued',
      receivedAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('answers 404 to another token, to unknown ids and to junk, and 401 without a token', async () => {
    const id = await acceptOne();
    const other = await createAgentToken(db, 'other');
    const foreign = await getStatus(id, '', other.token);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as ErrorJson).error.code).toBe('not_found');
    expect((await getStatus('0b7f3a1e-8d2c-4e5f-9a6b-1c2d3e4f5a6b')).status).toBe(404);
    expect((await getStatus('not-a-uuid')).status).toBe(404);
    expect((await getStatus(id, '', null)).status).toBe(401);
  });

  it('shows each state with its fields', async () => {
    const id = await acceptOne();
    const read = async () => (await getStatus(id)).json();
    await setRow(id, { status: 'processing' });
    expect(await read()).toMatchObject({ id, status: 'processing' });
    await setRow(id, { status: 'retrying', attempt: 2, next_attempt_at: '2026-03-01T09:31:00.000Z', last_error: 'Manage answered 503' });
    expect(await read()).toMatchObject({
      status: 'retrying',
      attempt: 2,
      nextAt: '2026-03-01T09:31:00.000Z',
      lastError: 'Manage answered 503',
    });
    await setRow(id, { status: 'ticket_created', ticket_id: 4711, ticket_number: '4711' });
    expect(await read()).toMatchObject({ status: 'ticket_created', ticketId: 4711, ticketNumber: '4711' });
    await setRow(id, { status: 'refused', refused_message: 'Please call the help desk instead.' });
    expect(await read()).toMatchObject({ status: 'refused', message: 'Please call the help desk instead.' });
    await setRow(id, { status: 'dead', dead_reason: 'Manage rejected the ticket' });
    expect(await read()).toMatchObject({ status: 'dead', reason: 'Manage rejected the ticket' });
  });

  it('long-polls: ?wait=1 returns after about a second when nothing changes', async () => {
    const id = await acceptOne();
    const started = Date.now();
    const response = await getStatus(id, '?wait=1');
    const elapsed = Date.now() - started;
    expect(await response.json()).toMatchObject({ status: 'queued' });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
  });

  it('long-polls: returns early when the row changes (polling)', async () => {
    const id = await acceptOne();
    const started = Date.now();
    setTimeout(() => void setRow(id, { status: 'ticket_created', ticket_id: 9, ticket_number: '9' }), 300);
    const response = await getStatus(id, '?wait=10');
    expect(await response.json()).toMatchObject({ status: 'ticket_created', ticketNumber: '9' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('long-polls: wakes at once when notified, without waiting for a poll', async () => {
    const id = await acceptOne();
    const started = Date.now();
    setTimeout(() => {
      void setRow(id, { status: 'processing' }).then(() => notifyPressStatusChanged(db, id));
    }, 100);
    const response = await handleReadPressStatus(
      new Request(`${URL_BASE}/${id}?wait=10`, { headers: { authorization: `Bearer ${token}` } }),
      id,
      { db, pollMs: 60_000 },
    );
    expect(await response.json()).toMatchObject({ status: 'processing' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('long-polls: stops when the client goes away, and answers settled states at once', async () => {
    const id = await acceptOne();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    let started = Date.now();
    await getStatus(id, '?wait=20', token, controller.signal);
    expect(Date.now() - started).toBeLessThan(1500);

    await setRow(id, { status: 'ticket_created', ticket_id: 1, ticket_number: '1' });
    started = Date.now();
    expect((await getStatus(id, '?wait=20')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('refuses an invalid wait with 422 and caps a long one at 30 s', async () => {
    const id = await acceptOne();
    for (const bad of ['abc', '-1', '1e3']) {
      const response = await getStatus(id, `?wait=${bad}`);
      expect(response.status).toBe(422);
      const body = (await response.json()) as ErrorJson;
      expect(body.error.details?.[0]?.path).toBe('query.wait');
    }
    expect(readWaitSeconds(`${URL_BASE}/x?wait=600`)).toBe(30);
    expect(readWaitSeconds(`${URL_BASE}/x?wait=2.5`)).toBe(2.5);
    expect(readWaitSeconds(`${URL_BASE}/x`)).toBe(0);
  });
});

describe('the real route modules with the default database', () => {
  it('accepts through POST and reads through GET, with limits and public URL from the environment', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'deskbell-intake-'));
    vi.stubEnv('DESKBELL_DATA_DIR', dir);
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('DESKBELL_PUBLIC_URL', 'https://bell.example.org');
    vi.stubEnv('PRESS_MAX_BODY_BYTES', '200000');
    vi.resetModules();
    const { POST } = await import('@/app/api/v1/presses/route');
    const { GET } = await import('@/app/api/v1/presses/[id]/route');
    const database = await import('@/lib/store/database');
    const tokens = await import('@/lib/auth/agent-tokens');
    const realDb = await database.getDatabase();
    try {
      const { token: realToken } = await tokens.createAgentToken(realDb, 'real');
      const headers = { authorization: `Bearer ${realToken}` };
      const form = buildMultipart(basePress({ screenshots: [shot('2026-03-01T09:30:00Z', 0)] }), [pngShot()]);
      const accepted = await POST(new Request(URL_BASE, { method: 'POST', body: form, headers }));
      expect(accepted.status).toBe(202);
      const body = (await accepted.json()) as { id: string; statusUrl: string };
      expect(body.statusUrl).toBe(`https://bell.example.org/api/v1/presses/${body.id}`);

      const status = await GET(new Request(body.statusUrl, { headers }), { params: Promise.resolve({ id: body.id }) });
      expect(await status.json()).toMatchObject({ id: body.id, status: 'queued' });

      const tooBig = await POST(
        new Request(URL_BASE, {
          method: 'POST',
          body: JSON.stringify(basePress({ append: ['z'.repeat(250_000)] })),
          headers: { ...headers, 'content-type': 'application/json' },
        }),
      );
      expect(tooBig.status).toBe(413);
      const stored = await realDb.selectFrom('presses').select('id').execute();
      expect(stored.map((r) => r.id)).toEqual([body.id]);
      await expect(fs.stat(path.join(dir, 'deskbell.sqlite'))).resolves.toBeTruthy();
    } finally {
      await realDb.destroy();
      vi.unstubAllEnvs();
      vi.resetModules();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
