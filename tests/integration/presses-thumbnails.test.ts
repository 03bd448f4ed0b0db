import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAgentToken } from '@/lib/auth/agent-tokens';
import { acceptPress } from '@/lib/intake/accept-press';
import { pressLimitsFromEnv } from '@/lib/intake/limits';
import { readPressRequest } from '@/lib/intake/read-press-request';
import { removeExpiredPressFiles } from '@/lib/intake/retention';
import { sniffImage } from '@/lib/images/sniff-image';
import {
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_MAX_SIDE,
  generatePressThumbnails,
  getPressFileThumbnail,
  renderThumbnail,
} from '@/lib/presses/thumbnails';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { basePress, buildJpeg, buildMultipart, buildPixelBombPng, buildPng, buildWebpLossless, type FilePart } from '../support/press-fixtures';
import { screenshot, shotsMeta, startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';

// Counts decodes (sharp called on encoded bytes); re-encoding the reduced pixels passes `raw`.
const decodes = vi.hoisted(() => ({ count: 0 }));
vi.mock('sharp', async (importOriginal) => {
  const actual = await importOriginal<typeof import('sharp')>();
  const real = actual.default;
  const counted = Object.assign((...args: Parameters<typeof real>) => {
    const options = args[1] as { raw?: unknown } | undefined;
    if (!options?.raw) decodes.count += 1;
    return real(...args);
  }, real);
  return { ...actual, default: counted };
});

let db: DeskbellDatabase;
let h: PipelineHarness | undefined;
beforeEach(async () => {
  db = await openTestDatabase();
  decodes.count = 0;
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await db.destroy();
});

/**
 * A 2560x1440 screenshot of coloured 8x8 blocks: noise that survives the reduction to 480 px,
 * so even the lowest quality stays over 30 KB and the size must come down too.
 */
async function noisyScreenshot(format: 'png' | 'jpeg' | 'webp' = 'png', width = 2560, height = 1440): Promise<Buffer> {
  const block = 8;
  const columns = Math.ceil(width / block);
  const colours = Buffer.alloc(columns * Math.ceil(height / block) * 3);
  let seed = 0x2f6b;
  for (let i = 0; i < colours.length; i += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    colours[i] = seed >>> 16;
  }
  const raw = Buffer.alloc(width * height * 3);
  const row = Buffer.alloc(width * 3);
  for (let y = 0; y < height; y += 1) {
    if (y % block === 0) {
      for (let x = 0; x < width; x += 1) {
        const from = (Math.floor(y / block) * columns + Math.floor(x / block)) * 3;
        colours.copy(row, x * 3, from, from + 3);
      }
    }
    row.copy(raw, y * width * 3);
  }
  const image = sharp(raw, { raw: { width, height, channels: 3 } });
  if (format === 'jpeg') return image.jpeg({ quality: 95 }).toBuffer();
  if (format === 'webp') return image.webp({ quality: 90 }).toBuffer();
  return image.png({ compressionLevel: 1 }).toBuffer();
}

function expectWebp(bytes: Uint8Array, maxSide = THUMBNAIL_MAX_SIDE): { width: number; height: number } {
  expect(Buffer.from(bytes.subarray(0, 4)).toString('ascii')).toBe('RIFF');
  expect(Buffer.from(bytes.subarray(8, 12)).toString('ascii')).toBe('WEBP');
  expect(bytes.byteLength).toBeLessThanOrEqual(THUMBNAIL_MAX_BYTES);
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) throw new Error(`thumbnail does not sniff as an image: ${sniffed.reason}`);
  expect(sniffed.type).toBe('image/webp');
  expect(Math.max(sniffed.width, sniffed.height)).toBeLessThanOrEqual(maxSide);
  return { width: sniffed.width, height: sniffed.height };
}

type StoredFile = { id: string; kind: string; filename: string };

async function storePress(
  screenshots: Uint8Array[],
  attachments: { bytes: Uint8Array; filename: string; type: string }[] = [],
  receivedAt = new Date(),
): Promise<{ pressId: string; files: StoredFile[] }> {
  const { agentToken } = await createAgentToken(db, `t-${randomUUID()}`);
  const parts: FilePart[] = [
    ...screenshots.map((bytes, i) => ({ name: 'screenshot' as const, bytes, filename: `s${i}.img` })),
    ...attachments.map((a) => ({ name: 'attachment' as const, bytes: a.bytes, filename: a.filename, type: a.type })),
  ];
  const body = buildMultipart(basePress({ screenshots: shotsMeta(screenshots.length) }), parts);
  const submission = await readPressRequest(new Request('http://x/api/v1/presses', { method: 'POST', body }), pressLimitsFromEnv());
  const result = await acceptPress({ db, now: () => receivedAt }, { agentTokenId: agentToken.id, submission });
  const files = await db
    .selectFrom('press_files')
    .select(['id', 'kind', 'filename'])
    .where('press_id', '=', result.press.id)
    .orderBy('position')
    .execute();
  return { pressId: result.press.id, files };
}

