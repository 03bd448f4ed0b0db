import 'server-only';
import { createOneAtATime } from './one-at-a-time';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import { listBoards } from '@/lib/connectwise/boards';
import { createCallback, deleteCallback, listCallbacks, updateCallback, type CallbackInput } from '@/lib/connectwise/callbacks';
import type { ManageClient } from '@/lib/connectwise/client';
import { isManageError } from '@/lib/connectwise/errors';
import { isLoopbackHost } from '@/lib/connectwise/hosts';
import type { LookupTables } from '@/lib/connectwise/lookup-cache';
import type { ManageBoard, ManageCallback } from '@/lib/connectwise/types';
import { deskbellPublicUrl } from '@/lib/env';
import { callbackUrlFor, getOrCreateCallbackPathToken } from '@/lib/notifications/callback-path-token';
import { SecretKeyMissingError } from '@/lib/secrets/secret-box';
import { describeManageConnection } from '@/lib/settings/manage-connection';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { loadAppManageContext } from './manage-access';
import { plural } from '@/lib/text/plural';

/**
 * Step 7: Manage's ticket callback, registered from the wizard. The admin picks what Manage
 * reports (every ticket, or the tickets of some boards); syncCallbacks makes Manage's
 * callbacks match that choice and nothing else: it creates what is missing, rewrites ours
 * that drifted (an old path token, disabled by Manage, a changed public URL path), removes
 * duplicates and targets no longer wanted, and never touches a callback that is not ours.
 *
 * The path token in the callback URL is a secret: audit entries, logs and the callback list
 * carry the URL with the token masked. Only the manual-setup box shows the full URL.
 */

export const CALLBACK_REGISTRATION_SETTING = 'callbacks.registration';
export const CALLBACK_DESCRIPTION = 'Deskbell ticket notifications';
export const CALLBACK_PATH_SEGMENT = '/api/connectwise/callback/';
export const MAX_CALLBACK_BOARDS = 50;

// ---------------------------------------------------------------------------------------------
// The desired configuration
// ---------------------------------------------------------------------------------------------

export const callbackBoardIdsSchema = z
  .array(z.number().int().positive())
  .min(1, 'Choose at least one board, or choose All tickets.')
  .max(MAX_CALLBACK_BOARDS, `Choose at most ${MAX_CALLBACK_BOARDS} boards, or choose All tickets.`);

/** What Manage should report: every ticket (owner level) or the tickets of some boards. */
export const callbackTargetSchema = z.discriminatedUnion(
  'level',
  [z.object({ level: z.literal('owner') }), z.object({ level: z.literal('board'), boardIds: callbackBoardIdsSchema })],
  { error: 'Choose All tickets (owner level) or the boards to report.' },
);
export type CallbackTarget = z.infer<typeof callbackTargetSchema>;

const lastSyncSchema = z.object({
  at: z.string(),
  /** Wanted callbacks that existed in Manage after the sync. */
  registered: z.number().int().min(0),
  /** Creates, updates or removals that Manage refused. */
  failed: z.number().int().min(0),
});
const stamp = { updatedAt: z.string(), updatedBy: z.string(), lastSync: lastSyncSchema };

export const callbackRegistrationSchema = z.discriminatedUnion('level', [
  z.object({ level: z.literal('owner'), ...stamp }),
  z.object({ level: z.literal('board'), boardIds: callbackBoardIdsSchema, ...stamp }),
]);
export type CallbackRegistration = z.infer<typeof callbackRegistrationSchema>;

export async function readCallbackRegistration(db: DeskbellDatabase): Promise<CallbackRegistration | undefined> {
  return readSetting(db, CALLBACK_REGISTRATION_SETTING, callbackRegistrationSchema);
}

// ---------------------------------------------------------------------------------------------
// Pure pieces: what we want, what is ours, the plan
// ---------------------------------------------------------------------------------------------

export type WantedCallback = { type: 'ticket'; level: 'owner' | 'board'; objectId: number };

