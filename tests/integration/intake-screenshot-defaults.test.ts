/**
 * Simple agents (curl, a script) send screenshots without describing them: the intake fills in
 * the receipt time and the file's position, and keeps checking descriptions strictly when given.
 * Through the intake handler with real requests and a real SQLite database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { type CreatePressDeps } from '@/lib/intake/accept-press';
import type { PressLimits } from '@/lib/intake/limits';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildJpeg, buildMultipart, buildPng, type FilePart } from '@/tests/support/press-fixtures';
import { handleCreatePress } from '@/tests/support/agent-routes';

const limits: PressLimits = { maxBodyBytes: 1_000_000, maxFileBytes: 300_000, maxFiles: 5, maxImagePixels: 4_000_000, maxMessageChars: 32_000 };
const URL_BASE = 'http://127.0.0.1:3000/api/v1/presses';

let db: DeskbellDatabase;
let token: string;

beforeEach(async () => {
  db = await openTestDatabase();
  token = (await createAgentToken(db, 'script')).token;
});

afterEach(async () => {
  await db.destroy();
});

const deps = (): CreatePressDeps => ({ db, limits, publicUrl: 'https://help.example.com' });
const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  handleCreatePress(new Request(URL_BASE, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, ...headers } }), deps());
const shots = (): FilePart[] => [
  { name: 'screenshot', bytes: buildPng({ width: 4, height: 3 }), filename: 'left.png', type: 'image/png' },
  { name: 'screenshot', bytes: buildJpeg({ width: 8, height: 6 }), filename: 'right.jpg', type: 'image/jpeg' },
];

async function storedScreenshots() {
  return db.selectFrom('press_files').select(['position', 'filename', 'captured_at', 'monitor']).where('kind', '=', 'screenshot').orderBy('position').execute();
}

function expectWithin(iso: string | null, before: number, after: number) {
  expect(iso).not.toBeNull();
  const at = Date.parse(iso!);
  expect(at).toBeGreaterThanOrEqual(before);
  expect(at).toBeLessThanOrEqual(after);
}

describe('screenshots without descriptions', () => {
  it('multipart: accepted, each captured at receipt on the monitor of its position', async () => {
    const before = Date.now();
    const press = basePress();
    delete press.screenshots;
    const response = await post(buildMultipart(press, shots()));
    const after = Date.now();
    expect(response.status).toBe(202);
    const stored = await storedScreenshots();
    expect(stored.map((s) => [s.position, s.filename, s.monitor])).toEqual([
      [0, 'left.png', 0],
      [1, 'right.jpg', 1],
    ]);
    for (const s of stored) expectWithin(s.captured_at, before, after);
  });

  it('multipart: "screenshots": null counts as not described', async () => {
    const response = await post(buildMultipart(basePress({ screenshots: null }), shots()));
    expect(response.status).toBe(202);
    expect((await storedScreenshots()).map((s) => s.monitor)).toEqual([0, 1]);
  });

  it('JSON: entries with only the data get the same defaults; given fields are kept', async () => {
    const before = Date.now();
    const png = buildPng({ width: 2, height: 2 }).toString('base64');
    const response = await post(
      JSON.stringify(
        basePress({
          screenshots: [{ data: png }, { data: png, monitor: 4 }, { data: png, capturedAt: '2026-03-01T10:30:00+01:00' }],
        }),
      ),
      { 'content-type': 'application/json' },
    );
    const after = Date.now();
    expect(response.status).toBe(202);
    const stored = await storedScreenshots();
    expect(stored.map((s) => s.monitor)).toEqual([0, 4, 2]);
    expectWithin(stored[0]!.captured_at, before, after);
    expectWithin(stored[1]!.captured_at, before, after);
    expect(stored[2]!.captured_at).toBe('2026-03-01T09:30:00.000Z');
  });
});

describe('screenshots with descriptions stay strict', () => {
  type ErrorJson = { error: { code: string; details: { path: string; message: string }[] } };
  async function expectRefused(response: Response, path: string) {
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorJson;
    expect(body.error.code).toBe('unprocessable_entity');
    expect(body.error.details.map((d) => d.path)).toContain(path);
    expect(await db.selectFrom('presses').select('id').execute()).toEqual([]);
  }

  it('a given list must describe every part', async () => {
    await expectRefused(await post(buildMultipart(basePress({ screenshots: [{ capturedAt: '2026-03-01T09:30:00Z', monitor: 0 }] }), shots())), 'press.screenshots');
    await expectRefused(await post(buildMultipart(basePress({ screenshots: [] }), shots())), 'press.screenshots');
  });

  it('a given entry must be complete and valid', async () => {
    await expectRefused(await post(buildMultipart(basePress({ screenshots: [{ monitor: 0 }, { monitor: 1 }] }), shots())), 'press.screenshots.0.capturedAt');
    const png = buildPng({ width: 2, height: 2 }).toString('base64');
    await expectRefused(
      await post(JSON.stringify(basePress({ screenshots: [{ data: png, capturedAt: 'yesterday' }] })), { 'content-type': 'application/json' }),
      'press.screenshots.0.capturedAt',
    );
    await expectRefused(
      await post(JSON.stringify(basePress({ screenshots: [{ data: png, monitor: -1 }] })), { 'content-type': 'application/json' }),
      'press.screenshots.0.monitor',
    );
  });
});
