import 'server-only';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import { z } from 'zod';
import { parseTicketEntity } from './tickets';
import type { ManageTicket } from './types';

/**
 * Manage signs each callback: `x-content-signature` = base64(HMAC-SHA256(SHA256(signing_key),
 * raw body)), with the signing key served at `Metadata.key_url`. That URL arrives in the
 * untrusted body, so it is fetched only from the configured Manage site: otherwise anyone
 * could make Deskbell request any URL (SSRF) or vouch for their own key.
 */

export const SIGNATURE_HEADER = 'x-content-signature';

/** What a callback says about itself, in our words. */
export type ManageCallbackEvent = {
  messageId: string;
  action: 'added' | 'updated' | 'deleted';
  recordType: string;
  recordId: number;
  companyId: string | null;
  memberId: string | null;
  callbackId: number | null;
  /** The record as the callback carried it; undefined when absent (delete) or unreadable. */
  ticket: ManageTicket | undefined;
};

const callbackPayloadSchema = z.object({
  MessageId: z.string().min(1).max(200),
  Action: z.string().transform((a) => a.toLowerCase()).pipe(z.enum(['added', 'updated', 'deleted'])),
  Type: z.string().min(1).max(100),
  ID: z.coerce.number().int().positive(),
  CompanyId: z.string().nullish(),
  MemberId: z.union([z.string(), z.number()]).nullish(),
  Entity: z.string().nullish(),
  CallbackObjectRecId: z.coerce.number().int().nullish(),
  Metadata: z.object({ key_url: z.string() }).passthrough(),
});

/** Only the key URL, read before the signature is known to be good. */
export function readKeyUrl(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const metadata = (payload as { Metadata?: unknown }).Metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const keyUrl = (metadata as { key_url?: unknown }).key_url;
  return typeof keyUrl === 'string' && keyUrl.length <= 2048 ? keyUrl : undefined;
}

export type ParsedCallback = { ok: true; event: ManageCallbackEvent } | { ok: false; issues: { path: string; message: string }[] };

/** Reads a verified callback body into our type. */
export function parseCallbackPayload(payload: unknown): ParsedCallback {
  const parsed = callbackPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  const raw = parsed.data;
  const recordType = raw.Type.toLowerCase();
  return {
    ok: true,
    event: {
      messageId: raw.MessageId,
      action: raw.Action,
      recordType,
      recordId: raw.ID,
      companyId: raw.CompanyId ?? null,
      memberId: raw.MemberId === null || raw.MemberId === undefined ? null : String(raw.MemberId),
      callbackId: raw.CallbackObjectRecId ?? null,
      ticket: recordType === 'ticket' ? parseTicketEntity(raw.Entity) : undefined,
    },
  };
}

/** `key = SHA256(utf8(signing_key))`, then HMAC-SHA256 over the raw body bytes. */
export function deriveCallbackKey(signingKey: string): Buffer {
  return createHash('sha256').update(signingKey, 'utf8').digest();
}

export function signCallbackBody(key: Buffer, body: Uint8Array): string {
  return createHmac('sha256', key).update(body).digest('base64');
}

/**
 * Constant-time, over the base64 text itself: decoding first would accept variants (trailing
 * junk after the padding decodes to the same bytes). A short header takes as long as a near miss.
 */