/** Owner level: one callback for every ticket (objectId 1); board level: one per board. */
export function wantedCallbacks(target: CallbackTarget): WantedCallback[] {
  if (target.level === 'owner') return [{ type: 'ticket', level: 'owner', objectId: 1 }];
  return [...new Set(target.boardIds)].sort((a, b) => a - b).map((objectId) => ({ type: 'ticket', level: 'board', objectId }));
}

/** Deskbell's public URL: what Manage and agents use to reach this server. */
export function callbackPublicUrl(): string {
  return deskbellPublicUrl();
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Ours: a Deskbell callback path on our public URL's origin (whatever its token). */
export function isOurCallbackUrl(url: string, publicUrl: string): boolean {
  const origin = originOf(publicUrl);
  return origin !== null && url.includes(CALLBACK_PATH_SEGMENT) && originOf(url) === origin;
}

/** The path token in a Deskbell callback URL, or null. */
export function callbackTokenOf(url: string): string | null {
  const at = url.indexOf(CALLBACK_PATH_SEGMENT);
  if (at < 0) return null;
  const rest = url.slice(at + CALLBACK_PATH_SEGMENT.length);
  const token = /^[^/?#]*/.exec(rest)?.[0] ?? '';
  return token === '' ? null : token;
}

/** The URL with its path token cut to 4 characters: safe for audit entries, logs and lists. */
export function maskCallbackUrl(url: string): string {
  const token = callbackTokenOf(url);
  if (token === null) return url;
  const at = url.indexOf(CALLBACK_PATH_SEGMENT) + CALLBACK_PATH_SEGMENT.length;
  return `${url.slice(0, at)}${token.slice(0, 4)}\u2026${url.slice(at + token.length)}`;
}

export type CallbackDifference = 'url' | 'inactive' | 'selfSuppressed' | 'description';

/** What differs from the shape we register: our current URL, active, self-suppressed, our description. */
export function callbackDifferences(existing: ManageCallback, url: string): CallbackDifference[] {
  const out: CallbackDifference[] = [];
  if (existing.url !== url) out.push('url');
  if (existing.inactive) out.push('inactive');
  if (!existing.selfSuppressed) out.push('selfSuppressed');
  if ((existing.description ?? '') !== CALLBACK_DESCRIPTION) out.push('description');
  return out;
}

export function sameTarget(existing: Pick<ManageCallback, 'type' | 'level' | 'objectId'>, wanted: WantedCallback): boolean {
  return existing.type.toLowerCase() === wanted.type && existing.level.toLowerCase() === wanted.level && existing.objectId === wanted.objectId;
}

export type CallbackPlanItem =
  | { action: 'create'; wanted: WantedCallback }
  | { action: 'update'; wanted: WantedCallback; existing: ManageCallback; differences: CallbackDifference[] }
  | { action: 'keep'; wanted: WantedCallback; existing: ManageCallback }
  | { action: 'delete'; existing: ManageCallback; reason: 'duplicate' | 'not_wanted'; duplicateOf?: number };

/**
 * Pure: how to get from Manage's callbacks to the wanted ones. Only ours are considered.
 * Per wanted target, the closest of ours is kept (fewest differences, then the current
 * token, then the oldest id) and updated when needed; the other ones for that target are
 * duplicates, and ours for targets no longer wanted go too. Creates and updates come first,
 * removals last, so a failure half-way never leaves fewer callbacks than before.
 */
export function planCallbackSync(
  existing: readonly ManageCallback[],
  wanted: readonly WantedCallback[],
  ctx: { publicUrl: string; url: string },
): CallbackPlanItem[] {
  const ours = existing.filter((c) => isOurCallbackUrl(c.url, ctx.publicUrl));
  const currentToken = callbackTokenOf(ctx.url);
  const claimed = new Set<number>();
  const changes: CallbackPlanItem[] = [];
  const removals: CallbackPlanItem[] = [];
  for (const w of wanted) {
    const candidates = ours
      .filter((c) => !claimed.has(c.id) && sameTarget(c, w))
      .map((c) => ({ c, differences: callbackDifferences(c, ctx.url), current: callbackTokenOf(c.url) === currentToken }))
      .sort((a, b) => a.differences.length - b.differences.length || Number(b.current) - Number(a.current) || a.c.id - b.c.id);
    const best = candidates[0];
    if (!best) {
      changes.push({ action: 'create', wanted: w });
      continue;
    }
    for (const { c } of candidates) claimed.add(c.id);
    changes.push(best.differences.length === 0 ? { action: 'keep', wanted: w, existing: best.c } : { action: 'update', wanted: w, existing: best.c, differences: best.differences });
    for (const { c } of candidates.slice(1)) removals.push({ action: 'delete', existing: c, reason: 'duplicate', duplicateOf: best.c.id });
  }
  for (const c of ours) {
    if (!claimed.has(c.id)) removals.push({ action: 'delete', existing: c, reason: 'not_wanted' });
  }
  removals.sort((a, b) => (a.action === 'delete' && b.action === 'delete' ? a.existing.id - b.existing.id : 0));
  return [...changes, ...removals];
}

/** Wanted targets that one of ours covers (whatever its state). */
export function coveredTargets(ours: readonly ManageCallback[], wanted: readonly WantedCallback[]): WantedCallback[] {
  return wanted.filter((w) => ours.some((c) => sameTarget(c, w)));
}

/** A warning when Manage cannot reach Deskbell's public URL (a loopback address, Manage elsewhere). */
export function reachabilityWarning(publicUrl: string, manageEndpoint: string | null): string | null {
  let publicHost: string;
  try {
    publicHost = new URL(publicUrl).hostname;
  } catch {
    return `Deskbell's public URL "${publicUrl}" is not a valid URL: set DESKBELL_PUBLIC_URL to the address Manage can reach.`;
  }
  if (!isLoopbackHost(publicHost) || manageEndpoint === null) return null;
  let manageHost: string;
  try {
    manageHost = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(manageEndpoint) ? manageEndpoint : `https://${manageEndpoint}`).hostname;
  } catch {
    return null;
  }
  if (isLoopbackHost(manageHost)) return null;
  return (
    `Deskbell's public URL is ${publicUrl}, a loopback address: Manage (${manageHost}) runs elsewhere and cannot reach it, ` +
    'so its callbacks would never arrive. Set DESKBELL_PUBLIC_URL to an https address Manage can reach, restart Deskbell, then press Update registration.'
  );
}

export function describeTarget(c: Pick<ManageCallback, 'type' | 'level' | 'objectId'>, boardName: string | null | undefined): string {
  const level = c.level.toLowerCase();
  if (c.type.toLowerCase() === 'ticket' && level === 'owner') return 'All tickets (owner level)';
  if (c.type.toLowerCase() === 'ticket' && level === 'board') return boardName ? `Board "${boardName}" (id ${c.objectId})` : `Board ${c.objectId}`;
  return `${c.type} callbacks, level ${c.level}, object ${c.objectId}`;
}

function describeRegistration(target: CallbackTarget): string {
  return target.level === 'owner' ? 'all tickets (owner level)' : plural(target.boardIds.length, 'board');
}

// ---------------------------------------------------------------------------------------------
// Manage failures, as sentences
// ---------------------------------------------------------------------------------------------

const ROLE = 'System > Security Roles > (the API member\u2019s role)';
const CALLBACK_PERMISSION_FIX =
  `In Manage open ${ROLE} > System > Table Setup and set the Add, Edit, Delete and Inquire levels to All, ` +
  'or register the callback by hand (see "Prefer to do it by hand?" below).';
const BOARDS_PERMISSION_FIX = `In Manage open ${ROLE} > System > Table Setup and set the Inquire level to All (step 2, Permissions, checks it).`;

/** What went wrong while `doing` something in Manage, as a sentence the admin can act on. */
export function describeCallbackManageError(error: unknown, doing: string, fix: string = CALLBACK_PERMISSION_FIX): string | null {
  if (!isManageError(error)) return null;
  if (error.status === 403) return `Manage refused to ${doing} (403 Forbidden): the API member\u2019s security role does not allow it. ${fix}`;
  if (error.status === 401) return `Manage refused the API key while trying to ${doing} (401). Check step 1 (Connection). ${error.message}`;
  if (error.status === null) return `Manage could not be reached while trying to ${doing}: ${error.message}`;
  return `Manage could not ${doing}: ${error.message}`;
}

function toCallbackApiError(error: unknown, doing: string, fix?: string): unknown {
  const message = describeCallbackManageError(error, doing, fix);
  if (message === null || !isManageError(error)) {
    if (error instanceof SecretKeyMissingError) return new DeskbellApiError('conflict', error.message);
    return error;
  }
  return new DeskbellApiError('bad_gateway', message, { manageStatus: error.status, manageCode: error.code });
}

// ---------------------------------------------------------------------------------------------
// Talking to Manage
// ---------------------------------------------------------------------------------------------

export type CallbackManage = { client: ManageClient; tables: Pick<LookupTables, 'boards'> };

/** One registration change at a time in this process. */
const serialized = createOneAtATime();

async function callbackUrlNow(db: DeskbellDatabase): Promise<{ publicUrl: string; url: string }> {
  const publicUrl = callbackPublicUrl();
  try {
    return { publicUrl, url: callbackUrlFor(publicUrl, await getOrCreateCallbackPathToken(db)) };
  } catch (error) {
    throw toCallbackApiError(error, 'prepare the callback URL');
  }
}

async function listAllCallbacks(client: ManageClient): Promise<ManageCallback[]> {
  try {
    return await listCallbacks(client);
  } catch (error) {
    throw toCallbackApiError(error, 'list its callbacks');
  }
}

/** Board names for display; a failure only costs the names. */
async function boardNames(tables: CallbackManage['tables']): Promise<Map<number, string>> {
  try {
    return new Map((await tables.boards()).map((b) => [b.id, b.name]));
  } catch {
    return new Map();
  }
}

function inputFor(c: Pick<ManageCallback, 'type' | 'level' | 'objectId' | 'payloadVersion'>, url: string): CallbackInput {
  return {
    url,
    objectId: c.objectId,
    type: c.type,
    level: c.level,
    description: CALLBACK_DESCRIPTION,
    inactive: false,
    selfSuppressed: true,
    ...(c.payloadVersion ? { payloadVersion: c.payloadVersion } : {}),
  };
}

const DIFFERENCE_WORDS: Record<CallbackDifference, string> = {
  url: 'the URL',
  inactive: 'made active again',
  selfSuppressed: 'self-suppressed',
  description: 'the description',
};

export type CallbackSyncOutcome = 'created' | 'updated' | 'unchanged' | 'removed' | 'failed' | 'kept';

export type CallbackSyncEntry = {
  outcome: CallbackSyncOutcome;
  /** Manage's callback id; null when a create failed. */
  id: number | null;
  level: string;
  objectId: number;
  target: string;
  /** Token masked. */
  url: string;
  message: string;
};

export type CallbackSyncReport = {
  ok: boolean;
  summary: string;
  entries: CallbackSyncEntry[];
  counts: Record<CallbackSyncOutcome, number>;
  registration: CallbackRegistration;
};

/**
 * Makes Manage's callbacks match `desired` (idempotent: a second run changes nothing), stores
 * the choice, and audits every change. Manage refusing one change does not stop the others;
 * removals of targets no longer wanted wait until every wanted callback is in place.
 */
export function syncCallbacks(db: DeskbellDatabase, manage: CallbackManage, desired: CallbackTarget, actor: string): Promise<CallbackSyncReport> {
  return serialized(() => syncNow(db, manage, callbackTargetSchema.parse(desired), actor));
}

async function syncNow(db: DeskbellDatabase, manage: CallbackManage, desired: CallbackTarget, actor: string): Promise<CallbackSyncReport> {
  const wanted = wantedCallbacks(desired);
  let names: Map<number, string>;
  if (desired.level === 'board') {
    let boards: ManageBoard[];
    try {
      // Straight from Manage, not the cache: a board created a minute ago must be known.
      boards = await listBoards(manage.client);
    } catch (error) {
      throw toCallbackApiError(error, 'list its service boards', BOARDS_PERMISSION_FIX);
    }
    const unknown = wanted.filter((w) => !boards.some((b) => b.id === w.objectId));
    if (unknown.length > 0) {
      throw new DeskbellApiError(
        'unprocessable_entity',
        `Manage has no board with id ${unknown.map((w) => w.objectId).join(', ')}. Untick it, then register again.`,
        [{ path: 'boardIds', message: `Manage has no board with id ${unknown.map((w) => w.objectId).join(', ')}.` }],
      );
    }
    names = new Map(boards.map((b) => [b.id, b.name]));
  } else {
    names = await boardNames(manage.tables);
  }
  const { publicUrl, url } = await callbackUrlNow(db);
  const existing = await listAllCallbacks(manage.client);
  const plan = planCallbackSync(existing, wanted, { publicUrl, url });
  const masked = maskCallbackUrl(url);

  const entries: CallbackSyncEntry[] = [];
  const entryFor = (c: Pick<ManageCallback, 'type' | 'level' | 'objectId'>, id: number | null, outcome: CallbackSyncOutcome, entryUrl: string, message: string): CallbackSyncEntry => ({
    outcome,
    id,
    level: c.level,
    objectId: c.objectId,
    target: describeTarget(c, names.get(c.objectId)),
    url: maskCallbackUrl(entryUrl),
    message,
  });
  const audit = (action: string, id: number | null, c: Pick<ManageCallback, 'type' | 'level' | 'objectId'>, details: Record<string, unknown>) =>
    recordAudit(db, {
      actor,
      action,
      target: id === null ? 'manage-callback' : `manage-callback:${id}`,
      details: { type: c.type, level: c.level, objectId: c.objectId, boardName: names.get(c.objectId) ?? null, ...details },
    });

  let changeFailed = false;
  for (const item of plan) {
    if (item.action === 'keep') {
      entries.push(entryFor(item.existing, item.existing.id, 'unchanged', item.existing.url, 'Already registered as wanted; nothing changed.'));
    } else if (item.action === 'create') {
      const shape = { ...item.wanted, payloadVersion: null };
      try {
        const created = await createCallback(manage.client, inputFor(shape, url));
        entries.push(entryFor(created, created.id, 'created', created.url, `Registered in Manage as callback ${created.id}.`));
        await audit('setup.callbacks.created', created.id, created, { url: masked });
      } catch (error) {
        if (!isManageError(error)) throw error;
        changeFailed = true;
        entries.push(entryFor(item.wanted, null, 'failed', url, describeCallbackManageError(error, 'create the callback') ?? error.message));
      }
    } else if (item.action === 'update') {
      try {
        const updated = await updateCallback(manage.client, item.existing.id, inputFor(item.existing, url));
        const what = item.differences.map((d) => DIFFERENCE_WORDS[d]).join(', ');
        entries.push(entryFor(updated, updated.id, 'updated', updated.url, `Updated: ${what}.`));
        await audit('setup.callbacks.updated', updated.id, updated, { changed: item.differences, from: maskCallbackUrl(item.existing.url), url: masked });
      } catch (error) {
        if (!isManageError(error)) throw error;
        changeFailed = true;
        entries.push(entryFor(item.existing, item.existing.id, 'failed', item.existing.url, describeCallbackManageError(error, `update callback ${item.existing.id}`) ?? error.message));
      }
    } else if (item.reason === 'not_wanted' && changeFailed) {
      entries.push(entryFor(item.existing, item.existing.id, 'kept', item.existing.url, 'Kept until the wanted callbacks are all registered (a change above failed).'));
    } else {
      try {
        await deleteCallback(manage.client, item.existing.id);
        const why = item.reason === 'duplicate' ? `a duplicate of callback ${item.duplicateOf}` : 'no longer wanted';
        entries.push(entryFor(item.existing, item.existing.id, 'removed', item.existing.url, `Removed: ${why}.`));
        await audit('setup.callbacks.removed', item.existing.id, item.existing, { reason: item.reason, url: maskCallbackUrl(item.existing.url) });
      } catch (error) {
        if (!isManageError(error)) throw error;
        entries.push(entryFor(item.existing, item.existing.id, 'failed', item.existing.url, describeCallbackManageError(error, `remove callback ${item.existing.id}`) ?? error.message));
      }
    }
  }

  const counts: Record<CallbackSyncOutcome, number> = { created: 0, updated: 0, unchanged: 0, removed: 0, failed: 0, kept: 0 };
  for (const e of entries) counts[e.outcome]++;
  const registered = entries.filter((e) => ['created', 'updated', 'unchanged'].includes(e.outcome)).length;
  const now = new Date().toISOString();
  const lastSync = { at: now, registered, failed: counts.failed };
  const registration: CallbackRegistration =
    desired.level === 'owner'
      ? { level: 'owner', updatedAt: now, updatedBy: actor, lastSync }
      : { level: 'board', boardIds: wanted.map((w) => w.objectId), updatedAt: now, updatedBy: actor, lastSync };
  await writeSetting(db, CALLBACK_REGISTRATION_SETTING, callbackRegistrationSchema, registration);
  await recordAudit(db, {
    actor,
    action: 'setup.callbacks.registered',
    target: CALLBACK_REGISTRATION_SETTING,
    details: {
      level: desired.level,
      boardIds: registration.level === 'board' ? registration.boardIds : null,
      url: masked,
      ...counts,
    },
  });
  const parts = (['created', 'updated', 'unchanged', 'removed', 'failed', 'kept'] as const).filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  const ok = counts.failed === 0;
  const summary = ok
    ? `${plural(registered, 'callback')} registered for ${describeRegistration(desired)}${parts.length ? ` (${parts.join(', ')})` : ''}.`
    : `Manage refused ${plural(counts.failed, 'change')}: ${registered} of ${plural(wanted.length, 'callback')} ${wanted.length === 1 ? 'is' : 'are'} registered (${parts.join(', ')}). Read the lines below, fix what they name, then register again.`;
  return { ok, summary, entries, counts, registration };
}

// ---------------------------------------------------------------------------------------------
// The list, one repair, one removal
// ---------------------------------------------------------------------------------------------

export type CallbackRowState = 'active' | 'disabled' | 'needs_repair';

export type CallbackRow = {
  id: number;
  type: string;
  level: string;
  objectId: number;
  target: string;
  boardName: string | null;
  state: CallbackRowState;
  /** Why it is disabled or needs a repair, in sentences. */
  problems: string[];
  /** Token masked. */
  url: string;
  description: string | null;
  selfSuppressed: boolean;
  /** Part of the stored choice (false: Update registration removes it). */
  wanted: boolean;
};

export type CallbacksStepState = {
  registration: CallbackRegistration | null;
  /** The full callback URL, token included: only for the manual-setup box. Empty when no path token can be made (no secret key). */
  callbackUrl: string;
  publicUrl: string;
  /** Ours in Manage. */
  callbacks: CallbackRow[];
  /** Targets of the stored choice that have no callback in Manage. */
  missing: { level: 'owner' | 'board'; objectId: number; target: string }[];
  /** Callbacks in Manage that are not Deskbell's (never touched). */
  otherCallbacks: number;
  boards: { id: number; name: string }[];
  boardsProblem: string | null;
  /** Manage could not be asked (not connected, refused, unreachable); the lists are then empty. */
  problem: string | null;
  warnings: string[];
};

export function toCallbackRow(c: ManageCallback, ctx: { url: string; names: Map<number, string>; wanted: readonly WantedCallback[] }): CallbackRow {
  const problems: string[] = [];
  const token = callbackTokenOf(c.url);
  const stale = token !== callbackTokenOf(ctx.url);
  if (c.inactive) problems.push('Manage disabled it (it does so after 3 days of failed deliveries, or someone unticked it). Repair makes it active again.');
  if (stale) problems.push('It carries an old Deskbell path token, so Deskbell refuses its calls. Repair writes the current URL.');
  else if (c.url !== ctx.url) problems.push('Its URL differs from the current callback URL. Repair writes the current URL.');
  const state: CallbackRowState = c.inactive ? 'disabled' : c.url !== ctx.url ? 'needs_repair' : 'active';
  const boardName = c.level.toLowerCase() === 'board' ? (ctx.names.get(c.objectId) ?? null) : null;
  return {
    id: c.id,
    type: c.type,
    level: c.level,
    objectId: c.objectId,
    target: describeTarget(c, boardName),
    boardName,
    state,
    problems,
    url: maskCallbackUrl(c.url),
    description: c.description,
    selfSuppressed: c.selfSuppressed,
    wanted: ctx.wanted.some((w) => sameTarget(c, w)),
  };
}

function targetOfRegistration(registration: CallbackRegistration | undefined): CallbackTarget | null {
  if (!registration) return null;
  return registration.level === 'owner' ? { level: 'owner' } : { level: 'board', boardIds: registration.boardIds };
}

async function localState(db: DeskbellDatabase): Promise<Omit<CallbacksStepState, 'callbacks' | 'missing' | 'otherCallbacks' | 'boards' | 'boardsProblem' | 'problem'> & { url: string }> {
  const [registration, connection, { publicUrl, url }] = await Promise.all([readCallbackRegistration(db), describeManageConnection(db), callbackUrlNow(db)]);
  const warning = reachabilityWarning(publicUrl, connection?.endpoint ?? null);
  return { registration: registration ?? null, callbackUrl: url, publicUrl, url, warnings: warning ? [warning] : [] };
}

/** Our callbacks in Manage with their state, the stored choice, and Manage's boards to choose from. */
export async function listCallbackState(db: DeskbellDatabase, manage: CallbackManage): Promise<CallbacksStepState> {
  const { url, ...local } = await localState(db);
  const existing = await listAllCallbacks(manage.client);
  let boards: ManageBoard[] = [];
  let boardsProblem: string | null = null;
  try {
    boards = [...(await manage.tables.boards())];
  } catch (error) {
    boardsProblem = describeCallbackManageError(error, 'list its service boards', BOARDS_PERMISSION_FIX) ?? 'Manage\u2019s boards could not be loaded.';
  }
  const names = new Map(boards.map((b) => [b.id, b.name]));
  const target = targetOfRegistration(local.registration ?? undefined);
  const wanted = target ? wantedCallbacks(target) : [];
  const ours = existing.filter((c) => isOurCallbackUrl(c.url, local.publicUrl));
  const covered = coveredTargets(ours, wanted);
  return {
    ...local,
    callbacks: ours.map((c) => toCallbackRow(c, { url, names, wanted })),
    missing: wanted.filter((w) => !covered.includes(w)).map((w) => ({ level: w.level, objectId: w.objectId, target: describeTarget(w, names.get(w.objectId)) })),
    otherCallbacks: existing.length - ours.length,
    boards: boards.filter((b) => !b.inactive && !b.projectFlag).map((b) => ({ id: b.id, name: b.name })),
    boardsProblem,
    problem: null,
  };
}

async function findOurs(db: DeskbellDatabase, manage: CallbackManage, id: number): Promise<{ callback: ManageCallback; all: ManageCallback[]; publicUrl: string; url: string }> {
  const { publicUrl, url } = await callbackUrlNow(db);
  const all = await listAllCallbacks(manage.client);
  const callback = all.find((c) => c.id === id);
  if (!callback || !isOurCallbackUrl(callback.url, publicUrl)) {
    throw new DeskbellApiError('not_found', `Manage has no Deskbell callback with id ${id}. Deskbell only changes its own callbacks.`);
  }
  return { callback, all, publicUrl, url };
}

/** Rewrites one of ours to the wanted shape: the current URL, active, self-suppressed. */
export function repairCallback(db: DeskbellDatabase, manage: CallbackManage, id: number, actor: string): Promise<CallbackRow> {
  return serialized(async () => {
    const { callback, url } = await findOurs(db, manage, id);
    let repaired: ManageCallback;
    try {
      repaired = await updateCallback(manage.client, id, inputFor(callback, url));
    } catch (error) {
      throw toCallbackApiError(error, `update callback ${id}`);
    }
    const names = await boardNames(manage.tables);
    await recordAudit(db, {
      actor,
      action: 'setup.callbacks.repaired',
      target: `manage-callback:${id}`,
      details: {
        type: callback.type,
        level: callback.level,
        objectId: callback.objectId,
        changed: callbackDifferences(callback, url),
        from: maskCallbackUrl(callback.url),
        url: maskCallbackUrl(url),
      },
    });
    const registration = await readCallbackRegistration(db);
    const target = targetOfRegistration(registration);
    return toCallbackRow(repaired, { url, names, wanted: target ? wantedCallbacks(target) : [] });
  });
}

/** Deletes one of ours from Manage, and keeps the stored count of registered callbacks honest. */
export function removeCallback(db: DeskbellDatabase, manage: CallbackManage, id: number, actor: string): Promise<{ removed: number }> {
  return serialized(async () => {
    const { callback, all, publicUrl } = await findOurs(db, manage, id);
    try {
      await deleteCallback(manage.client, id);
    } catch (error) {
      throw toCallbackApiError(error, `remove callback ${id}`);
    }
    await recordAudit(db, {
      actor,
      action: 'setup.callbacks.removed',
      target: `manage-callback:${id}`,
      details: { type: callback.type, level: callback.level, objectId: callback.objectId, reason: 'removed_by_admin', url: maskCallbackUrl(callback.url) },
    });
    const registration = await readCallbackRegistration(db);
    const target = targetOfRegistration(registration);
    if (registration && target) {
      const ours = all.filter((c) => c.id !== id && isOurCallbackUrl(c.url, publicUrl));
      const registered = coveredTargets(ours, wantedCallbacks(target)).length;
      if (registered !== registration.lastSync.registered) {
        await writeSetting(db, CALLBACK_REGISTRATION_SETTING, callbackRegistrationSchema, { ...registration, lastSync: { ...registration.lastSync, registered } });
      }
    }
    return { removed: id };
  });
}

// ---------------------------------------------------------------------------------------------
// What the routes and the page call: the app's Manage context, errors as API errors
// ---------------------------------------------------------------------------------------------

async function appManage(db: DeskbellDatabase): Promise<CallbackManage> {
  const context = await loadAppManageContext(db);
  return { client: context.client, tables: context.tables };
}

/**
 * The step's state for the page and GET. When Manage cannot be asked, the answer still
 * carries the callback URL and the stored choice (for the manual route), with `problem` set.
 */
export async function loadCallbacksStep(db: DeskbellDatabase): Promise<CallbacksStepState> {
  try {
    return await listCallbackState(db, await appManage(db));
  } catch (error) {
    if (!(error instanceof DeskbellApiError) || error.code === 'not_found') throw error;
    const empty = { callbacks: [], missing: [], otherCallbacks: 0, boards: [], boardsProblem: null, problem: error.message };
    try {
      const local = await localState(db);
      return { registration: local.registration, callbackUrl: local.callbackUrl, publicUrl: local.publicUrl, warnings: local.warnings, ...empty };
    } catch (localError) {
      // No secret key: not even the path token can be made. Say so instead of failing the page.
      if (!(localError instanceof DeskbellApiError)) throw localError;
      const registration = (await readCallbackRegistration(db)) ?? null;
      return { registration, callbackUrl: '', publicUrl: callbackPublicUrl(), warnings: [], ...empty, problem: localError.message };
    }
  }
}

export async function registerCallbacks(db: DeskbellDatabase, desired: CallbackTarget, actor: string): Promise<CallbackSyncReport> {
  return syncCallbacks(db, await appManage(db), desired, actor);
}

export async function repairCallbackForAdmin(db: DeskbellDatabase, id: number, actor: string): Promise<CallbackRow> {
  return repairCallback(db, await appManage(db), id, actor);
}

export async function removeCallbackForAdmin(db: DeskbellDatabase, id: number, actor: string): Promise<{ removed: number }> {
  return removeCallback(db, await appManage(db), id, actor);
}
