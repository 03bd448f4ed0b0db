import 'server-only';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { ManageClientOptions } from './client';
import { ManageError, toTransportError } from './errors';
import { isCloudHost, isLoopbackHost } from './hosts';

/**
 * Parses what admins type (endpoint `host/v4_6_release`, key `Companyid+publickey:privatekey`,
 * clientId). Every malformed form gets its own code and a message that says how to fix it.
 * Messages may quote the company id and public key, never the private key or the clientId.
 */

export type CredentialProblem = { field: 'endpoint' | 'apiKey' | 'clientId'; code: string; message: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: CredentialProblem };

export type ManageEndpoint = {
  scheme: 'https' | 'http';
  /** API host, including `:port` when not the default. */
  host: string;
  /** Host of Manage's web UI and of /login/companyinfo: the API host without `api-`. */
  uiHost: string;
  /** Always ends with '/', e.g. 'v4_6_release/'. */
  codebase: string;
  baseUrl: string;
  isCloud: boolean;
};

export type ManageApiKey = { companyId: string; publicKey: string; privateKey: string };

export type ManageCompanyInfo = {
  companyName: string;
  codebase: string;
  versionCode: string;
  versionNumber: string;
  companyId: string;
  isCloud: boolean;
};

/** The seed says the API codebase segment is always this one when admins leave it out. */
const defaultCodebase = 'v4_6_release/';
const cloudUiHosts = new Set(['na', 'eu', 'au', 'aus', 'za']);

function fail(field: CredentialProblem['field'], code: string, message: string): { ok: false; problem: CredentialProblem } {
  return { ok: false, problem: { field, code, message } };
}

export function parseManageEndpoint(input: string): Parsed<ManageEndpoint> {
  const text = input.trim();
  if (text === '') {
    return fail('endpoint', 'EndpointEmpty', 'Enter the Manage endpoint, for example yourconnectwiseinstance.com/v4_6_release.');
  }
  if (/\s/.test(text)) {
    return fail('endpoint', 'EndpointWhitespace', 'The Manage endpoint contains a space or line break; enter it as host/v4_6_release.');
  }
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  const typedScheme = schemeMatch?.[1]?.toLowerCase();
  if (typedScheme !== undefined && typedScheme !== 'https' && typedScheme !== 'http') {
    return fail('endpoint', 'EndpointSchemeUnsupported', `The Manage endpoint must use https:// (got ${typedScheme}://).`);
  }
  let url: URL;
  try {
    url = new URL(schemeMatch ? text : `https://${text}`);
  } catch {
    return fail('endpoint', 'EndpointInvalid', 'The Manage endpoint is not a valid address; enter it as host/v4_6_release.');
  }
  if (url.username !== '' || url.password !== '') {
    return fail('endpoint', 'EndpointHasCredentials', 'The Manage endpoint must not contain a user name or password; the API key goes in its own field.');
  }
  if (url.search !== '' || url.hash !== '') {
    return fail('endpoint', 'EndpointHasQuery', 'The Manage endpoint must not contain "?" or "#"; enter only host/v4_6_release (not a link copied from a Manage screen).');
  }
  if (url.hostname === '') {
    return fail('endpoint', 'EndpointInvalid', 'The Manage endpoint has no host name; enter it as host/v4_6_release.');
  }
  const loopback = isLoopbackHost(url.hostname);
  // Without a scheme: HTTPS, except on loopback, where only the plain-HTTP simulator runs
  // (`127.0.0.1:8123/v4_6_release` is what the simulator tells admins to type).
  const scheme: 'https' | 'http' = typedScheme === 'http' || (typedScheme === undefined && loopback) ? 'http' : 'https';
  if (scheme === 'http' && !loopback) {
    return fail(
      'endpoint',
      'EndpointInsecureHttp',
      `Manage is reached over HTTPS only: http://${url.host} would send the API key unencrypted. Use https:// or leave the scheme out (http:// is accepted only for a local simulator on 127.0.0.1, localhost or [::1]).`,
    );
  }

  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length >= 2 && segments.at(-2)?.toLowerCase() === 'apis' && segments.at(-1) === '3.0') {
    segments.splice(-2, 2);
  }
  if (segments.length > 1) {
    return fail(
      'endpoint',
      'EndpointPathUnexpected',
      `The Manage endpoint has an unexpected path "/${segments.join('/')}"; enter only host/v4_6_release (optionally followed by /apis/3.0).`,
    );
  }
  const codebaseSegment = segments[0];
  if (codebaseSegment !== undefined && !/^[A-Za-z0-9_.-]+$/.test(codebaseSegment)) {
    return fail('endpoint', 'EndpointCodebaseInvalid', `"${codebaseSegment}" is not a Manage codebase; it looks like v4_6_release.`);
  }
  const codebase = codebaseSegment === undefined ? defaultCodebase : `${codebaseSegment}/`;

  const hostname = url.hostname.toLowerCase();
  const port = url.port === '' ? '' : `:${url.port}`;
  const region = hostname.endsWith('.myconnectwise.net') ? hostname.slice(0, -'.myconnectwise.net'.length) : null;
  // Cloud UI hosts serve the web app; their API lives on the api- host of the same region.
  const apiHostname = region !== null && cloudUiHosts.has(region) ? `api-${hostname}` : hostname;
  const uiHostname = apiHostname.startsWith('api-') ? apiHostname.slice(4) : apiHostname;
  const host = `${apiHostname}${port}`;
  return {
    ok: true,
    value: {
      scheme,
      host,
      uiHost: `${uiHostname}${port}`,
      codebase,
      baseUrl: manageApiBaseUrl({ scheme, host }, codebase),
      isCloud: isCloudHost(apiHostname),
    },
  };
}

