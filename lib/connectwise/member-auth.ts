import 'server-only';
import { Agent, request } from 'undici';
import { z } from 'zod';
import { isLoopbackHost } from './hosts';

/**
 * Proving a Manage member from what a hosted pod got through getMemberAuthentication, by
 * calling the Manage API as that member. The accepted forms of a member session differ
 * between Manage versions and are not documented (see the reference, "Hosted API"), so every
 * form lives here and nowhere else:
 *  - with memberContext: cookies `companyName=<companyId>; memberId; memberHash; memberContext`
 *    (Manage is reported to refuse the cookie form without memberContext);
 *  - without: Basic `base64(companyId+memberId:memberHash)`.
 * Both carry the install's clientId and the pinned Accept version, like lib/connectwise/client.
 * The company id always comes from this install's settings, never from the browser.
 */

export type MemberAuthTarget = {
  /** The API base, e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0. */
  baseUrl: string;
  clientId: string;
  /** The install's Manage company id (from its saved connection). */
  companyId: string;
  apiVersion: string;
  timeouts: { connectMs?: number; headersMs?: number; bodyMs?: number };
};

export type MemberSessionAuth = { memberId: string; memberHash: string; memberContext?: string };

export type VerifiedMember = { id: number; identifier: string; firstName: string; lastName: string };

export type MemberVerification =
  | { ok: true; member: VerifiedMember }
  | { ok: false; reason: 'rejected' | 'mismatch' | 'unavailable' };

/** memberCanRead could not get an answer: 'rejected' when Manage no longer accepts the session. */
export class MemberAuthError extends Error {
  constructor(
    readonly reason: 'rejected' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'MemberAuthError';
  }
}

/** Records a member may be asked about: a service ticket or a company, by numeric id. */
/** RFC 6265 cookie-octets: a value with `;`, `,`, spaces or quotes could smuggle in another cookie. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;
/** `+` and `:` would move the boundaries of `companyId+memberId:memberHash`. */
const BASIC_MEMBER_ID = /^[^+:\s]+$/;
const MAX_BODY_BYTES = 256 * 1024;

const memberInfoSchema = z.object({
  id: z.number().int(),
  identifier: z.string().min(1),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
});

const errorBodySchema = z.object({ code: z.string().nullish(), message: z.string().nullish() });

const agents = new Map<number, Agent>();

/** One keep-alive pool per connect timeout (in practice one): pods ask on every token renewal. */
function agentFor(connectMs: number): Agent {
  let agent = agents.get(connectMs);
  if (!agent) {
    agent = new Agent({ connect: { timeout: connectMs }, connections: 8 });
    agents.set(connectMs, agent);
  }
  return agent;
}

type MemberResponse = { status: number; body: string };

function isUsableBase(baseUrl: string): URL | null {
  if (!URL.canParse(baseUrl)) return null;
  const url = new URL(baseUrl);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url;
  return null;
}

/** Headers for one call as the member, or null when the values cannot be sent safely (not proven). */
function memberHeaders(target: MemberAuthTarget, auth: MemberSessionAuth): Record<string, string> | null {
  const headers: Record<string, string> = {
    clientId: target.clientId,
    accept: `application/vnd.connectwise.com+json; version=${target.apiVersion}`,
  };
  const context = auth.memberContext;
  if (context !== undefined && context !== '') {
    const values = [target.companyId, auth.memberId, auth.memberHash, context];
    if (!values.every((v) => COOKIE_VALUE.test(v))) return null;
    headers.cookie = `companyName=${target.companyId}; memberId=${auth.memberId}; memberHash=${auth.memberHash}; memberContext=${context}`;
  } else {
    if (!BASIC_MEMBER_ID.test(auth.memberId) || auth.memberHash === '' || /[\r\n]/.test(auth.memberHash)) return null;
    headers.authorization = `Basic ${Buffer.from(`${target.companyId}+${auth.memberId}:${auth.memberHash}`, 'utf8').toString('base64')}`;
  }
  return headers;
}

