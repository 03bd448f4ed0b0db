import 'server-only';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import type { ManageClientOptions } from '@/lib/connectwise/client';
import {
  isManageSiteOf,
  MemberAuthError,
  memberCanRead,
  verifyMemberSession,
  type MemberAuthTarget,
  type MemberSessionAuth,
  type VerifiedMember,
} from '@/lib/connectwise/member-auth';
import { clientIpFromHeaders, UNIDENTIFIED_CLIENT } from '@/lib/auth/login-throttle';
import { serverEnv } from '@/lib/env';
import { describeManageConnection, loadManageConnection } from '@/lib/settings/manage-connection';
import type { DeskbellDatabase } from '@/lib/store/database';
import { requirePodToken, sealPodToken, type PodTokenClaims } from './pod-token';
import type { PodSessionBody } from './request-schemas';
import type { PodSessionGrant } from './types';

/**
 * Turning Manage's member authentication into a pod token. In order: the company id and site
 * must be this install's (no Manage call otherwise); the member is proved by calling Manage as
 * them (a success is remembered for 5 minutes, keyed by a hash of member and hash; failures and
 * timeouts never are); refusals are throttled like admin sign-in (see memberThrottleKeys), so a
 * stranger who knows a member id cannot lock that technician out; finally Manage is asked
 * whether this member may read the ticket or company, as the member, so the pod never shows a
 * press its viewer could not open in Manage.
 * Proofs and refusal counts live in the database (pod_member_proofs, pod_member_failures), so
 * they hold across every Deskbell instance behind a balancer.
 */

const PROOF_TTL_MS = 5 * 60_000;
/** A member session proved once stays "known" this long: the pod's stand-in for a known-device cookie (it has no cookies). */
const KNOWN_SESSION_TTL_MS = 12 * 60 * 60_000;
const FAILURE_LIMIT = 5;
/** One client address across all members, and one member across all clients. */
const CLIENT_FAILURE_LIMIT = 4 * FAILURE_LIMIT;
const MEMBER_CEILING = 10 * FAILURE_LIMIT;
const FAILURE_WINDOW_MS = 5 * 60_000;
const verifiedMemberSchema = z.object({ id: z.number(), identifier: z.string(), firstName: z.string(), lastName: z.string() });

export type PodSessionOptions = {
  now?: () => number;
  ttlSeconds?: number;
  password?: string;
  /**
   * The caller's address as far as TRUST_PROXY says (podClientIp); null when unknown.
   */
  clientIp?: string | null;
};

const REFUSED = 'Manage did not confirm this member session. Reopen the ticket in Manage and try again.';

function unauthorized(message: string): DeskbellApiError {
  return new DeskbellApiError('unauthorized', message);
}

function unavailable(): DeskbellApiError {
  return new DeskbellApiError('service_unavailable', 'Manage could not be reached to confirm who you are. Try again in a moment.');
}

function toTarget(options: ManageClientOptions): MemberAuthTarget {
  return {
    baseUrl: options.baseUrl,
    clientId: options.clientId,
    companyId: options.companyId,
    apiVersion: options.apiVersion ?? '2026.11',
    // No retries here: the pod is waiting, and a failure is not cached, so the next try asks again.
    timeouts: options.timeouts ?? {},
  };
}

function proofKey(target: MemberAuthTarget, auth: MemberSessionAuth): string {
  return createHash('sha256')
    .update([target.baseUrl, target.companyId.toLowerCase(), auth.memberId.toLowerCase(), auth.memberHash].join('\n'), 'utf8')
    .digest('hex');
}

type FailureKey = { key: string; limit: number };

/**
 * What a refused member proof counts against, the shape of admin sign-in's throttle: the
 * (member, client) pair; the client address across all members (when a trusted proxy names
 * it); the member across all clients, with a ten times higher ceiling. A session hash proved
 * before (known) is checked against nothing: only someone who holds a genuine session has one,
 * so a stranger's refusals never block a technician whose session Manage already confirmed.
 */
export function memberThrottleKeys(companyId: string, memberId: string, clientIp: string | null): FailureKey[] {
  const member = `${companyId.toLowerCase()}\n${memberId.toLowerCase()}`;
  const keys: FailureKey[] = [
    { key: `pair\n${member}\n${clientIp ?? UNIDENTIFIED_CLIENT}`, limit: FAILURE_LIMIT },
    { key: `member\n${member}`, limit: MEMBER_CEILING },
  ];
  if (clientIp) keys.push({ key: `client\n${clientIp}`, limit: CLIENT_FAILURE_LIMIT });
  return keys;
}