async function thumbnailRows() {
  return db.selectFrom('press_file_thumbnails').select(['file_id', 'size', 'width', 'height', 'error', 'created_at']).execute();
}

describe('renderThumbnail', () => {
  it('brings a noisy 2560x1440 screenshot under 30 KB by quality, then by size', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const input = await noisyScreenshot(format);
      const started = performance.now();
      const out = await renderThumbnail(input, 40_000_000);
      const ms = Math.round(performance.now() - started);
      const size = expectWebp(out.bytes);
      expect({ width: out.width, height: out.height }).toEqual(size);
      // At 480 px even quality 30 is over the cap for this picture: it had to shrink, keeping its shape.
      expect(out.quality).toBe(30);
      expect(out.width).toBeLessThan(THUMBNAIL_MAX_SIDE);
      expect(Math.abs(out.width / out.height - 16 / 9)).toBeLessThan(0.02);
      console.info(`[thumbnail] noisy 2560x1440 ${format} (${input.byteLength} B) -> ${out.width}x${out.height} q${out.quality} ${out.bytes.byteLength} B in ${ms} ms`);
    }
  });

  it('keeps a plain screenshot at 480 px and the first quality that fits', async () => {
    const out = await renderThumbnail(buildPng({ width: 2560, height: 1440, shade: 7 }), 40_000_000);
    expectWebp(out.bytes);
    expect({ width: out.width, height: out.height, quality: out.quality }).toEqual({ width: 480, height: 270, quality: 70 });
  });

  it('reads PNG, JPEG and WebP and never enlarges a small image', async () => {
    const jpeg = await renderThumbnail(buildJpeg({ width: 1920, height: 1200 }), 40_000_000);
    expect(expectWebp(jpeg.bytes)).toEqual({ width: 480, height: 300 });
    const webp = await renderThumbnail(buildWebpLossless({ width: 600, height: 900 }), 40_000_000);
    expect(expectWebp(webp.bytes)).toEqual({ width: 320, height: 480 });
    const small = await renderThumbnail(buildPng({ width: 120, height: 40 }), 40_000_000);
    expect(expectWebp(small.bytes)).toEqual({ width: 120, height: 40 });
  });

  it('refuses what is not an image, is broken, or has more pixels than allowed, before decoding a bomb', async () => {
    await expect(renderThumbnail(Buffer.from('just text'), 40_000_000)).rejects.toThrow(/not a PNG, JPEG or WebP/);
    const png = buildPng({ width: 64, height: 64 });
    const corrupt = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 0x5a)]);
    await expect(renderThumbnail(corrupt, 40_000_000)).rejects.toThrow(/cannot decode/);
    await expect(renderThumbnail(png, 1000)).rejects.toThrow(/over the 1000-pixel limit/);
    decodes.count = 0;
    await expect(renderThumbnail(buildPixelBombPng(), 40_000_000)).rejects.toThrow(/pixel limit/);
    expect(decodes.count).toBe(0);
  });
});

