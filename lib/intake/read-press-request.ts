import 'server-only';
import { createHash } from 'node:crypto';
import { DeskbellApiError, describeZodError } from '@/lib/http/errors';
import { readBodyCapped, refuseDeclaredOversize } from '@/lib/http/request-body';
import { readBearerToken, verifyAgentToken, type AgentToken } from '@/lib/auth/agent-tokens';
import type { DeskbellDatabase } from '@/lib/store/database';
import { fitManageTitle, type PressLimits } from './limits';
import {
  createJsonPressSchema,
  createMultipartPressSchema,
  normalizeContentType,
  pickPressPayload,
} from './press-schema';
import type { NewPressFile } from '@/lib/presses/press-file-store';
import type { PressPayload } from '@/lib/presses/press-payload';
import { sniffImage, type ImageType } from '@/lib/images/sniff-image';

/**
 * Turns an agent's HTTP request into a validated submission, or throws a DeskbellApiError:
 * 401 (token), 415 (content type, a screenshot that is not an image), 413 (body, file or
 * file-count limits) and 422 (JSON, fields, pixel limit). Nothing here touches the
 * database except the token check, so a rejected request stores nothing.
 *
 * Error details are always `[{path, message}]`. Paths are rooted at `press` (the press
 * document: the `press` part of a multipart body, or the whole JSON body), files are
 * addressed as `screenshot[i]` / `attachment[i]` (zero-based, in the order sent), headers
 * as `header.<Name>` and the file count as `files`.
 *
 * Decisions: too many files is 413 (it is a size limit of the request, like the body
 * size); a screenshot whose header declares more pixels than allowed is 422 (its bytes
 * were within limits, its content is unacceptable); unparseable JSON or multipart is 422.
 */

/** A file as the request carried it, checked and ready to store with its press. */
export type IncomingPressFile = NewPressFile;

export type PressSubmission = { press: PressPayload; files: IncomingPressFile[] };

const IMAGE_EXTENSION: Record<ImageType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/;

type Detail = { path: string; message: string };

function fail(code: 'payload_too_large' | 'unsupported_media_type' | 'unprocessable_entity', path: string, message: string): never {
  throw new DeskbellApiError(code, `${path}: ${message}`, [{ path, message }]);
}

const unauthorizedMessages = {
  missing: 'Send your Deskbell agent token as "Authorization: Bearer <token>".',
  malformed: 'The Authorization header does not hold a Deskbell agent token; send "Authorization: Bearer dbt_...".',
  unknown: 'This agent token is not known to this Deskbell server. Check the token or ask your administrator for one.',
  revoked: 'This agent token was revoked. Ask your administrator for a new one.',
} as const;

/** Checked before the body is read, so an unauthenticated client cannot make us buffer 25 MB. */
export async function requireAgentToken(db: DeskbellDatabase, request: Request): Promise<AgentToken> {
  const header = request.headers.get('authorization');
  const token = readBearerToken(header);
  const check = header !== null && token === undefined ? ({ ok: false, reason: 'malformed' } as const) : await verifyAgentToken(db, token);
  if (check.ok) return check.token;
  throw new DeskbellApiError('unauthorized', unauthorizedMessages[check.reason], { reason: check.reason });
}

export function readIdempotencyKey(request: Request): string | undefined {
  const key = request.headers.get('idempotency-key');
  if (key === null) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    fail('unprocessable_entity', 'header.Idempotency-Key', 'must be 1 to 200 printable ASCII characters');
  }
  return key;
}

/**
 * Never trust a sent file name: keep the last path segment, drop control characters and
 * the bidi overrides that can disguise an extension ("invoice\u202Egpj.exe"), replace the
 * characters Windows refuses, and bound the length while keeping the extension.
 */