async function readCapped(body: AsyncIterable<Uint8Array> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      body.destroy?.();
      throw new Error('response too large');
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One GET as the member. Throws only for transport failures (timeouts, resets, refused). */
async function getAsMember(target: MemberAuthTarget, headers: Record<string, string>, path: string, base: URL): Promise<MemberResponse> {
  const url = `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
  const res = await request(url, {
    method: 'GET',
    headers,
    dispatcher: agentFor(target.timeouts.connectMs ?? 5_000),
    headersTimeout: target.timeouts.headersMs ?? 15_000,
    bodyTimeout: target.timeouts.bodyMs ?? 30_000,
    // undici follows no redirect without its interceptor: the hash never goes to another host.
  });
  return { status: res.statusCode, body: await readCapped(res.body) };
}

/** A 401 caused by the install's clientId says nothing about the member: treat it as Manage being unusable. */
function isClientIdProblem(body: string): boolean {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return false;
    return parsed.data.code === 'InvalidClientId' || /\bclient\s*id\b/i.test(parsed.data.message ?? '');
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  // Transport errors only: never the headers, which hold the member's hash.
  if (error instanceof Error) return `${error.name}${'code' in error && typeof error.code === 'string' ? ` ${error.code}` : ''}`;
  return 'unknown error';
}

/**
 * GET /system/myMembers/info as the member. 401 (and any refusal but a rate limit) means the
 * hash does not prove anyone; a 200 must name the member that was claimed (case-insensitively),
 * or one member's hash could be presented under a colleague's id. Timeouts, 5xx, 429 and
 * network failures are 'unavailable': the caller fails closed and must not cache that.
 */
export async function verifyMemberSession(target: MemberAuthTarget, auth: MemberSessionAuth): Promise<MemberVerification> {
  const base = isUsableBase(target.baseUrl);
  if (!base || target.companyId === '' || target.clientId === '') return { ok: false, reason: 'unavailable' };
  const headers = memberHeaders(target, auth);
  if (!headers) return { ok: false, reason: 'rejected' };
  let res: MemberResponse;
  try {
    res = await getAsMember(target, headers, '/system/myMembers/info', base);
  } catch (error) {
    console.warn(`[pod] Manage did not answer the member check: ${describe(error)}`);
    return { ok: false, reason: 'unavailable' };
  }
  if (res.status === 401) {
    if (isClientIdProblem(res.body)) {
      console.warn('[pod] Manage refused the clientId on the member check: check the clientId in the Manage settings');
      return { ok: false, reason: 'unavailable' };
    }
    return { ok: false, reason: 'rejected' };
  }
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    console.warn(`[pod] Manage answered ${res.status} to the member check`);
    return { ok: false, reason: 'unavailable' };
  }
  if (res.status < 200 || res.status >= 300) return { ok: false, reason: 'rejected' };
  let info: z.infer<typeof memberInfoSchema>;
  try {
    const parsed = memberInfoSchema.safeParse(JSON.parse(res.body));
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
    info = parsed.data;
  } catch (error) {
    console.warn(`[pod] Manage's member info is not what Deskbell expects (${error instanceof Error ? error.message : 'unreadable'})`);
    return { ok: false, reason: 'unavailable' };
  }
  if (info.identifier.toLowerCase() !== auth.memberId.toLowerCase()) return { ok: false, reason: 'mismatch' };
  return {
    ok: true,
    member: { id: info.id, identifier: info.identifier, firstName: info.firstName ?? '', lastName: info.lastName ?? '' },
  };
}

/** What Manage said when the member asked for the record: theirs to read, refused, or not there. */
export type MemberReadAccess = 'allowed' | 'forbidden' | 'not_found';

/** A record a pod opens on: a ticket or a company, by its Manage id. */
export type MemberReadTarget = { kind: 'ticket' | 'company'; id: number };

const READ_PATHS: Record<MemberReadTarget['kind'], string> = { ticket: '/service/tickets', company: '/company/companies' };

/**
 * Whether the member's own security role lets them read a ticket or a company: 200
 * 'allowed', 403 'forbidden', 404 'not_found' (no such record, or one outside the member's
 * reach: Manage says "not found" for both, and so does this). Anything else throws
 * MemberAuthError: 401 'rejected' (the session ended), the rest 'unavailable'.
 */
export async function memberCanRead(target: MemberAuthTarget, auth: MemberSessionAuth, record: MemberReadTarget): Promise<MemberReadAccess> {
  if (!Number.isSafeInteger(record.id) || record.id <= 0 || !Object.hasOwn(READ_PATHS, record.kind)) {
    throw new TypeError(`memberCanRead checks a ticket or a company by its id, not ${record.kind} ${record.id}`);
  }
  const path = `${READ_PATHS[record.kind]}/${record.id}`;
  const base = isUsableBase(target.baseUrl);
  if (!base) throw new MemberAuthError('unavailable', 'The Manage base URL is not usable.');
  const headers = memberHeaders(target, auth);
  if (!headers) throw new MemberAuthError('rejected', 'The member session cannot be sent to Manage.');
  let res: MemberResponse;
  try {
    // Only the id: whether the member may read it is the question, not what it says.
    res = await getAsMember(target, headers, `${path}?fields=id`, base);
  } catch (error) {
    console.warn(`[pod] Manage did not answer the read check: ${describe(error)}`);
    throw new MemberAuthError('unavailable', 'Manage did not answer.');
  }
  if (res.status >= 200 && res.status < 300) return 'allowed';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404) return 'not_found';
  if (res.status === 401 && !isClientIdProblem(res.body)) throw new MemberAuthError('rejected', 'Manage no longer accepts the member session.');
  console.warn(`[pod] Manage answered ${res.status} to the read check`);
  throw new MemberAuthError('unavailable', `Manage answered ${res.status}.`);
}

/** Host (and port, when one is given) of what Manage calls its site: `na.myconnectwise.net`, maybe with a scheme or path. */
function siteHost(site: string): { hostname: string; port: string } | null {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(site) ? site : `https://${site}`;
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  return { hostname: url.hostname.toLowerCase(), port: url.port };
}

/**
 * Whether the site Manage reports (in the Hosted API's member authentication) is the Manage
 * behind this API base URL: its API host or its web UI host (the API host without `api-`, as
 * on ConnectWise cloud). A port, when the site names one, must match too.
 */
export function isManageSiteOf(site: string, baseUrl: string): boolean {
  const given = siteHost(site);
  if (!given || !URL.canParse(baseUrl)) return false;
  const api = new URL(baseUrl);
  const apiHost = api.hostname.toLowerCase();
  const hosts = new Set([apiHost, apiHost.startsWith('api-') ? apiHost.slice(4) : apiHost]);
  if (!hosts.has(given.hostname)) return false;
  return given.port === '' || given.port === api.port;
}
