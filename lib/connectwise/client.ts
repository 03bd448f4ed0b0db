import 'server-only';
import { setTimeout as sleep } from 'node:timers/promises';
import { FormData as UndiciFormData, Pool } from 'undici';
import { z } from 'zod';
import { ManageConfigError, ManageError, toTransportError, type ManageFieldError } from './errors';
import { isCloudHost, isLoopbackHost } from './hosts';

export type ManageCallRecord = {
  method: string;
  /** Path below the API base, without the query string. */
  path: string;
  status: number | null;
  ms: number;
  attempt: number;
  error?: string;
};

export type ManageClientOptions = {
  baseUrl: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  apiVersion?: string;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  onCall?: (call: ManageCallRecord) => void;
  /**
   * The origin (scheme://host:port) these credentials belong to. Set on every connection read
   * from storage or the environment and carried along by any spread of those options, so a
   * client built from stored secrets with another baseUrl is refused here, before any call.
   */
  credentialOrigin?: string;
};

export type ManageMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type ManageQuery = Record<string, string | number | boolean | undefined>;

export type ManageRequest = {
  method: ManageMethod;
  /** Below the API base, starting with '/', e.g. '/service/tickets/12'. */
  path: string;
  query?: ManageQuery;
  json?: unknown;
  /** Node's global FormData or undici's; sent as multipart/form-data. */
  form?: FormData | UndiciFormData;
  /** Retry this call on 429/5xx/network failures. Default: true for GET, PUT and DELETE only. */
  idempotent?: boolean;
  signal?: AbortSignal;
};

export type ManageResponse<T> = { status: number; headers: Record<string, string>; data: T };

export type PaginateOptions = {
  /** 1..1000; default 1000 (Manage's maximum) to keep the number of round trips low. */
  pageSize?: number;
  /** Send `pagination-type: forward-only` and follow pageId; orderBy is not allowed then. */
  forwardOnly?: boolean;
  /** Safety bound: more pages than this throws instead of looping forever. Default 100. */
  maxPages?: number;
  signal?: AbortSignal;
};

export type ManageClient = {
  request<T = unknown>(req: ManageRequest): Promise<ManageResponse<T>>;
  /** Like request, for endpoints that answer with raw bytes (document download). */
  requestBytes(req: Omit<ManageRequest, 'json' | 'form'>): Promise<ManageResponse<Uint8Array>>;
  /** One page per iteration; conditions and other query values are sent on every page. */
  paginate<T = unknown>(path: string, query?: ManageQuery, options?: PaginateOptions): AsyncIterable<T[]>;
  close(): Promise<void>;
};

const defaults = {
  apiVersion: '2026.11',
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 30_000,
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  pageSize: 1_000,
  maxPages: 100,
} as const;

const manageErrorBodySchema = z.object({
  code: z.string().nullish(),
  message: z.string().nullish(),
  errors: z
    .array(
      z.object({
        code: z.string().nullish(),
        message: z.string().nullish(),
        resource: z.string().nullish(),
        field: z.string().nullish(),
      }),
    )
    .nullish(),
});

// Manage's exact wording for a missing or unknown clientId is unverified: recognise the
// simulator's code and any message that says the clientId is required or invalid.
const clientIdComplaint = /\bclient\s*id\b.*\b(required|missing|invalid|not valid|unknown|not recogni[sz]ed)\b/i;

const statusCodes: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function requireText(value: string | undefined, field: ManageConfigError['field'], message: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ManageConfigError(field, `${field.charAt(0).toUpperCase()}${field.slice(1)}Missing`, message);
  }
  return value;
}

function nonNegativeInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new ManageConfigError('options', 'InvalidOption', `${name} must be a non-negative integer.`);
  }
  return value;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const n = nonNegativeInt(value, fallback, name);
  if (n === 0) throw new ManageConfigError('options', 'InvalidOption', `${name} must be greater than 0.`);
  return n;
}