export function toSafeFilename(raw: string | undefined, fallback: string): string {
  let name = (raw ?? '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  return name === '' ? fallback : fitManageTitle(name);
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function describeFile(path: string, filename: string | undefined): string {
  return filename ? `${path} ("${toSafeFilename(filename, '')}")` : path;
}

function checkFileSize(path: string, rawName: string | undefined, size: number, limits: PressLimits): void {
  if (size > limits.maxFileBytes) {
    throw new DeskbellApiError(
      'payload_too_large',
      `${describeFile(path, rawName)} is ${size} bytes; each file may be at most ${limits.maxFileBytes} bytes.`,
      [{ path, message: `larger than the ${limits.maxFileBytes}-byte limit per file` }],
    );
  }
}

const sniffProblems = {
  unrecognized: 'is not a PNG, JPEG or WebP image (its content, not its name, decides)',
  truncated: 'is cut short: the image header ends before the image size',
  invalid: 'has a damaged image header',
} as const;

function buildScreenshot(
  index: number,
  bytes: Uint8Array,
  rawName: string | undefined,
  meta: ScreenshotMeta,
  limits: PressLimits,
): IncomingPressFile {
  const path = `screenshot[${index}]`;
  checkFileSize(path, rawName, bytes.byteLength, limits);
  const image = sniffImage(bytes);
  if (!image.ok) {
    const problem = sniffProblems[image.reason];
    throw new DeskbellApiError('unsupported_media_type', `${describeFile(path, rawName)} ${problem}.`, [
      { path, message: problem },
    ]);
  }
  const pixels = image.width * image.height;
  if (pixels > limits.maxImagePixels) {
    const problem = `is ${image.width}x${image.height} pixels; a screenshot may have at most ${limits.maxImagePixels} pixels`;
    throw new DeskbellApiError('unprocessable_entity', `${describeFile(path, rawName)} ${problem}.`, [{ path, message: problem }]);
  }
  return {
    kind: 'screenshot',
    filename: toSafeFilename(rawName, `screenshot-${index + 1}.${IMAGE_EXTENSION[image.type]}`),
    contentType: image.type,
    bytes,
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
    width: image.width,
    height: image.height,
    capturedAt: meta.capturedAt,
    monitor: meta.monitor,
  };
}

function buildAttachment(
  index: number,
  bytes: Uint8Array,
  rawName: string | undefined,
  declaredType: string | undefined,
  limits: PressLimits,
): IncomingPressFile {
  const path = `attachment[${index}]`;
  checkFileSize(path, rawName, bytes.byteLength, limits);
  if (bytes.byteLength === 0) fail('unprocessable_entity', path, 'is empty');
  const image = sniffImage(bytes);
  let contentType = normalizeContentType(declaredType);
  // A declared image type the bytes do not bear out would be a lie passed on to Manage.
  if (image.ok) contentType = image.type;
  else if (contentType.startsWith('image/')) contentType = 'application/octet-stream';
  return {
    kind: 'attachment',
    filename: toSafeFilename(rawName, `attachment-${index + 1}`),
    contentType,
    bytes,
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
    width: image.ok ? image.width : null,
    height: image.ok ? image.height : null,
    capturedAt: null,
    monitor: null,
  };
}

function checkFileCount(count: number, limits: PressLimits): void {
  if (count > limits.maxFiles) {
    throw new DeskbellApiError(
      'payload_too_large',
      `Too many files: ${count} were sent; a press may carry at most ${limits.maxFiles} screenshots and attachments together.`,
      [{ path: 'files', message: `at most ${limits.maxFiles} files` }],
    );
  }
}

function zodDetails(error: Parameters<typeof describeZodError>[0]): Detail[] {
  return describeZodError(error).map((d) => ({
    path: d.path === '(root)' ? 'press' : `press.${d.path}`,
    message: d.message,
  }));
}

function invalidPress(details: Detail[]): never {
  const first = details[0];
  const summary = first ? `${first.path}: ${first.message}` : 'the press does not match schema v1';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  throw new DeskbellApiError('unprocessable_entity', `The press is invalid. ${summary}${more}.`, details);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'unparseable';
    return fail('unprocessable_entity', 'press', `is not valid JSON (${reason})`);
  }
}

type ScreenshotMeta = { capturedAt: string; monitor: number };

/** What an undescribed screenshot gets: captured when the press arrived, on the monitor of its position. */
function defaultScreenshotMeta(index: number, receivedAt: string): ScreenshotMeta {
  return { capturedAt: receivedAt, monitor: index };
}

async function readMultipartPress(
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
  limits: PressLimits,
  receivedAt: string,
): Promise<PressSubmission> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return fail('unprocessable_entity', 'body', 'could not be read as multipart/form-data (check the boundary and part headers)');
  }
  for (const name of new Set(form.keys())) {
    if (name !== 'press' && name !== 'screenshot' && name !== 'attachment') {
      fail('unprocessable_entity', name, `unknown part "${name}"; the parts are press, screenshot and attachment`);
    }
  }
  const screenshots = form.getAll('screenshot');
  const attachments = form.getAll('attachment');
  checkFileCount(screenshots.length + attachments.length, limits);

  const pressParts = form.getAll('press');
  const pressPart = pressParts[0];
  if (pressParts.length !== 1 || pressPart === undefined) {
    fail('unprocessable_entity', 'press', `send exactly one press part with the press JSON (got ${pressParts.length})`);
  }
  const pressText = typeof pressPart === 'string' ? pressPart : await pressPart.text();
  const parsed = createMultipartPressSchema(limits).safeParse(parseJson(pressText));
  if (!parsed.success) invalidPress(zodDetails(parsed.error));
  const press = parsed.data;
  const described = press.screenshots;
  if (described !== undefined && described.length !== screenshots.length) {
    fail(
      'unprocessable_entity',
      'press.screenshots',
      `describes ${described.length} screenshot(s) but ${screenshots.length} screenshot part(s) were sent; send one {capturedAt, monitor} entry per screenshot part, in the same order, or leave "screenshots" out`,
    );
  }

  const files: IncomingPressFile[] = [];
  for (const [index, part] of screenshots.entries()) {
    if (typeof part === 'string') fail('unprocessable_entity', `screenshot[${index}]`, 'must be a file part (with a filename)');
    checkFileSize(`screenshot[${index}]`, part.name, part.size, limits);
    const meta = described?.[index] ?? defaultScreenshotMeta(index, receivedAt);
    files.push(buildScreenshot(index, new Uint8Array(await part.arrayBuffer()), part.name, meta, limits));
  }
  for (const [index, part] of attachments.entries()) {
    if (typeof part === 'string') fail('unprocessable_entity', `attachment[${index}]`, 'must be a file part (with a filename)');
    checkFileSize(`attachment[${index}]`, part.name, part.size, limits);
    files.push(buildAttachment(index, new Uint8Array(await part.arrayBuffer()), part.name, part.type, limits));
  }
  return { press: pickPressPayload(press), files };
}

