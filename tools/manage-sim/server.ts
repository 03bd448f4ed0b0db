/**
 * The simulator's HTTP server (node:http, no framework): request pipeline, admin endpoints
 * under /__sim/, /login/companyinfo, faults, request log, and startManageSim().
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { authenticate } from './auth';
import {
  CallbackEmitter,
  DEFAULT_CALLBACK_RETRY_DELAYS_MS,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  UnknownCallbackMessage,
  type SimCallbackDelivery,
} from './callbacks';
import {
  API_PREFIX,
  CODEBASE,
  DEFAULT_API_VERSION,
  DEFAULT_PAGE_SIZE_MAX,
  DEMO_CREDENTIALS,
  MAX_JSON_BODY_BYTES,
  MAX_MULTIPART_BODY_BYTES,
  REQUEST_LOG_LIMIT,
  VERSION_NUMBER,
  type SimCredentials,
} from './constants';
import type { MultipartBody, RouteRequest, RouteResult, SimContext } from './context';
import { seedStore, type SeedName } from './demo-data';
import { ManageApiError } from './errors';
import { FaultEngine, faultRulesSchema, type FaultAction, type SimFaultRule } from './faults';
import { PermissionTable, permissionSettingsSchema, type SimPermissionSettings } from './permissions';
import { createRefs } from './refs';
import { RequestLog, redactHeaders, type SimRequestRecord } from './request-log';
import { deniedByRole } from './security-roles';
import { createRouter } from './router';
import { SimCollection, clearStore, createChangeClock, createEmptyStore, type SimStore, type SimTicket } from './store';
import { handleTechnicianAdmin } from './technician';
import { handleUiLink } from './ui-links';
import { parseId } from './validation';

export type ManageSim = {
  /** Origin, e.g. 'http://127.0.0.1:8123'. */
  url: string;
  /** `${url}/v4_6_release/apis/3.0` */
  baseUrl: string;
  /** What an admin types: '127.0.0.1:8123/v4_6_release' (no scheme). */
  endpoint: string;
  credentials: SimCredentials;
  requests(): SimRequestRecord[];
  clearRequests(): void;
  setFaults(rules: SimFaultRule[]): void;
  clearFaults(): void;
  /** Denies security-role permissions until cleared (reset() keeps them, like faults). */
  setPermissions(settings: SimPermissionSettings): void;
  /** Grants every permission again. */
  clearPermissions(): void;
  permissions(): SimPermissionSettings;
  store: SimStore;
  /** The current callback signing key (what GET keyUrl() answers). */
  signingKey(): string;
  /** The current key_url: `${url}/v4_6_release/callbackkeys/{keyId}` (served without auth). */
  keyUrl(): string;
  /** Makes a new signing key and key id; the old key_url keeps answering with the old key. */
  rotateCallbackKey(): { keyId: string; keyUrl: string };
  /** Every callback POST so far (retries and redeliveries are records of their own), oldest first. */
  callbackDeliveries(): SimCallbackDelivery[];
  /** Resolves when every callback delivery started so far (retries included) has settled. */
  flushCallbacks(): Promise<void>;
  /** POSTs a message's same body and signature again (Manage's duplicate delivery). */
  redeliverCallback(messageId: string): Promise<SimCallbackDelivery>;
  /** Pauses (false) or resumes (true) firing callbacks; enabled by default. */
  setCallbacksEnabled(enabled: boolean): void;
  /** Keeps the signing key; clears callback deliveries (and aborts in-flight ones). */
  reset(seed?: SeedName): void;
  /** Where Manage's UI deep links send the browser (Deskbell's demo screens); null for an explanatory page. */
  setDeskbellUrl(url: string | null): void;
  close(): Promise<void>;
};