function buildQuery(query: ManageQuery | undefined): string {
  if (query === undefined) return '';
  let out = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out += `${out === '' ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Targets of a `Link` header by rel: `<url>; rel="next", <url>; rel="last"`. */
export function parseLinkHeader(value: string | undefined): Map<string, string> {
  const links = new Map<string, string>();
  if (value === undefined) return links;
  const pattern = /<([^>]*)>\s*;\s*rel="?([^",;\s]+)"?/g;
  for (let m = pattern.exec(value); m !== null; m = pattern.exec(value)) {
    if (m[1] !== undefined && m[2] !== undefined) links.set(m[2].toLowerCase(), m[1]);
  }
  return links;
}

function toUndiciForm(form: FormData | UndiciFormData): UndiciFormData {
  // undici 7 encodes only its own FormData class; Node 20's global one (from Node's bundled
  // undici) fails inside the request with "action is not a function". Copy the entries over.
  if (form instanceof UndiciFormData) return form;
  const copy = new UndiciFormData();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') copy.append(name, value);
    else copy.append(name, value, value.name);
  }
  return copy;
}

export function createManageClient(options: ManageClientOptions): ManageClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new ManageConfigError('baseUrl', 'BaseUrlInvalid', 'The Manage base URL is not a valid URL.');
  }
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname))) {
    throw new ManageConfigError(
      'baseUrl',
      'BaseUrlInsecure',
      'The Manage base URL must be https:// (plain http:// only for a simulator on a loopback address).',
    );
  }
  if (options.credentialOrigin !== undefined && options.credentialOrigin !== base.origin) {
    throw new ManageConfigError(
      'baseUrl',
      'CredentialOriginMismatch',
      'These Manage credentials belong to another endpoint; stored keys are only ever sent to the endpoint they were saved for.',
    );
  }
  const companyId = requireText(options.companyId, 'companyId', 'The Manage company id is missing.');
  const publicKey = requireText(options.publicKey, 'publicKey', 'The Manage public key is missing.');
  const privateKey = requireText(options.privateKey, 'privateKey', 'The Manage private key is missing.');
  const clientId = requireText(
    options.clientId,
    'clientId',
    'The Manage clientId is missing: Manage rejects every API call without a clientId header. Enter the clientId (a GUID from developer.connectwise.com) in the Manage settings.',
  );
  if (/[\s\u0000-\u001f]/.test(clientId)) {
    throw new ManageConfigError('clientId', 'ClientIdInvalid', 'The Manage clientId contains spaces or control characters.');
  }
  const apiVersion = options.apiVersion ?? defaults.apiVersion;
  if (!/^\d{4}\.\d{1,2}$/.test(apiVersion)) {
    throw new ManageConfigError('apiVersion', 'ApiVersionInvalid', `The Manage API version "${apiVersion}" does not look like 2026.11.`);
  }
  const maxRetries = nonNegativeInt(options.retry?.maxRetries, defaults.maxRetries, 'retry.maxRetries');
  const baseDelayMs = nonNegativeInt(options.retry?.baseDelayMs, defaults.baseDelayMs, 'retry.baseDelayMs');
  const maxDelayMs = nonNegativeInt(options.retry?.maxDelayMs, defaults.maxDelayMs, 'retry.maxDelayMs');
  const onCall = options.onCall;
  const cloud = isCloudHost(base.hostname);
  const basePath = base.pathname.replace(/\/+$/, '');

  const pool = new Pool(base.origin, {
    connect: { timeout: positiveInt(options.timeouts?.connectMs, defaults.connectMs, 'timeouts.connectMs') },
    headersTimeout: positiveInt(options.timeouts?.headersMs, defaults.headersMs, 'timeouts.headersMs'),
    bodyTimeout: positiveInt(options.timeouts?.bodyMs, defaults.bodyMs, 'timeouts.bodyMs'),
    // Manage throttles busy integrations; a bounded pool keeps one Deskbell polite.
    connections: 16,
  });

  // Built once: every call reuses the same header objects.
  const authorization = `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`, 'utf8').toString('base64')}`;
  const plainHeaders = Object.freeze({
    authorization,
    clientId,
    accept: `application/vnd.connectwise.com+json; version=${apiVersion}`,
  });
  const jsonHeaders = Object.freeze({ ...plainHeaders, 'content-type': 'application/json' });
  const forwardOnlyHeaders = Object.freeze({ ...plainHeaders, 'pagination-type': 'forward-only' });
  const secrets = [privateKey, authorization.slice('Basic '.length), clientId].filter((s) => s.length >= 4);

  function redact(text: string): string {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  function report(record: ManageCallRecord): void {
    if (onCall === undefined) return;
    try {
      onCall(record);
    } catch {
      // An observer that throws must not turn a successful Manage call into a failure.
    }
  }

  function httpError(status: number, rawBody: string, method: string, path: string, retryAfterHeader: string | undefined): ManageError {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      json = undefined;
    }
    const parsed = manageErrorBodySchema.safeParse(json);
    const body = parsed.success ? parsed.data : {};
    const code = body.code ?? statusCodes[status] ?? `Http${status}`;
    const said = body.message ? ` Manage said: "${redact(body.message)}"` : '';
    const fieldErrors: ManageFieldError[] = (body.errors ?? []).map((e) => ({
      code: e.code ?? 'Error',
      message: redact(e.message ?? ''),
      ...(e.resource ? { resource: e.resource } : {}),
      ...(e.field ? { field: e.field } : {}),
    }));
    const at = `${method} ${path}`;
    let message: string;
    if (status === 401 && (code === 'InvalidClientId' || clientIdComplaint.test(body.message ?? ''))) {
      message = `Manage refused ${at} because the clientId header is missing or not recognised (401 ${code}). Check the clientId in the Manage settings: it is the GUID of Deskbell's integration from developer.connectwise.com, not the API key.${said}`;
    } else if (status === 401) {
      message = `Manage rejected the API key (401 ${code}) for company id "${companyId}" with public key "${publicKey}". Check that the company id is the one typed on Manage's login screen and that the public/private key pair belongs to an active API member.${said}`;
    } else if (status === 403) {
      message = `The API member's security role is missing a permission needed for ${at} (403 ${code}). Grant it in Manage under System > Security Roles.${said}`;
    } else if (status === 404) {
      const hint = cloud
        ? ' On ConnectWise cloud a 404 can also mean that the API key or company id was rejected: check them too.'
        : '';
      message = `Manage has no ${at} (404 ${code}).${said}${hint}`;
    } else if (status === 429) {
      message = `Manage is rate limiting Deskbell (429) on ${at}.${said}`;
    } else {
      const details = fieldErrors.length
        ? ` ${fieldErrors.map((e) => `${e.field ?? e.resource ?? e.code}: ${e.message}`).join('; ')}.`
        : '';
      message = `Manage answered ${status} ${code} to ${at}.${said}${details}`;
    }
    return new ManageError({
      message,
      status,
      code,
      kind: 'http',
      method,
      path,
      fieldErrors,
      retryable: status === 429 || status >= 500,
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(retryAfterHeader) : null,
    });
  }

  function invalidResponse(method: string, path: string, status: number, why: string): ManageError {
    return new ManageError({
      message: `Manage answered ${method} ${path} with ${status} but ${why}.`,
      status,
      code: 'InvalidResponse',
      kind: 'invalid_response',
      method,
      path,
      retryable: false,
    });
  }

  function decodeJson(method: string, path: string, status: number, contentType: string | undefined, text: string): unknown {
    if (text === '') return null;
    if (contentType !== undefined && !contentType.includes('json')) {
      throw invalidResponse(method, path, status, `the body is ${contentType.split(';')[0]}, not JSON (is the endpoint a Manage API address?)`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw invalidResponse(method, path, status, 'the body is not valid JSON');
    }
  }

  function retryDelay(error: ManageError, attempt: number): number {
    if (error.retryAfterMs !== null) return Math.min(error.retryAfterMs, maxDelayMs);
    // Full jitter: spreads retries of many callers hitting the same failure.
    return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  }

  async function send(
    req: ManageRequest,
    responseType: 'json' | 'bytes',
    headersOverride?: Readonly<Record<string, string>>,
  ): Promise<ManageResponse<unknown>> {
    const method = req.method;
    const path = req.path;
    const idempotent = req.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    const requestPath = basePath + path + buildQuery(req.query);
    let body: string | UndiciFormData | undefined;
    let headers: Readonly<Record<string, string>> = headersOverride ?? plainHeaders;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers = jsonHeaders;
    } else if (req.form !== undefined) {
      body = toUndiciForm(req.form);
    }

    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let status: number | null = null;
      let failure: ManageError;
      try {
        const res = await pool.request({ path: requestPath, method, headers, body, signal: req.signal });
        status = res.statusCode;
        const resHeaders = res.headers;
        if (status >= 200 && status < 300) {
          let data: unknown;
          if (responseType === 'bytes') {
            data = new Uint8Array(await res.body.arrayBuffer());
          } else {
            const contentType = resHeaders['content-type'];
            data = decodeJson(method, path, status, Array.isArray(contentType) ? contentType[0] : contentType, await res.body.text());
          }
          report({ method, path, status, ms: performance.now() - started, attempt });
          return { status, headers: flattenHeaders(resHeaders), data };
        }
        const text = await res.body.text();
        const retryAfter = resHeaders['retry-after'];
        failure = httpError(status, text, method, path, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      } catch (error) {
        if (error instanceof ManageError) failure = error;
        else if (error instanceof Error && 'code' in error && error.code === 'UND_ERR_INVALID_ARG') throw error;
        else failure = toTransportError(error, method, path);
      }
      report({ method, path, status, ms: performance.now() - started, attempt, error: failure.phase ? `${failure.code}:${failure.phase}` : failure.code });
      if (!failure.retryable || !idempotent || attempt > maxRetries || req.signal?.aborted) throw failure;
      try {
        await sleep(retryDelay(failure, attempt), undefined, { signal: req.signal });
      } catch (error) {
        throw toTransportError(error, method, path);
      }
    }
  }

  async function* paginate<T>(path: string, query: ManageQuery = {}, opts: PaginateOptions = {}): AsyncGenerator<T[]> {
    const pageSize = opts.pageSize ?? defaults.pageSize;
    const maxPages = opts.maxPages ?? defaults.maxPages;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1_000) throw new RangeError('pageSize must be 1..1000');
    if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError('maxPages must be a positive integer');
    const forwardOnly = opts.forwardOnly === true;
    if (forwardOnly && query.orderBy !== undefined) {
      throw new TypeError('Manage does not allow orderBy with forward-only pagination');
    }
    let pageId: string | undefined;
    for (let page = 1; ; page++) {
      if (page > maxPages) {
        throw new ManageError({
          message: `GET ${path} has more than ${maxPages} pages of ${pageSize}; narrow the conditions or raise maxPages.`,
          status: null,
          code: 'PageLimitExceeded',
          kind: 'invalid_response',
          method: 'GET',
          path,
          retryable: false,
        });
      }
      // Each page's query is rebuilt from the caller's query: a Link URL that dropped the
      // conditions would silently restart from the first record of the whole table.
      const pageQuery: ManageQuery = forwardOnly ? { ...query, pageSize, pageId } : { ...query, pageSize, page };
      const res = await send(
        { method: 'GET', path, query: pageQuery, signal: opts.signal },
        'json',
        forwardOnly ? forwardOnlyHeaders : undefined,
      );
      if (!Array.isArray(res.data)) throw invalidResponse('GET', path, res.status, 'the body is not a list');
      const items = res.data as T[];
      if (items.length > 0) yield items;
      const links = res.headers.link === undefined ? null : parseLinkHeader(res.headers.link);
      if (items.length === 0) return;
      if (forwardOnly) {
        const next = links?.get('next');
        let nextPageId: string | null | undefined;
        if (next !== undefined) nextPageId = new URL(next, base).searchParams.get('pageId');
        else if (links === null && items.length === pageSize) nextPageId = lastId(items);
        if (nextPageId === null || nextPageId === undefined || nextPageId === '') return;
        if (nextPageId === pageId) throw invalidResponse('GET', path, res.status, 'the next pageId does not move forward');
        pageId = nextPageId;
      } else if (links !== null ? !links.has('next') : items.length < pageSize) {
        return;
      }
    }
  }

  return {
    async request<T>(req: ManageRequest) {
      return (await send(req, 'json')) as ManageResponse<T>;
    },
    async requestBytes(req) {
      return (await send(req, 'bytes')) as ManageResponse<Uint8Array>;
    },
    paginate: paginate as ManageClient['paginate'],
    async close() {
      await pool.close();
    },
  };
}

function lastId(items: unknown[]): string | undefined {
  const last = items.at(-1);
  if (last && typeof last === 'object' && 'id' in last && typeof last.id === 'number') return String(last.id);
  return undefined;
}

/** Reads every page into one array. */
export async function collectAll<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) for (const item of page) all.push(item);
  return all;
}