/** The request's client address, as far as TRUST_PROXY says; null when no proxy is trusted. */
export function podClientIp(request: Request): string | null {
  return clientIpFromHeaders(Object.fromEntries(request.headers), serverEnv().TRUST_PROXY);
}

/** Seconds until the longest lock among the keys ends, or null when none is locked. */
async function throttledFor(db: DeskbellDatabase, keys: FailureKey[], now: number): Promise<number | null> {
  const rows = await db
    .selectFrom('pod_member_failures')
    .select(['key', 'failures', 'window_started_at'])
    .where('key', 'in', keys.map((k) => k.key))
    .where('window_started_at', '>', iso(now - FAILURE_WINDOW_MS))
    .execute();
  let longest: number | null = null;
  for (const { key, limit } of keys) {
    const entry = rows.find((r) => r.key === key);
    if (!entry || entry.failures < limit) continue;
    longest = Math.max(longest ?? 0, Math.max(1, Math.ceil((Date.parse(entry.window_started_at) + FAILURE_WINDOW_MS - now) / 1000)));
  }
  return longest;
}

/**
 * One more refusal for each key, as one atomic upsert per key: instances refusing the same member
 * at once all count. A window that ended starts again at 1.
 */
async function recordFailure(db: DeskbellDatabase, keys: FailureKey[], now: number): Promise<void> {
  const windowOpen = iso(now - FAILURE_WINDOW_MS);
  const started = iso(now);
  await db.deleteFrom('pod_member_failures').where('window_started_at', '<=', windowOpen).execute();
  for (const { key } of keys) {
    await db
      .insertInto('pod_member_failures')
      .values({ key, failures: 1, window_started_at: started })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when pod_member_failures.window_started_at <= ${windowOpen} then 1 else pod_member_failures.failures + 1 end`,
          window_started_at: sql<string>`case when pod_member_failures.window_started_at <= ${windowOpen} then ${started} else pod_member_failures.window_started_at end`,
        }),
      )
      .execute();
  }
}

/** Stored times are ISO-8601 UTC: one fixed format, so comparing the strings compares the times. */
const iso = (ms: number): string => new Date(ms).toISOString();

type StoredProof = { member: VerifiedMember | null; known: boolean };

async function readProof(db: DeskbellDatabase, key: string, now: number): Promise<StoredProof> {
  const row = await db.selectFrom('pod_member_proofs').select(['member', 'proved_until', 'known_until']).where('key', '=', key).executeTakeFirst();
  if (!row || row.known_until <= iso(now)) return { member: null, known: false };
  let member: VerifiedMember | null = null;
  if (row.member !== null && row.proved_until !== null && row.proved_until > iso(now)) {
    const parsed = verifiedMemberSchema.safeParse(JSON.parse(row.member));
    member = parsed.success ? parsed.data : null;
  }
  return { member, known: true };
}

async function rememberProof(db: DeskbellDatabase, key: string, member: VerifiedMember, now: number): Promise<void> {
  await db.deleteFrom('pod_member_proofs').where('known_until', '<=', iso(now)).execute();
  const row = { member: JSON.stringify(member), proved_until: iso(now + PROOF_TTL_MS), known_until: iso(now + KNOWN_SESSION_TTL_MS) };
  await db
    .insertInto('pod_member_proofs')
    .values({ key, ...row })
    .onConflict((oc) => oc.column('key').doUpdateSet(row))
    .execute();
}

/** The session ended since it was proved: prove it afresh next time (it stays "known" for the throttle). */
async function forgetFreshProof(db: DeskbellDatabase, key: string): Promise<void> {
  await db.updateTable('pod_member_proofs').set({ member: null, proved_until: null }).where('key', '=', key).execute();
}

async function proveMember(
  db: DeskbellDatabase,
  target: MemberAuthTarget,
  auth: MemberSessionAuth,
  clientIp: string | null,
  now: () => number,
): Promise<VerifiedMember> {
  const key = proofKey(target, auth);
  const stored = await readProof(db, key, now());
  if (stored.member) return stored.member;

  const known = stored.known;
  const throttleKeys = memberThrottleKeys(target.companyId, auth.memberId, clientIp);
  const retryAfter = known ? null : await throttledFor(db, throttleKeys, now());
  if (retryAfter !== null) {
    throw new DeskbellApiError('rate_limit_exceeded', `Too many failed sign-ins for this member. Try again in ${retryAfter} seconds.`, {
      retryAfterSeconds: retryAfter,
    });
  }

  const result = await verifyMemberSession(target, auth);
  if (!result.ok) {
    if (result.reason === 'unavailable') throw unavailable();
    await db.deleteFrom('pod_member_proofs').where('key', '=', key).execute();
    if (!known) await recordFailure(db, throttleKeys, now());
    throw unauthorized(REFUSED);
  }
  // Only the pair's count: the member ceiling and the address count are not the prover's to clear.
  if (throttleKeys[0]) await db.deleteFrom('pod_member_failures').where('key', '=', throttleKeys[0].key).execute();
  await rememberProof(db, key, result.member, now());
  return result.member;
}

/** POST /api/pod/session: proves the member, checks what they may read, seals the token. */
export async function createPodSession(db: DeskbellDatabase, body: PodSessionBody, options: PodSessionOptions = {}): Promise<PodSessionGrant> {
  const now = options.now ?? Date.now;
  const connection = await loadManageConnection(db);
  if (!connection.configured) {
    throw new DeskbellApiError('service_unavailable', 'Deskbell is not connected to Manage yet, so it cannot confirm who you are.');
  }
  const target = toTarget(connection.options);
  // Both checked before anything reaches Manage: a pod of another company or site gets nothing.
  if (body.auth.companyid.toLowerCase() !== target.companyId.toLowerCase()) {
    throw unauthorized('This pod was opened from another Manage company than the one Deskbell is connected to.');
  }
  if (!isManageSiteOf(body.auth.site, target.baseUrl)) {
    throw unauthorized('This pod was opened from another Manage site than the one Deskbell is connected to.');
  }
  const auth: MemberSessionAuth = {
    memberId: body.auth.memberid,
    memberHash: body.auth.memberHash,
    ...(body.auth.memberContext ? { memberContext: body.auth.memberContext } : {}),
  };
  const clientIp = options.clientIp ?? null;
  const member = await proveMember(db, target, auth, clientIp, now);

  let access: Awaited<ReturnType<typeof memberCanRead>>;
  try {
    access = await memberCanRead(target, auth, { kind: body.screen, id: body.id });
  } catch (error) {
    if (error instanceof MemberAuthError && error.reason === 'rejected') {
      // The session ended since it was proved: prove it afresh next time.
      await forgetFreshProof(db, proofKey(target, auth));
      throw unauthorized(REFUSED);
    }
    if (error instanceof MemberAuthError) throw unavailable();
    throw error;
  }
  // Told apart because the fixes differ: a role to ask for, or a number that is wrong.
  const record = body.screen === 'ticket' ? `ticket #${body.id}` : `company ${body.id}`;
  if (access === 'forbidden') {
    throw new DeskbellApiError('forbidden', `Your Manage security role does not let you open ${record}.`);
  }
  if (access === 'not_found') {
    throw new DeskbellApiError('not_found', `Manage has no ${record} that you can open: it may have been deleted or merged, or the number is wrong.`);
  }

  const name = `${member.firstName} ${member.lastName}`.trim() || member.identifier;
  const scope = { screen: body.screen, id: body.id };
  const sealed = await sealPodToken(
    { member: { id: member.id, identifier: member.identifier, name }, companyId: target.companyId, scope },
    { now, ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}), ...(options.password ? { password: options.password } : {}) },
  );
  return { token: sealed.token, expiresAt: sealed.expiresAt, member: { identifier: member.identifier, name }, scope };
}

/**
 * The claims of a pod request's bearer token, or 401. A token also dies with the connection
 * it was made under: when the install now talks to another Manage company, it is refused.
 */
export async function authorizePodRequest(
  db: DeskbellDatabase,
  request: Request,
  options: Pick<PodSessionOptions, 'now' | 'password'> = {},
): Promise<PodTokenClaims> {
  const claims = await requirePodToken(request, options);
  const connection = await describeManageConnection(db);
  if (!connection || connection.companyId.toLowerCase() !== claims.companyId.toLowerCase()) {
    throw unauthorized('This pod session belongs to another Manage connection: reopen the ticket in Manage.');
  }
  return claims;
}