export function signatureMatches(key: Buffer, body: Uint8Array, header: string): boolean {
  const expected = Buffer.from(signCallbackBody(key, body), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  const padded = Buffer.alloc(expected.length);
  given.copy(padded, 0, 0, Math.min(given.length, padded.length));
  return timingSafeEqual(expected, padded) && given.length === expected.length;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * True only for a URL on exactly the configured Manage site: same scheme, host and port,
 * https (plain http only when the site itself is a loopback simulator), no credentials.
 */
export function isPinnedKeyUrl(keyUrl: string, manageOrigin: string): boolean {
  let url: URL;
  let site: URL;
  try {
    url = new URL(keyUrl);
    site = new URL(manageOrigin);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.origin !== site.origin) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK.test(url.hostname);
}

export type KeyFetchResult = { ok: true; signingKey: string } | { ok: false; reason: string };
export type SigningKeyFetcher = (keyUrl: string) => Promise<KeyFetchResult>;

const keyResponseSchema = z.object({ signing_key: z.string().min(1).max(1024) });

/** GET key_url: no redirects, a time limit over the whole exchange, and a size cap. */
export async function fetchSigningKey(keyUrl: string, options: { timeoutMs: number; maxBytes: number }): Promise<KeyFetchResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    // undici's request never follows redirects: a 3xx is simply not a 200.
    const res = await request(keyUrl, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    // Cutting a body short aborts it; that abort is the intended outcome, not an error to raise.
    res.body.on('error', () => undefined);
    if (res.statusCode !== 200) {
      res.body.destroy();
      return { ok: false, reason: `key_url answered ${res.statusCode}` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        res.body.destroy();
        return { ok: false, reason: `key_url answered more than ${options.maxBytes} bytes` };
      }
      chunks.push(chunk as Buffer);
    }
    const parsed = keyResponseSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    return parsed.success ? { ok: true, signingKey: parsed.data.signing_key } : { ok: false, reason: 'key_url did not answer a signing_key' };
  } catch (err) {
    return { ok: false, reason: signal.aborted ? 'key_url timed out' : `key_url failed: ${err instanceof Error ? err.message : 'error'}` };
  }
}

export type CallbackVerdict =
  | { ok: true }
  | { ok: false; reason: 'key_url_refused' | 'bad_signature' }
  | { ok: false; reason: 'key_unavailable'; detail: string };

export type CallbackVerifier = {
  verify(input: { body: Uint8Array; signature: string; keyUrl: string; manageOrigin: string }): Promise<CallbackVerdict>;
  /** How many times a key was fetched (for tests and the bench). */
  fetchCount(): number;
};

export type CallbackVerifierOptions = {
  fetchKey?: SigningKeyFetcher;
  timeoutMs?: number;
  maxKeyBytes?: number;
  cacheTtlMs?: number;
  /** After a mismatch, the key is fetched again at most this often (Manage may rotate it). */
  refetchAfterMs?: number;
  now?: () => number;
};

type CachedKey = { key: Buffer; fetchedAt: number };
const MAX_CACHED_KEYS = 32;

/** Signature checks with keys cached by URL; concurrent callbacks share one fetch. */
export function createCallbackVerifier(options: CallbackVerifierOptions = {}): CallbackVerifier {
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxKeyBytes ?? 8192;
  const fetchKey = options.fetchKey ?? ((url: string) => fetchSigningKey(url, { timeoutMs, maxBytes }));
  const ttl = options.cacheTtlMs ?? 60 * 60 * 1000;
  const refetchAfter = options.refetchAfterMs ?? 30_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedKey>();
  const inflight = new Map<string, Promise<KeyFetchResult>>();
  let fetches = 0;

  async function loadKey(keyUrl: string): Promise<CachedKey | { error: string }> {
    let pending = inflight.get(keyUrl);
    if (!pending) {
      fetches += 1;
      pending = fetchKey(keyUrl).finally(() => inflight.delete(keyUrl));
      inflight.set(keyUrl, pending);
    }
    const result = await pending;
    // Failures are not cached: the next callback tries again.
    if (!result.ok) return { error: result.reason };
    const entry = { key: deriveCallbackKey(result.signingKey), fetchedAt: now() };
    if (cache.size >= MAX_CACHED_KEYS && !cache.has(keyUrl)) cache.delete(cache.keys().next().value as string);
    cache.set(keyUrl, entry);
    return entry;
  }

  return {
    async verify({ body, signature, keyUrl, manageOrigin }) {
      if (!isPinnedKeyUrl(keyUrl, manageOrigin)) return { ok: false, reason: 'key_url_refused' };
      let entry: CachedKey | { error: string } | undefined = cache.get(keyUrl);
      if (entry && now() - entry.fetchedAt > ttl) entry = undefined;
      entry ??= await loadKey(keyUrl);
      if ('error' in entry) return { ok: false, reason: 'key_unavailable', detail: entry.error };
      if (signatureMatches(entry.key, body, signature)) return { ok: true };
      // A rotated key looks like a bad signature until fetched again; a forger cannot use
      // that to make Deskbell fetch more than once per refetchAfter.
      if (now() - entry.fetchedAt < refetchAfter) return { ok: false, reason: 'bad_signature' };
      const fresh = await loadKey(keyUrl);
      if ('error' in fresh) return { ok: false, reason: 'key_unavailable', detail: fresh.error };
      return signatureMatches(fresh.key, body, signature) ? { ok: true } : { ok: false, reason: 'bad_signature' };
    },
    fetchCount: () => fetches,
  };
}
