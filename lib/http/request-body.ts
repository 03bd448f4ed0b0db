import 'server-only';
import type { z } from 'zod';
import { DeskbellApiError } from './errors';

/**
 * Reading request bodies for every route: bounded whatever Content-Length claims, and JSON only
 * when the client said application/json. A browser can send a cross-origin `text/plain` form or
 * a `no-cors` fetch without asking anyone, never an application/json one, so refusing every
 * other type keeps such a request from ever being parsed.
 */

/** What an admin or pod JSON body may weigh when its route names no other limit. */
export const DEFAULT_JSON_BODY_BYTES = 1024 * 1024;

/** `application/json`, optionally with parameters (`; charset=utf-8`); nothing else, not `application/json-seq`. */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export function unsupportedMediaType(message = 'Send the request body as application/json.'): DeskbellApiError {
  return new DeskbellApiError('unsupported_media_type', message, [{ path: 'header.Content-Type', message: 'must be application/json' }]);
}

function bodyTooLarge(maxBytes: number): DeskbellApiError {
  return new DeskbellApiError('payload_too_large', `The request body is larger than the ${maxBytes}-byte limit.`, [
    { path: 'body', message: `at most ${maxBytes} bytes` },
  ]);
}

/** Refuses early when the client itself announces more than the limit. */
export function refuseDeclaredOversize(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
}

/** Reads at most maxBytes, whatever Content-Length said (it may lie or be absent). */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** 415 unless application/json, 413 past maxBytes, 400 when not JSON, then the schema (a ZodError is 422). */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes = DEFAULT_JSON_BODY_BYTES): Promise<z.output<S>> {
  if (!isJsonContentType(request.headers.get('content-type'))) throw unsupportedMediaType();
  refuseDeclaredOversize(request, maxBytes);
  const bytes = await readBodyCapped(request, maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new DeskbellApiError('bad_request', 'The request body must be JSON.', [{ path: 'body', message: 'must be JSON' }]);
  }
  return schema.parse(json);
}