function countListed(raw: unknown, key: string): number {
  if (typeof raw !== 'object' || raw === null) return 0;
  const list = (raw as Record<string, unknown>)[key];
  return Array.isArray(list) ? list.length : 0;
}

function readJsonPress(bytes: Uint8Array, limits: PressLimits, receivedAt: string): PressSubmission {
  const raw = parseJson(new TextDecoder().decode(bytes));
  // Counted before validation so a flood of entries is refused as the size problem it is.
  checkFileCount(countListed(raw, 'screenshots') + countListed(raw, 'attachments'), limits);
  const parsed = createJsonPressSchema(limits).safeParse(raw);
  if (!parsed.success) invalidPress(zodDetails(parsed.error));
  const press = parsed.data;
  const files: IncomingPressFile[] = [];
  for (const [index, shot] of press.screenshots.entries()) {
    const bytesOf = new Uint8Array(Buffer.from(shot.data, 'base64'));
    const fallback = defaultScreenshotMeta(index, receivedAt);
    const meta = { capturedAt: shot.capturedAt ?? fallback.capturedAt, monitor: shot.monitor ?? fallback.monitor };
    files.push(buildScreenshot(index, bytesOf, shot.filename, meta, limits));
  }
  for (const [index, attachment] of press.attachments.entries()) {
    const bytesOf = new Uint8Array(Buffer.from(attachment.data, 'base64'));
    files.push(buildAttachment(index, bytesOf, attachment.filename, attachment.contentType, limits));
  }
  return { press: pickPressPayload(press), files };
}

/** Validates the request's body; call requireAgentToken first. */
export async function readPressRequest(request: Request, limits: PressLimits): Promise<PressSubmission> {
  const contentType = request.headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'multipart/form-data' && mediaType !== 'application/json') {
    throw new DeskbellApiError(
      'unsupported_media_type',
      `Send the press as multipart/form-data or application/json (got ${mediaType ? `"${mediaType.slice(0, 100)}"` : 'no Content-Type'}).`,
      [{ path: 'header.Content-Type', message: 'must be multipart/form-data or application/json' }],
    );
  }
  refuseDeclaredOversize(request, limits.maxBodyBytes);
  const receivedAt = new Date().toISOString();
  const bytes = await readBodyCapped(request, limits.maxBodyBytes);
  return mediaType === 'application/json'
    ? readJsonPress(bytes, limits, receivedAt)
    : readMultipartPress(bytes, contentType, limits, receivedAt);
}
