/**
 * Manage authentication: the clientId header on every call, then either API member keys
 * (Basic `companyId+publicKey:privateKey`) or a member session as a hosted pod presents it
 * (Basic `companyId+memberIdentifier:memberHash`, or the cookie form with memberContext).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CLIENT_ID_ERROR, UNAUTHORIZED_MESSAGE } from './constants';
import type { SimContext } from './context';
import { ManageApiError } from './errors';
import type { SimMember } from './store';

function unauthorized(): ManageApiError {
  return new ManageApiError(401, 'Unauthorized', UNAUTHORIZED_MESSAGE);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

function memberBySession(ctx: SimContext, memberIdentifier: string, memberHash: string): SimMember | undefined {
  const wanted = memberIdentifier.toLowerCase();
  const member = ctx.store.members.find((m) => m.identifier.toLowerCase() === wanted);
  if (!member || memberHash.length === 0) return undefined;
  const session = ctx.store.memberSessions.find((s) => s.memberId === member.id && s.memberHash === memberHash);
  return session ? member : undefined;
}

/** Returns the member the request acts as, or throws Manage's 401. */
export function authenticate(ctx: SimContext, headers: IncomingHttpHeaders): SimMember {
  const clientId = headerValue(headers, 'clientid');
  if (!clientId || clientId.trim().toLowerCase() !== ctx.credentials.clientId.toLowerCase()) {
    throw new ManageApiError(401, CLIENT_ID_ERROR.code, CLIENT_ID_ERROR.message);
  }
  const companyId = ctx.credentials.companyId.toLowerCase();
  let member: SimMember | undefined;
  const authorization = headerValue(headers, 'authorization');
  if (authorization) {
    const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!match) throw unauthorized();
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const parts = /^([^+:]+)\+([^:]+):(.*)$/s.exec(decoded);
    if (!parts || parts[1]!.toLowerCase() !== companyId) throw unauthorized();
    const [, , user, secret] = parts as unknown as [string, string, string, string];
    if (user === ctx.credentials.publicKey && secret === ctx.credentials.privateKey) {
      member = ctx.store.members.get(ctx.store.settings.apiMemberId);
    } else {
      member = memberBySession(ctx, user, secret);
    }
  } else {
    const cookies = parseCookies(headerValue(headers, 'cookie'));
    const context = cookies.get('membercontext');
    // Manage refuses the cookie form without memberContext.
    if (cookies.get('companyname')?.toLowerCase() === companyId && context && context.length > 0) {
      member = memberBySession(ctx, cookies.get('memberid') ?? '', cookies.get('memberhash') ?? '');
    }
  }
  if (!member || member.inactiveFlag === true) throw unauthorized();
  return member;
}