/** The REST API's base URL on an endpoint's API host, for a codebase (`v4_6_release/`, the one companyinfo names). */
export function manageApiBaseUrl(endpoint: Pick<ManageEndpoint, 'scheme' | 'host'>, codebase: string): string {
  return `${endpoint.scheme}://${endpoint.host}/${codebase}apis/3.0`;
}

function describeWhitespace(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\t') return 'a tab';
  if (ch === '\n' || ch === '\r') return 'a line break';
  return `an invisible space (U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')})`;
}

const keyFormat = 'The API key format is Companyid+publickey:privatekey';

export function parseManageApiKey(input: string): Parsed<ManageApiKey> {
  if (input.trim() === '') {
    return fail('apiKey', 'ApiKeyEmpty', `Enter the API key. ${keyFormat}.`);
  }
  const plus = input.indexOf('+');
  const colon = input.indexOf(':');
  const ws = /\s/.exec(input);
  if (ws) {
    const at = ws.index;
    const part =
      plus >= 0 && at < plus ? 'in the company id'
      : colon >= 0 && at > colon ? 'in the private key'
      : plus >= 0 && at > plus ? 'in the public key'
      : 'in the key';
    const where = at === 0 ? 'at the start' : at === input.length - 1 ? 'at the end' : `at character ${at + 1}`;
    return fail(
      'apiKey',
      'ApiKeyWhitespace',
      `The API key contains ${describeWhitespace(ws[0])} ${where} (${part}). Copy it again without spaces or line breaks. ${keyFormat}.`,
    );
  }
  if (plus < 0) {
    return fail('apiKey', 'ApiKeyMissingPlus', `The API key has no "+" between the company id and the public key. ${keyFormat}.`);
  }
  if (colon < 0) {
    return fail('apiKey', 'ApiKeyMissingColon', `The API key has no ":" between the public key and the private key. ${keyFormat}.`);
  }
  if (colon < plus) {
    return fail(
      'apiKey',
      'ApiKeyColonBeforePlus',
      `The API key has its ":" before its "+": the company id comes first, then "+", the public key, ":" and the private key. ${keyFormat}.`,
    );
  }
  const companyId = input.slice(0, plus);
  const publicKey = input.slice(plus + 1, colon);
  const privateKey = input.slice(colon + 1);
  if (input.indexOf('+', plus + 1) >= 0) {
    // Only the part before the first ":" is quoted: a stray "+" may sit inside the private key.
    return fail(
      'apiKey',
      'ApiKeyMultiplePlus',
      `The API key contains more than one "+"; it must contain exactly one, between the company id and the public key. ${keyFormat}.`,
    );
  }
  if (privateKey.includes(':')) {
    return fail(
      'apiKey',
      'ApiKeyMultipleColons',
      `The API key contains more than one ":"; it must contain exactly one, between the public key and the private key. ${keyFormat}.`,
    );
  }
  if (companyId === '') {
    return fail('apiKey', 'ApiKeyCompanyIdEmpty', `The API key has no company id before the "+" (the company id is what you type on Manage's login screen). ${keyFormat}.`);
  }
  if (publicKey === '') {
    return fail('apiKey', 'ApiKeyPublicKeyEmpty', `The API key for company "${companyId}" has no public key between the "+" and the ":". ${keyFormat}.`);
  }
  if (privateKey === '') {
    return fail(
      'apiKey',
      'ApiKeyPrivateKeyEmpty',
      `The API key for company "${companyId}" with public key "${publicKey}" has no private key after the ":". ${keyFormat}.`,
    );
  }
  return { ok: true, value: { companyId, publicKey, privateKey } };
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseClientId(input: string): Parsed<string> {
  const value = input.trim();
  if (value === '') {
    return fail(
      'clientId',
      'ClientIdEmpty',
      'Enter the clientId: it is required on every API call to Manage. Register Deskbell at developer.connectwise.com to get one.',
    );
  }
  if (!guidPattern.test(value)) {
    return fail(
      'clientId',
      'ClientIdNotGuid',
      'The clientId must be a GUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427 (as shown at developer.connectwise.com), not the API key or a name.',
    );
  }
  return { ok: true, value };
}

const companyInfoSchema = z.object({
  CompanyName: z.string().nullish(),
  Codebase: z.string().regex(/^[A-Za-z0-9_.-]+\/?$/),
  VersionCode: z.string().nullish(),
  VersionNumber: z.string().nullish(),
  CompanyID: z.string().nullish(),
  IsCloud: z.boolean().nullish(),
});

/**
 * What Manage's login service said about a company. `unreachable` keeps the raw transport
 * error: the wizard tells DNS from TLS from a refusal by its socket code, which ManageError
 * deliberately does not carry.
 */
export type CompanyInfoAnswer =
  | { kind: 'found'; info: ManageCompanyInfo }
  /** 404: older or locked-down servers answer so for every company. */
  | { kind: 'unknown-company' }
  | { kind: 'unreachable'; error: unknown }
  /** Another status, or a 200 whose body is not company info: probably not a Manage host. */
  | { kind: 'not-company-info'; status: number };

const companyInfoPath = (companyId: string) => `/login/companyinfo/${encodeURIComponent(companyId)}`;

/**
 * Asks Manage (unauthenticated) which codebase and version serve a company. Answers from
 * the UI host; on-premise and loopback that is the API host itself. Never throws for
 * anything Manage or the network does.
 */
export async function askCompanyInfo(
  endpoint: ManageEndpoint,
  companyId: string,
  opts: { connectMs?: number; answerMs?: number } = {},
): Promise<CompanyInfoAnswer> {
  const answerMs = opts.answerMs ?? 5_000;
  const dispatcher = new Agent({ connect: { timeout: opts.connectMs ?? 5_000 }, headersTimeout: answerMs, bodyTimeout: answerMs });
  try {
    let status: number;
    let text: string;
    try {
      const res = await request(`${endpoint.scheme}://${endpoint.uiHost}${companyInfoPath(companyId)}`, {
        method: 'GET',
        dispatcher,
        headers: { accept: 'application/json' },
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      return { kind: 'unreachable', error };
    }
    if (status === 404) return { kind: 'unknown-company' };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = companyInfoSchema.safeParse(json);
    if (status !== 200 || !parsed.success) return { kind: 'not-company-info', status };
    const info = parsed.data;
    return {
      kind: 'found',
      info: {
        companyName: info.CompanyName ?? '',
        codebase: info.Codebase.endsWith('/') ? info.Codebase : `${info.Codebase}/`,
        versionCode: info.VersionCode ?? '',
        versionNumber: info.VersionNumber ?? '',
        companyId: info.CompanyID ?? companyId,
        isCloud: info.IsCloud ?? endpoint.isCloud,
      },
    };
  } finally {
    await dispatcher.close();
  }
}

/** askCompanyInfo for callers that want a ManageError: the company info, or the error saying why not. */
export async function lookupCompanyInfo(
  endpoint: ManageEndpoint,
  companyId: string,
  opts: { timeoutMs?: number } = {},
): Promise<ManageCompanyInfo> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const path = companyInfoPath(companyId);
  const answer = await askCompanyInfo(endpoint, companyId, { connectMs: timeoutMs, answerMs: timeoutMs });
  if (answer.kind === 'found') return answer.info;
  if (answer.kind === 'unreachable') throw toTransportError(answer.error, 'GET', path);
  const status = answer.kind === 'unknown-company' ? 404 : answer.status;
  if (status !== 200) {
    throw new ManageError({
      message: `${endpoint.uiHost} answered ${status} to GET ${path}; company "${companyId}" is unknown there or the host is not a Manage server.`,
      status,
      code: status === 404 ? 'NotFound' : `Http${status}`,
      kind: 'http',
      method: 'GET',
      path,
      retryable: status >= 500,
    });
  }
  throw new ManageError({
    message: `${endpoint.uiHost} answered GET ${path} with something that is not Manage's company info.`,
    status,
    code: 'InvalidResponse',
    kind: 'invalid_response',
    method: 'GET',
    path,
    retryable: false,
  });
}

export type ResolveManageConnectionInput = { endpoint: string; apiKey: string; clientId: string };
export type ResolveManageConnectionOptions = Pick<ManageClientOptions, 'apiVersion' | 'timeouts' | 'retry' | 'onCall'> & {
  companyInfoTimeoutMs?: number;
};

/**
 * Turns the three values an admin typed into client options. The codebase comes from
 * Manage's companyinfo when it answers; a 404 there (older or locked-down servers) keeps
 * the typed codebase. Any other companyinfo failure is reported: the host is probably wrong.
 */
export async function resolveManageConnection(
  input: ResolveManageConnectionInput,
  options: ResolveManageConnectionOptions = {},
): Promise<Parsed<ManageClientOptions>> {
  const endpoint = parseManageEndpoint(input.endpoint);
  if (!endpoint.ok) return endpoint;
  const key = parseManageApiKey(input.apiKey);
  if (!key.ok) return key;
  const clientId = parseClientId(input.clientId);
  if (!clientId.ok) return clientId;

  let codebase = endpoint.value.codebase;
  try {
    const info = await lookupCompanyInfo(endpoint.value, key.value.companyId, { timeoutMs: options.companyInfoTimeoutMs });
    codebase = info.codebase;
  } catch (error) {
    if (!(error instanceof ManageError) || error.status !== 404) {
      const reason = error instanceof ManageError ? error.message : 'an unexpected error';
      return fail('endpoint', 'EndpointUnreachable', `Could not confirm the Manage endpoint: ${reason}`);
    }
  }
  return {
    ok: true,
    value: {
      apiVersion: options.apiVersion,
      timeouts: options.timeouts,
      retry: options.retry,
      onCall: options.onCall,
      baseUrl: manageApiBaseUrl(endpoint.value, codebase),
      companyId: key.value.companyId,
      publicKey: key.value.publicKey,
      privateKey: key.value.privateKey,
      clientId: clientId.value,
    },
  };
}
