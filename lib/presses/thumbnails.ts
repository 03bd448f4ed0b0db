import 'server-only';
import type { Sharp, SharpOptions } from 'sharp';
import { serverEnv } from '@/lib/env';
import { sniffImage } from '@/lib/images/sniff-image';
import type { DeskbellDatabase } from '@/lib/store/database';
import { listFilesWithoutThumbnail, readPressFileBytes, readStoredThumbnail, storeThumbnail, type StoredThumbnail, type ThumbnailResult } from './press-file-store';

/** The pod shows every screenshot of a press at once: each preview must stay small. */
export const THUMBNAIL_MAX_BYTES = 30 * 1024;
export const THUMBNAIL_MAX_SIDE = 480;
/** Tried in turn before the picture is made smaller: a smaller sharp picture beats a larger smeared one only past 30. */
const QUALITIES = [70, 60, 50, 40, 30] as const;
/** Dropping from 70 to 30 saves about a third: an encode this far over the cap skips straight to the lowest quality. */
const SKIP_TO_LOWEST_QUALITY_RATIO = 1.5;
/** Below this a thumbnail shows nothing useful; no real image gets here (32x32 is 4 KB of raw pixels). */
const MIN_SIDE = 32;
/** A decode that takes longer is stuck or hostile; the file is tried again on a later view. */
const RENDER_TIMEOUT_SECONDS = 20;

export type PressFileThumbnail = StoredThumbnail;

export type RenderedThumbnail = { bytes: Uint8Array; width: number; height: number; quality: number };

type SharpFactory = (input?: Uint8Array, options?: SharpOptions) => Sharp;

let sharpLoading: Promise<SharpFactory> | undefined;

/**
 * sharp is a native module: loaded on first use, so a host where it cannot load still takes
 * presses and serves full images; only thumbnails are missing there.
 */
function loadSharp(): Promise<SharpFactory> {
  sharpLoading ??= import('sharp').then(
    (m) => {
      // One libvips thread per image: on a two-core install, libvips' default (one per core)
      // slowed the presses that followed a burst measurably; with one, it left them alone.
      // Thumbnails are the only user of sharp here (nothing uses next/image).
      m.default.concurrency(1);
      return m.default as SharpFactory;
    },
    (err: unknown) => {
      sharpLoading = undefined;
      throw err;
    },
  );
  return sharpLoading;
}

/** An error that will happen again for the same bytes; anything else (a timeout, sharp missing) is worth another try. */
class UnusableImage extends Error {}

/**
 * WebP, longest side at most 480 px and never enlarged, at most 30 KB: quality steps down
 * from 70 to 30 first, then the picture shrinks until it fits. The input is decoded and
 * reduced once; every further attempt re-encodes those few pixels, not the screenshot.
 */
export async function renderThumbnail(input: Uint8Array, maxPixels: number): Promise<RenderedThumbnail> {
  const sniffed = sniffImage(input);
  if (!sniffed.ok) throw new UnusableImage(`not a PNG, JPEG or WebP image (${sniffed.reason})`);
  // The header is checked before anything decodes; limitInputPixels repeats it inside libvips.
  if (sniffed.width * sniffed.height > maxPixels) {
    throw new UnusableImage(`${sniffed.width}x${sniffed.height} is over the ${maxPixels}-pixel limit`);
  }
  const sharp = await loadSharp();
  let reduced: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    reduced = await sharp(input, { limitInputPixels: maxPixels, autoOrient: true })
      .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .timeout({ seconds: RENDER_TIMEOUT_SECONDS })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/timeout/i.test(message)) throw err;
    throw new UnusableImage(`cannot decode: ${message.slice(0, 200)}`);
  }
  const { data, info } = reduced;
  const raw = { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 };

  const encode = async (side: number, quality: number): Promise<RenderedThumbnail> => {
    let pipeline = sharp(data, { raw });
    if (side < Math.max(info.width, info.height)) pipeline = pipeline.resize(side, side, { fit: 'inside' });
    const out = await pipeline.webp({ quality }).toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(out.data), width: out.info.width, height: out.info.height, quality };
  };

  let side = Math.max(info.width, info.height);
  let attempt: RenderedThumbnail | undefined;
  for (let i = 0; i < QUALITIES.length; i += 1) {
    attempt = await encode(side, QUALITIES[i]!);
    if (attempt.bytes.byteLength <= THUMBNAIL_MAX_BYTES) return attempt;
    if (attempt.bytes.byteLength > THUMBNAIL_MAX_BYTES * SKIP_TO_LOWEST_QUALITY_RATIO) i = Math.max(i, QUALITIES.length - 2);
  }
  const lowest = QUALITIES[QUALITIES.length - 1]!;
  while (attempt && attempt.bytes.byteLength > THUMBNAIL_MAX_BYTES) {
    // Bytes grow about with the area: aim a little under the cap, and always shrink by a real step.
    const factor = Math.min(0.85, Math.sqrt(THUMBNAIL_MAX_BYTES / attempt.bytes.byteLength) * 0.95);
    side = Math.floor(side * factor);
    if (side < MIN_SIDE) throw new UnusableImage(`no thumbnail under ${THUMBNAIL_MAX_BYTES} bytes`);
    attempt = await encode(side, lowest);
  }
  return attempt!;
}