export type StartManageSimOptions = {
  /** 0 = random free port (the default). */
  port?: number;
  /** Default '127.0.0.1'. A non-loopback host needs allowNonLoopback. */
  host?: string;
  seed?: SeedName;
  credentials?: Partial<SimCredentials>;
  pageSizeMax?: number;
  /** The simulator speaks plain HTTP with demo keys: binding beyond loopback must be explicit. */
  allowNonLoopback?: boolean;
  /** Waits before the retries of a callback answered 404/409/419/429. Default [2000, 4000]. */
  callbackRetryDelaysMs?: number[];
  /** Timeout of one callback POST. Default 5000. */
  callbackTimeoutMs?: number;
  /** Whether ticket changes fire callbacks from the start (setCallbacksEnabled changes it). Default true. */
  callbacksEnabled?: boolean;
  /**
   * Deskbell's URL in demo mode (e.g. http://127.0.0.1:3000): Manage's UI deep links
   * (`ConnectWise.aspx?routeTo=ServiceFV&recid=...`) then redirect to its demo Manage screens.
   * Unset, they answer a page saying what the link opens in a real Manage.
   */
  deskbellUrl?: string;
};

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;
const MULTIPART_TYPE = /^multipart\/form-data\b/i;
const VERSION_IN_ACCEPT = /version=(\d{4}\.\d{1,2})\b/i;
const LOGIN_COMPANY_INFO = /^\/login\/companyinfo\/([^/]+)\/?$/i;
/** key_url lives outside /apis/3.0 so Manage auth never applies to it. */
const CALLBACK_KEY_PATH = `/${CODEBASE}/callbackkeys/`;
const CALLBACK_ADMIN_DISABLE = /^\/__sim\/callbacks\/(\d{1,10})\/disable$/;
const SAFE_HOST = /^[A-Za-z0-9.\-:[\]]+$/;
/** Manage's web UI entry point, the target of its deep links. */
const UI_LINK_PATH = `/${CODEBASE}/connectwise.aspx`;