describe('getPressFileThumbnail', () => {
  it('makes the thumbnail once, stores it and serves the stored copy afterwards', async () => {
    const { files } = await storePress([await noisyScreenshot()]);
    const fileId = files[0]!.id;

    const first = await getPressFileThumbnail(db, fileId);
    expect(first?.contentType).toBe('image/webp');
    expectWebp(first!.bytes);
    expect(decodes.count).toBe(1);
    const [row] = await thumbnailRows();
    expect(row).toMatchObject({ file_id: fileId, size: first!.bytes.byteLength, error: null });

    const second = await getPressFileThumbnail(db, fileId);
    expect(Buffer.from(second!.bytes).equals(Buffer.from(first!.bytes))).toBe(true);
    expect(decodes.count).toBe(1);
    expect(await thumbnailRows()).toEqual([row]);
  });

  it('decodes once for many requests at the same time', async () => {
    const { files } = await storePress([await noisyScreenshot('png', 1920, 1080)]);
    const results = await Promise.all(Array.from({ length: 6 }, () => getPressFileThumbnail(db, files[0]!.id)));
    expect(decodes.count).toBe(1);
    expect(new Set(results.map((r) => Buffer.from(r!.bytes).toString('base64'))).size).toBe(1);
    expect(await thumbnailRows()).toHaveLength(1);
  });

  it('is null for a non-image attachment, an attachment only named an image, a corrupt image and an unknown id, without throwing', async () => {
    const png = buildPng({ width: 64, height: 64 });
    // The header is whole (so intake takes it as a screenshot), the pixel data is not.
    const corrupt = Buffer.concat([png.subarray(0, 33), Buffer.from([0, 0, 0, 50]), Buffer.from('IDAT'), Buffer.alloc(54, 0x5a)]);
    const { files } = await storePress(
      [corrupt],
      [
        { bytes: Buffer.from('event log\n'), filename: 'events.txt', type: 'text/plain' },
        { bytes: Buffer.from('not really a png'), filename: 'fake.png', type: 'image/png' },
      ],
    );
    for (const file of files) expect(await getPressFileThumbnail(db, file.id)).toBeNull();
    expect(await getPressFileThumbnail(db, randomUUID())).toBeNull();

    // Each failure is recorded, so a broken file is not decoded again on the next view.
    const rows = await thumbnailRows();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.size === 0 && r.error !== null)).toBe(true);
    expect(rows.find((r) => r.file_id === files[0]!.id)?.error).toMatch(/^cannot decode/);
    const decodedOnce = decodes.count;
    for (const file of files) expect(await getPressFileThumbnail(db, file.id)).toBeNull();
    expect(decodes.count).toBe(decodedOnce);
  });

  it('makes one for an image attachment, whatever type it declares', async () => {
    const { files } = await storePress([], [{ bytes: buildJpeg({ width: 800, height: 600 }), filename: 'photo.bin', type: 'application/octet-stream' }]);
    const thumbnail = await getPressFileThumbnail(db, files[0]!.id);
    expect(expectWebp(thumbnail!.bytes)).toEqual({ width: 480, height: 360 });
  });

  it('is null once retention removed the file, and retention deletes the stored thumbnail', async () => {
    const old = await storePress([buildPng({ width: 1280, height: 720 })], [], new Date('2026-01-01T00:00:00Z'));
    const recent = await storePress([buildPng({ width: 1280, height: 720, shade: 9 })], [], new Date('2026-04-01T00:00:00Z'));
    expect(await getPressFileThumbnail(db, old.files[0]!.id)).not.toBeNull();
    expect(await getPressFileThumbnail(db, recent.files[0]!.id)).not.toBeNull();
    expect(await thumbnailRows()).toHaveLength(2);

    expect(await removeExpiredPressFiles(db, 30, new Date('2026-04-10T00:00:00Z'))).toBe(1);
    expect((await thumbnailRows()).map((r) => r.file_id)).toEqual([recent.files[0]!.id]);
    expect(await getPressFileThumbnail(db, old.files[0]!.id)).toBeNull();
    // Nothing makes a new one from the removed bytes.
    expect((await thumbnailRows()).map((r) => r.file_id)).toEqual([recent.files[0]!.id]);
    expect(await getPressFileThumbnail(db, recent.files[0]!.id)).not.toBeNull();
  });

  it('drops a thumbnail whose file retention removed while it was being made', async () => {
    const { files } = await storePress([await noisyScreenshot('png', 1920, 1080)], [], new Date('2026-01-01T00:00:00Z'));
    const making = getPressFileThumbnail(db, files[0]!.id);
    await removeExpiredPressFiles(db, 30, new Date('2026-04-10T00:00:00Z'));
    expect(await making).toBeNull();
    expect(await thumbnailRows()).toEqual([]);
  });
});

describe('generatePressThumbnails', () => {
  it('makes the thumbnails of a press\'s images and skips other files, never throwing', async () => {
    const { pressId, files } = await storePress(
      [buildPng({ width: 2560, height: 1440 }), await noisyScreenshot('png', 1920, 1080)],
      [
        { bytes: Buffer.from('log'), filename: 'log.txt', type: 'text/plain' },
        { bytes: buildWebpLossless({ width: 300, height: 200 }), filename: 'pic.webp', type: 'image/webp' },
      ],
    );
    await generatePressThumbnails(db, pressId);
    const rows = await thumbnailRows();
    const byFile = new Map(rows.map((r) => [r.file_id, r]));
    expect(rows).toHaveLength(3);
    expect(byFile.has(files[2]!.id)).toBe(false);
    expect(byFile.get(files[0]!.id)).toMatchObject({ width: 480, height: 270, error: null });
    expect(byFile.get(files[3]!.id)).toMatchObject({ width: 300, height: 200, error: null });
    expect(rows.every((r) => r.size > 0 && r.size <= THUMBNAIL_MAX_BYTES)).toBe(true);

    // Already made: a second run (a retried press) decodes nothing.
    const before = decodes.count;
    await generatePressThumbnails(db, pressId);
    expect(decodes.count).toBe(before);
    await expect(generatePressThumbnails(db, randomUUID())).resolves.toBeUndefined();
  });

  it('runs from the press pipeline without holding the press up', async () => {
    h = await startPipelineHarness();
    const accepted = await h.press(basePress({ email: 'dana.whitfield@acme-mfg.example', screenshots: shotsMeta(2) }), [screenshot(1), screenshot(2)]);
    expect(accepted.status).toBe(202);
    await h.settle();
    expect(await h.status(accepted.body.id)).toMatchObject({ status: 'ticket_created' });
    const harnessDb = h.db;
    await vi.waitFor(
      async () => {
        const rows = await harnessDb
          .selectFrom('press_file_thumbnails')
          .innerJoin('press_files', 'press_files.id', 'press_file_thumbnails.file_id')
          .select(['press_file_thumbnails.size', 'press_file_thumbnails.error'])
          .where('press_files.press_id', '=', accepted.body.id)
          .execute();
        expect(rows).toHaveLength(2);
        expect(rows.every((r) => r.error === null && r.size > 0)).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});