// One generation per file at a time, per database: the pipeline and the pod's first views
// (a page shows all screenshots at once) would otherwise decode the same image together.
const inFlight = new WeakMap<DeskbellDatabase, Map<string, Promise<PressFileThumbnail | null>>>();

function generateOnce(db: DeskbellDatabase, fileId: string): Promise<PressFileThumbnail | null> {
  let running = inFlight.get(db);
  if (!running) inFlight.set(db, (running = new Map()));
  const existing = running.get(fileId);
  if (existing) return existing;
  const started = generateAndStore(db, fileId).finally(() => running.delete(fileId));
  running.set(fileId, started);
  return started;
}

async function generateAndStore(db: DeskbellDatabase, fileId: string): Promise<PressFileThumbnail | null> {
  // Another call may have finished between the caller's look and this one.
  const stored = await readStoredThumbnail(db, fileId);
  if (stored !== 'missing') return stored;
  const bytes = await readPressFileBytes(db, fileId);
  if (bytes === null) return null;

  let result: ThumbnailResult;
  try {
    const rendered = await renderThumbnail(bytes, serverEnv().PRESS_MAX_IMAGE_PIXELS);
    result = { bytes: rendered.bytes, width: rendered.width, height: rendered.height, error: null };
  } catch (err) {
    // A file's bytes never change under its id, so a broken image is recorded and not decoded again.
    if (!(err instanceof UnusableImage)) throw err;
    result = { bytes: null, width: null, height: null, error: err.message };
  }

  // Retention may have removed the file while this one decoded: then nothing of it is kept.
  if (!(await storeThumbnail(db, fileId, result))) return null;
  return result.bytes ? { bytes: result.bytes, contentType: 'image/webp' } : null;
}

/**
 * The thumbnail of one press file: made on first request (when the pipeline has not made it
 * yet), stored, and served from the store afterwards. Null when the file is gone (retention)
 * or is not a decodable PNG, JPEG or WebP image.
 */
export async function getPressFileThumbnail(db: DeskbellDatabase, fileId: string): Promise<PressFileThumbnail | null> {
  const stored = await readStoredThumbnail(db, fileId);
  if (stored !== 'missing') return stored;
  try {
    return await generateOnce(db, fileId);
  } catch (err) {
    console.warn(`[thumbnails] file ${fileId}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

// Background work runs one press after another: a burst of presses (an outage) must leave
// the pipeline a core, not queue a decode per worker beside it.
let backgroundTail: Promise<void> = Promise.resolve();

/**
 * Best effort, from the press pipeline: the thumbnails of a press's images, one file at a
 * time and one press at a time, so this never takes more than one core. Never throws; what
 * it misses is made on first view.
 */
export function generatePressThumbnails(db: DeskbellDatabase, pressId: string): Promise<void> {
  const run = backgroundTail.then(() => generateForPress(db, pressId));
  backgroundTail = run;
  return run;
}

async function generateForPress(db: DeskbellDatabase, pressId: string): Promise<void> {
  try {
    const files = await listFilesWithoutThumbnail(db, pressId);
    // Screenshots were sniffed at intake; an attachment counts only if it says it is an image (its bytes decide).
    const images = files.filter((f) => f.kind === 'screenshot' || f.contentType.toLowerCase().startsWith('image/'));
    // A broken image is recorded, not thrown: what does throw (no sharp, a closed database, a
    // timeout) would fail the next file too, so the press stops at the first and says so once.
    for (const file of images) await generateOnce(db, file.id);
  } catch (err) {
    console.warn(`[thumbnails] press ${pressId}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