/** An http(s) origin (a path prefix allowed), without a trailing slash; anything else is refused at start. */
function normaliseDeskbellUrl(value: string | null): string | null {
  if (value === null || value === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`deskbellUrl must be an http(s) URL such as http://127.0.0.1:3000, not '${value}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`deskbellUrl must be an http(s) URL, not '${value}'`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function parseMultipart(contentType: string, body: Buffer): Promise<MultipartBody> {
  // Node's built-in fetch Request (undici) implements the multipart/form-data parser.
  const form = await new Request('http://manage-sim.local/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    // A Buffer is a Uint8Array, which undici accepts; the DOM typing only lacks the Buffer overload.
    body: body as unknown as BodyInit,
  }).formData();
  const parsed: MultipartBody = { fields: {}, files: [] };
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parsed.fields[name] = value;
    } else {
      parsed.files.push({
        field: name,
        filename: value.name,
        contentType: value.type,
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return parsed;
}

function queryRecord(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) out[key] = value;
  return out;
}

const resetBodySchema = z.object({ seed: z.enum(['demo', 'empty']).optional() }).strict();
const redeliverBodySchema = z.object({ messageId: z.string().min(1).max(100) }).strict();
const callbacksEnabledBodySchema = z.object({ enabled: z.boolean() }).strict();

export async function startManageSim(options: StartManageSimOptions = {}): Promise<ManageSim> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && options.allowNonLoopback !== true) {
    throw new Error(`Refusing to bind the Manage simulator to non-loopback host '${host}' (pass allowNonLoopback: true)`);
  }
  const pageSizeMax = options.pageSizeMax ?? DEFAULT_PAGE_SIZE_MAX;
  if (!Number.isInteger(pageSizeMax) || pageSizeMax < 1) throw new Error('pageSizeMax must be a positive integer');
  const credentials: SimCredentials = { ...DEMO_CREDENTIALS, ...options.credentials };
  const retryDelaysMs = options.callbackRetryDelaysMs ?? [...DEFAULT_CALLBACK_RETRY_DELAYS_MS];
  if (!retryDelaysMs.every((ms) => Number.isFinite(ms) && ms >= 0)) throw new Error('callbackRetryDelaysMs must be non-negative numbers');
  const callbackTimeoutMs = options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  if (!Number.isFinite(callbackTimeoutMs) || callbackTimeoutMs <= 0) throw new Error('callbackTimeoutMs must be a positive number');

  const store = createEmptyStore();
  let deskbellUrl = normaliseDeskbellUrl(options.deskbellUrl ?? null);
  const faults = new FaultEngine();
  const permissions = new PermissionTable();
  const log = new RequestLog(REQUEST_LOG_LIMIT);
  const matchRoute = createRouter();
  const sockets = new Set<Socket>();
  const shutdown = new AbortController();
  let ctx: SimContext | null = null;
  let callbacks: CallbackEmitter | null = null;

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      // Only reachable on a bug in the pipeline itself: never leave the client hanging.
      console.error('[manage-sim] unhandled error', error);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'ConnectWiseApi', message: 'An error has occurred.' }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function send(
    res: ServerResponse,
    record: SimRequestRecord,
    result: RouteResult,
    contentType: string,
  ): void {
    record.status = result.status;
    if (res.destroyed) return;
    const headers: Record<string, string> = {
      'api-current-version': DEFAULT_API_VERSION,
      'x-cw-request-id': randomUUID(),
      ...result.headers,
    };
    if ('bytes' in result) {
      headers['content-type'] = result.contentType;
      headers['content-length'] = String(result.bytes.length);
      res.writeHead(result.status, headers);
      res.end(result.bytes);
      return;
    }
    if (result.status === 204 || result.body === undefined) {
      res.writeHead(result.status, headers);
      res.end();
      return;
    }
    const payload = Buffer.from(JSON.stringify(result.body));
    headers['content-type'] = contentType;
    headers['content-length'] = String(payload.length);
    res.writeHead(result.status, headers);
    res.end(payload);
  }

  function errorResult(error: ManageApiError): RouteResult {
    return { status: error.status, body: error.toBody(), headers: error.headers };
  }

  function resetSocket(req: IncomingMessage): void {
    req.socket.resetAndDestroy();
  }

  function faultResult(action: Extract<FaultAction, { kind: 'status' }>): RouteResult {
    const headers: Record<string, string> = {};
    if (action.retryAfterSeconds !== null) headers['retry-after'] = String(action.retryAfterSeconds);
    if (action.status === 429) {
      return {
        status: 429,
        headers,
        body: { code: 'TooManyRequests', message: 'Too many requests. Please retry after the Retry-After interval.' },
      };
    }
    if (action.status === 500) {
      return { status: 500, headers, body: { code: 'ConnectWiseApi', message: 'An error has occurred.' } };
    }
    // 502-504 come from the proxy in front of Manage, as an HTML page rather than JSON.
    const reason = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[action.status] ?? 'Error';
    return {
      status: action.status,
      headers,
      bytes: Buffer.from(`<html><head><title>${action.status} ${reason}</title></head><body><h1>${action.status} ${reason}</h1></body></html>`),
      contentType: 'text/html; charset=utf-8',
    };
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();
    const lowerPath = pathname.toLowerCase();
    const apiPrefix = API_PREFIX.toLowerCase();
    const area =
      lowerPath === apiPrefix || lowerPath.startsWith(`${apiPrefix}/`)
        ? 'api'
        : lowerPath.startsWith('/login/')
          ? 'login'
          : lowerPath.startsWith('/__sim/')
            ? 'admin'
            : lowerPath.startsWith(CALLBACK_KEY_PATH.toLowerCase())
              ? 'keys'
              : lowerPath === UI_LINK_PATH
                ? 'ui'
                : 'other';
    const path = area === 'api' ? pathname.slice(API_PREFIX.length) || '/' : pathname;
    const contentType = headerOf(req, 'content-type') ?? null;
    const accept = headerOf(req, 'accept') ?? '';
    const version = VERSION_IN_ACCEPT.exec(accept)?.[1] ?? DEFAULT_API_VERSION;
    const manageType = `application/vnd.connectwise.com+json; version=${version}; charset=utf-8`;

    const record = log.add({
      at: new Date().toISOString(),
      method,
      path,
      query: queryRecord(query),
      headers: redactHeaders(req.headers),
      contentType,
      body: null,
      status: 0,
      fault: null,
    });

    let raw: Buffer = Buffer.alloc(0);
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const limit = contentType && MULTIPART_TYPE.test(contentType) ? MAX_MULTIPART_BODY_BYTES : MAX_JSON_BODY_BYTES;
      try {
        raw = await readBody(req, limit);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          send(res, record, errorResult(new ManageApiError(413, 'RequestEntityTooLarge', 'The request body is too large.')), manageType);
          res.once('finish', () => req.socket.destroy());
          return;
        }
        return; // the client went away while sending
      }
    }

    let json: unknown = null;
    let jsonError = false;
    let multipart: MultipartBody | null = null;
    // Admin endpoints take JSON whatever the content type says (curl -d sends form type).
    if (raw.length > 0 && ((contentType && JSON_TYPE.test(contentType)) || area === 'admin')) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        jsonError = true;
      }
      record.body = jsonError ? null : json;
    } else if (raw.length > 0 && contentType && MULTIPART_TYPE.test(contentType)) {
      try {
        multipart = await parseMultipart(contentType, raw);
        record.body = {
          fields: multipart.fields,
          files: multipart.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.bytes.length })),
        };
      } catch {
        multipart = null;
      }
    }

    if (area === 'admin') {
      send(res, record, await handleAdmin(method, lowerPath, json, jsonError, query), 'application/json; charset=utf-8');
      return;
    }
    if (area === 'ui') {
      const link = handleUiLink(store, method, query, deskbellUrl);
      const result: RouteResult =
        link.html === null
          ? { status: link.status, headers: link.headers }
          : { status: link.status, headers: link.headers, bytes: Buffer.from(link.html), contentType: 'text/html; charset=utf-8' };
      send(res, record, result, manageType);
      return;
    }

    const plan = area === 'api' || area === 'login' || area === 'keys' ? faults.plan(method, path) : null;
    if (plan?.label) record.fault = plan.label;
    if (plan && plan.latencyMs > 0) {
      try {
        await sleep(plan.latencyMs, undefined, { signal: shutdown.signal });
      } catch {
        return; // the simulator is closing
      }
    }
    const action = plan?.action ?? null;
    if (action?.kind === 'reset') {
      resetSocket(req);
      return;
    }
    if (action?.kind === 'hang') return; // never answer; close() or the client ends the socket
    if (action?.kind === 'status') {
      send(res, record, faultResult(action), manageType);
      return;
    }

    let result: RouteResult;
    if (area === 'login') {
      result = handleLogin(pathname);
    } else if (area === 'keys') {
      result = handleCallbackKey(method, pathname);
    } else if (area === 'api') {
      result = await handleApi(req, method, path, query, json, jsonError, multipart, contentType);
    } else {
      result = errorResult(new ManageApiError(404, 'NotFound', `No resource at ${pathname}`));
    }
    if (action?.kind === 'commit-then-timeout') {
      // The write happened; the answer is lost, like a Manage timeout after commit.
      record.status = 0;
      return;
    }
    send(res, record, result, area === 'login' || area === 'keys' ? 'application/json; charset=utf-8' : manageType);
  }

  /** GET key_url: `{"signing_key": "..."}` for a current or rotated-out key id, no auth. */
  function handleCallbackKey(method: string, pathname: string): RouteResult {
    if (method !== 'GET') {
      return { status: 405, headers: { allow: 'GET' }, body: { code: 'MethodNotAllowed', message: `The requested resource does not support http method '${method}'.` } };
    }
    let keyId = '';
    try {
      keyId = decodeURIComponent(pathname.slice(CALLBACK_KEY_PATH.length).replace(/\/$/, ''));
    } catch {
      keyId = '';
    }
    const key = keyId === '' ? undefined : callbacks?.keyById(keyId);
    if (key === undefined) return errorResult(new ManageApiError(404, 'NotFound', 'Callback key not found'));
    return { status: 200, body: { signing_key: key } };
  }

  function handleLogin(pathname: string): RouteResult {
    const match = LOGIN_COMPANY_INFO.exec(pathname);
    let companyId = '';
    try {
      companyId = decodeURIComponent(match?.[1] ?? '');
    } catch {
      companyId = '';
    }
    if (!match || companyId.toLowerCase() !== credentials.companyId.toLowerCase()) {
      // Unverified: what Manage answers for an unknown company id.
      return errorResult(new ManageApiError(404, 'NotFound', 'Company not found'));
    }
    return {
      status: 200,
      body: {
        CompanyName: store.settings.companyName,
        Codebase: `${CODEBASE}/`,
        VersionCode: `v${DEFAULT_API_VERSION}`,
        VersionNumber: VERSION_NUMBER,
        CompanyID: credentials.companyId,
        IsCloud: false,
      },
    };
  }

  async function handleApi(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    json: unknown,
    jsonError: boolean,
    multipart: MultipartBody | null,
    contentType: string | null,
  ): Promise<RouteResult> {
    if (!ctx) throw new Error('simulator not started');
    try {
      const member = authenticate(ctx, req.headers);
      const match = matchRoute(method, path);
      if (match.kind === 'not-found') throw new ManageApiError(404, 'NotFound', `No resource at ${path}`);
      if (match.kind === 'method-not-allowed') {
        throw new ManageApiError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`, [], {
          allow: match.allowed.join(', '),
        });
      }
      const route = match.route;
      permissions.check(method, route.path, deniedByRole(member));
      if (route.body === 'json') {
        if (!contentType || !JSON_TYPE.test(contentType)) {
          throw new ManageApiError(415, 'UnsupportedMediaType', `The request entity's media type '${contentType ?? ''}' is not supported for this resource.`);
        }
        if (jsonError) throw new ManageApiError(400, 'InvalidObject', 'The request body is not valid JSON.');
      }
      if (route.body === 'multipart') {
        if (!contentType || !MULTIPART_TYPE.test(contentType)) {
          throw new ManageApiError(415, 'UnsupportedMediaType', `The request entity's media type '${contentType ?? ''}' is not supported for this resource; send multipart/form-data.`);
        }
        if (!multipart) throw new ManageApiError(400, 'InvalidObject', 'The multipart/form-data body could not be parsed.');
      }
      const hostHeader = headerOf(req, 'host');
      const routeRequest: RouteRequest = {
        method,
        path,
        params: match.params,
        query,
        headers: req.headers,
        body: route.body === 'json' ? json : null,
        multipart: route.body === 'multipart' ? multipart : null,
        member,
        origin: hostHeader && SAFE_HOST.test(hostHeader) ? `http://${hostHeader}` : url,
        forwardOnly: (headerOf(req, 'pagination-type') ?? '').toLowerCase() === 'forward-only',
      };
      // The ticket as it was, for a delete's callback (board-level matching).
      const ticketParam = route.path.startsWith('/service/tickets/') ? parseId(match.params.id ?? match.params.parentId) : null;
      const before: SimTicket | undefined = ticketParam === null ? undefined : ctx.store.tickets.get(ticketParam);
      const result = await route.handler(ctx, routeRequest);
      // Fires the ticket callbacks (deliveries run in the background; this answer is not delayed).
      try {
        callbacks?.afterApiCall(method, route.path, match.params, routeRequest.body, result, member, before);
      } catch (error) {
        console.error('[manage-sim] callback emission failed', error); // never fails the write itself
      }
      return result;
    } catch (error) {
      if (error instanceof ManageApiError) return errorResult(error);
      console.error('[manage-sim] handler error', error);
      return errorResult(new ManageApiError(500, 'ConnectWiseApi', 'An error has occurred.'));
    }
  }

  function counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, value] of Object.entries(store)) if (value instanceof SimCollection) out[name] = value.size;
    return out;
  }

  async function handleAdmin(
    method: string,
    lowerPath: string,
    json: unknown,
    jsonError: boolean,
    query: URLSearchParams,
  ): Promise<RouteResult> {
    const route = `${method} ${lowerPath.replace(/\/$/, '')}`;
    const invalid = (message: string) => ({ status: 400, body: { code: 'InvalidObject', message } });
    if (!ctx || !callbacks) throw new Error('simulator not started');
    const technician = handleTechnicianAdmin(ctx, method, lowerPath.replace(/\/$/, ''), json, jsonError, query);
    if (technician) {
      if (technician.change) callbacks.emit(technician.change);
      return technician.result;
    }
    const disable = CALLBACK_ADMIN_DISABLE.exec(lowerPath.replace(/\/$/, ''));
    if (disable) {
      if (method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: { code: 'MethodNotAllowed', message: 'Use POST' } };
      const id = Number(disable[1]);
      if (!callbacks.disable(id)) return { status: 404, body: { code: 'NotFound', message: `Callback ${id} not found` } };
      return { status: 200, body: store.callbacks.get(id) };
    }
    switch (route) {
      case 'GET /__sim/callbacks':
        return {
          status: 200,
          body: { enabled: callbacks.isEnabled(), keyUrl: callbacks.keyUrl(), pending: callbacks.pendingCount(), callbacks: callbacks.status() },
        };
      case 'PUT /__sim/callbacks/enabled': {
        if (jsonError) return invalid('The body is not valid JSON.');
        const parsed = callbacksEnabledBodySchema.safeParse(json);
        if (!parsed.success) return invalid('Body must be {"enabled": true | false}.');
        callbacks.setEnabled(parsed.data.enabled);
        return { status: 200, body: { enabled: callbacks.isEnabled() } };
      }
      case 'GET /__sim/callbacks/deliveries':
        return { status: 200, body: callbacks.deliveryLog() };
      case 'DELETE /__sim/callbacks/deliveries':
        callbacks.clearDeliveries();
        return { status: 204 };
      case 'POST /__sim/callbacks/flush':
        await callbacks.flush();
        return { status: 200, body: { pending: callbacks.pendingCount(), deliveries: callbacks.deliveryLog().length } };
      case 'POST /__sim/callbacks/redeliver': {
        if (jsonError) return invalid('The body is not valid JSON.');
        const parsed = redeliverBodySchema.safeParse(json);
        if (!parsed.success) return invalid('Body must be {"messageId": "<MessageId of a delivered callback>"}.');
        try {
          return { status: 200, body: await callbacks.redeliver(parsed.data.messageId) };
        } catch (error) {
          if (error instanceof UnknownCallbackMessage) return { status: 404, body: { code: 'NotFound', message: error.message } };
          throw error;
        }
      }
      case 'POST /__sim/callbacks/rotate-key':
        return { status: 200, body: callbacks.rotateKey() };
      case 'GET /__sim/requests':
        return { status: 200, body: log.list() };
      case 'DELETE /__sim/requests':
        log.clear();
        return { status: 204 };
      case 'GET /__sim/faults':
        return { status: 200, body: faults.describe() };
      case 'PUT /__sim/faults': {
        if (jsonError) return invalid('The body is not valid JSON.');
        const parsed = faultRulesSchema.safeParse(json);
        if (!parsed.success) return invalid(`Invalid fault rules: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        faults.set(parsed.data as SimFaultRule[]);
        return { status: 200, body: faults.describe() };
      }
      case 'DELETE /__sim/faults':
        faults.clear();
        return { status: 204 };
      case 'GET /__sim/permissions':
        return { status: 200, body: permissions.describe() };
      case 'PUT /__sim/permissions': {
        if (jsonError) return invalid('The body is not valid JSON.');
        const parsed = permissionSettingsSchema.safeParse(json);
        if (!parsed.success) return invalid(`Invalid permissions: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        permissions.set(parsed.data as SimPermissionSettings);
        return { status: 200, body: permissions.describe() };
      }
      case 'DELETE /__sim/permissions':
        permissions.clear();
        return { status: 204 };
      case 'POST /__sim/reset': {
        if (jsonError) return invalid('The body is not valid JSON.');
        const parsed = resetBodySchema.safeParse(json ?? {});
        if (!parsed.success) return invalid("Body must be {} or {\"seed\": \"demo\" | \"empty\"}.");
        reset(parsed.data.seed ?? 'demo');
        return { status: 200, body: counts() };
      }
      case 'GET /__sim/state':
        return { status: 200, body: counts() };
      default:
        return { status: 404, body: { code: 'NotFound', message: `No simulator admin endpoint ${route}` } };
    }
  }

  function reset(seed: SeedName = options.seed ?? 'demo'): void {
    if (!ctx) throw new Error('simulator not started');
    clearStore(store);
    seedStore(ctx, seed);
    callbacks?.reset();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  const baseUrl = `${url}${API_PREFIX}`;
  ctx = { store, refs: createRefs(baseUrl), baseUrl, credentials, pageSizeMax, changeTime: createChangeClock(), permissions };
  const emitter = new CallbackEmitter({
    store,
    origin: url,
    keyPath: CALLBACK_KEY_PATH,
    companyId: credentials.companyId,
    retryDelaysMs,
    timeoutMs: callbackTimeoutMs,
    enabled: options.callbacksEnabled ?? true,
  });
  callbacks = emitter;
  reset(options.seed ?? 'demo');

  let closing: Promise<void> | null = null;
  return {
    url,
    baseUrl,
    endpoint: `${hostForUrl}:${address.port}/${CODEBASE}`,
    credentials,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    setDeskbellUrl: (value) => {
      deskbellUrl = normaliseDeskbellUrl(value);
    },
    setFaults: (rules) => faults.set(rules),
    clearFaults: () => faults.clear(),
    setPermissions: (settings) => permissions.set(settings),
    clearPermissions: () => permissions.clear(),
    permissions: () => permissions.describe(),
    store,
    signingKey: () => emitter.signingKey(),
    keyUrl: () => emitter.keyUrl(),
    rotateCallbackKey: () => emitter.rotateKey(),
    callbackDeliveries: () => emitter.deliveryLog(),
    flushCallbacks: () => emitter.flush(),
    redeliverCallback: (messageId) => emitter.redeliver(messageId),
    setCallbacksEnabled: (enabled) => emitter.setEnabled(enabled),
    reset,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        // In-flight callback POSTs are aborted, not awaited.
        const emitterClosed = emitter.close();
        server.close(() => {
          emitterClosed.then(() => resolve(), () => resolve());
        });
        // Hung requests and keep-alive connections would otherwise hold close() open.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
