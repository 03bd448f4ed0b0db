import 'server-only';
import { z } from 'zod';
import { listBoards } from '@/lib/connectwise/boards';
import { createCallback, deleteCallback, listCallbacks, updateCallback, type CallbackInput } from '@/lib/connectwise/callbacks';
import { isLoopbackHost } from '@/lib/connectwise/hosts';
import type { ManageBoard, ManageCallback } from '@/lib/connectwise/types';
import { DeskbellApiError } from '@/lib/http/errors';
import { callbackUrlFor, getOrCreateCallbackPathToken } from '@/lib/notifications/callback-path-token';
import { plural } from '@/lib/text/plural';
import { describeManageFailure, toRegistrationApiError, type Context, type RegistrationDescriptor, type RegistrationRow, type StepState, type SyncReport } from './reconciler';
import { deskbellPublicUrl } from '@/lib/env';
import { originOf } from '@/lib/http/request-origin';

/**
 * Manage's ticket callback, as a descriptor of the registration reconciler. The admin picks
 * what Manage reports (every ticket, or the tickets of some boards); ours are callbacks on
 * Deskbell's callback path at our public origin, whatever their token. A drifted one (an old
 * path token, disabled by Manage, a changed public URL path) is rewritten.
 *
 * The path token in the callback URL is a secret: audit entries, logs and the callback list
 * carry the URL with the token masked. Only the manual-route box shows the full URL.
 */

export const CALLBACK_REGISTRATION_SETTING = 'callbacks.registration';
export const CALLBACK_DESCRIPTION = 'Deskbell ticket notifications';
export const CALLBACK_PATH_SEGMENT = '/api/connectwise/callback/';
export const MAX_CALLBACK_BOARDS = 50;

// ---------------------------------------------------------------------------------------------
// The choice and what is stored
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

// ---------------------------------------------------------------------------------------------
// Pure pieces: what we want, what is ours, how one differs
// ---------------------------------------------------------------------------------------------

export type WantedCallback = { type: 'ticket'; level: 'owner' | 'board'; objectId: number };

/** Owner level: one callback for every ticket (objectId 1); board level: one per board. */
export function wantedCallbacks(target: CallbackTarget): WantedCallback[] {
  if (target.level === 'owner') return [{ type: 'ticket', level: 'owner', objectId: 1 }];
  return [...new Set(target.boardIds)].sort((a, b) => a - b).map((objectId) => ({ type: 'ticket', level: 'board', objectId }));
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

function describeChoice(target: CallbackTarget): string {
  return target.level === 'owner' ? 'all tickets (owner level)' : plural(target.boardIds.length, 'board');
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

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

export type CallbackRow = RegistrationRow & {
  type: string;
  level: string;
  objectId: number;
  boardName: string | null;
  /** Token masked. */
  url: string;
  description: string | null;
  selfSuppressed: boolean;
};

export function toCallbackRow(c: ManageCallback, ctx: { url: string; names: ReadonlyMap<number, string>; wanted: readonly WantedCallback[] }): CallbackRow {
  const problems: string[] = [];
  const stale = callbackTokenOf(c.url) !== callbackTokenOf(ctx.url);
  if (c.inactive) problems.push('Manage disabled it (it does so after 3 days of failed deliveries, or someone unticked it). Repair makes it active again.');
  if (stale) problems.push('It carries an old Deskbell path token, so Deskbell refuses its calls. Repair writes the current URL.');
  else if (c.url !== ctx.url) problems.push('Its URL differs from the current callback URL. Repair writes the current URL.');
  const state = c.inactive ? 'disabled' : c.url !== ctx.url ? 'needs_repair' : 'active';
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
    repairable: state !== 'active',
  };
}

// ---------------------------------------------------------------------------------------------
// The descriptor
// ---------------------------------------------------------------------------------------------

const ROLE = 'System > Security Roles > (the API member\u2019s role)';
const BOARDS_PERMISSION_FIX = `In Manage open ${ROLE} > System > Table Setup and set the Inquire level to All (step 2, Permissions, checks it).`;

type CallbackLookups = { names: ReadonlyMap<number, string>; boards: { id: number; name: string }[]; boardsProblem: string | null };

export type CallbackTypes = {
  choice: CallbackTarget;
  stored: CallbackRegistration;
  wanted: WantedCallback;
  record: ManageCallback;
  input: CallbackInput;
  address: { publicUrl: string; url: string };
  lookups: CallbackLookups;
  difference: CallbackDifference;
  row: CallbackRow;
  entry: { level: string; objectId: number; target: string; /** Token masked. */ url: string };
  missing: { level: 'owner' | 'board'; objectId: number; target: string };
  localView: {
    /** The full callback URL, token included: only for the manual-route box. Empty when no path token can be made (no secret key). */
    callbackUrl: string;
    publicUrl: string;
    warnings: string[];
  };
  lookupView: { boards: { id: number; name: string }[]; boardsProblem: string | null };
};

export type CallbacksStepState = StepState<CallbackTypes>;
export type CallbackSyncReport = SyncReport<CallbackTypes>;

const boardsError = (error: unknown) => describeManageFailure(error, 'list its service boards', BOARDS_PERMISSION_FIX);
const byName = (boards: readonly ManageBoard[]) => new Map(boards.map((b) => [b.id, b.name]));
const nameOf = (c: Pick<ManageCallback, 'objectId'>, ctx: Context<CallbackTypes>) => ctx.lookups.names.get(c.objectId);

export const callbackRegistration: RegistrationDescriptor<CallbackTypes> = {
  setting: CALLBACK_REGISTRATION_SETTING,
  storedSchema: callbackRegistrationSchema,
  choiceSchema: callbackTargetSchema,
  auditActions: {
    created: 'setup.callbacks.created',
    updated: 'setup.callbacks.updated',
    removed: 'setup.callbacks.removed',
    repaired: 'setup.callbacks.repaired',
    registered: 'setup.callbacks.registered',
  },
  auditTarget: 'manage-callback',
  words: {
    one: 'callback',
    many: 'callbacks',
    own: 'callbacks',
    allWanted: 'the wanted callbacks',
    permissionFix:
      `In Manage open ${ROLE} > System > Table Setup and set the Add, Edit, Delete and Inquire levels to All, ` +
      'or register the callback by hand (see "Prefer to do it by hand?" below).',
    listing: 'list its callbacks',
    differences: { url: 'the URL', inactive: 'made active again', selfSuppressed: 'self-suppressed', description: 'the description' },
  },
  manage: { list: listCallbacks, create: createCallback, update: updateCallback, remove: deleteCallback },

  wanted: wantedCallbacks,
  toStored: (choice, wanted, { updatedAt, updatedBy, lastSync: { at, registered, failed } }) => {
    const lastSync = { at, registered, failed };
    return choice.level === 'owner'
      ? { level: 'owner', updatedAt, updatedBy, lastSync }
      : { level: 'board', boardIds: wanted.map((w) => w.objectId), updatedAt, updatedBy, lastSync };
  },
  choiceOf: (stored) => (stored.level === 'owner' ? { level: 'owner' } : { level: 'board', boardIds: stored.boardIds }),

  async address(db) {
    const publicUrl = deskbellPublicUrl();
    return { publicUrl, url: callbackUrlFor(publicUrl, await getOrCreateCallbackPathToken(db)) };
  },
  async lookups(manage, purpose) {
    if (purpose.for === 'sync' && purpose.choice.level === 'board') {
      let boards: ManageBoard[];
      try {
        // Straight from Manage, not the cache: a board created a minute ago must be known.
        boards = await listBoards(manage.client);
      } catch (error) {
        throw toRegistrationApiError(error, boardsError(error));
      }
      const unknown = wantedCallbacks(purpose.choice).filter((w) => !boards.some((b) => b.id === w.objectId));
      if (unknown.length > 0) {
        const ids = unknown.map((w) => w.objectId).join(', ');
        throw new DeskbellApiError('unprocessable_entity', `Manage has no board with id ${ids}. Untick it, then register again.`, [
          { path: 'boardIds', message: `Manage has no board with id ${ids}.` },
        ]);
      }
      return { names: byName(boards), boards: [], boardsProblem: null };
    }
    try {
      const boards = [...(await manage.tables.boards())];
      return { names: byName(boards), boards: boards.filter((b) => !b.inactive && !b.projectFlag).map((b) => ({ id: b.id, name: b.name })), boardsProblem: null };
    } catch (error) {
      // Only the names are lost: the callbacks can still be listed and changed.
      return { names: new Map(), boards: [], boardsProblem: boardsError(error) ?? 'Manage\u2019s boards could not be loaded.' };
    }
  },
  localView: (address, manageEndpoint) => {
    const warning = reachabilityWarning(address.publicUrl, manageEndpoint);
    return { callbackUrl: address.url, publicUrl: address.publicUrl, warnings: warning ? [warning] : [] };
  },
  unaddressedView: () => ({ callbackUrl: '', publicUrl: deskbellPublicUrl(), warnings: [] }),
  lookupView: ({ boards, boardsProblem }) => ({ boards, boardsProblem }),
  emptyLookupView: () => ({ boards: [], boardsProblem: null }),

  isOurs: (c, address) => isOurCallbackUrl(c.url, address.publicUrl),
  matches: sameTarget,
  differences: (c, ctx) => callbackDifferences(c, ctx.address.url),
  // Of two equally close, the one with the current token stays.
  rank: (c, ctx) => (callbackTokenOf(c.url) === callbackTokenOf(ctx.address.url) ? 0 : 1),
  createInput: (w, ctx) => inputFor({ ...w, payloadVersion: null }, ctx.address.url),
  repairInput: (c, ctx) => inputFor(c, ctx.address.url),
  wantedLabel: () => 'the callback',

  row: (c, ctx, wanted) => toCallbackRow(c, { url: ctx.address.url, names: ctx.lookups.names, wanted }),
  entry: (subject, ctx) => {
    const [shape, url] = 'existing' in subject ? [subject.existing, subject.existing.url] : [subject.wanted, ctx.address.url];
    return { level: shape.level, objectId: shape.objectId, target: describeTarget(shape, nameOf(shape, ctx)), url: maskCallbackUrl(url) };
  },
  missing: (w, ctx) => ({ level: w.level, objectId: w.objectId, target: describeTarget(w, nameOf(w, ctx)) }),
  auditSubject: (c, ctx) => ({ type: c.type, level: c.level, objectId: c.objectId, boardName: nameOf(c, ctx) ?? null }),
  auditAddress: (c) => ({ url: maskCallbackUrl(c.url) }),
  auditChoice: (choice, ctx) => ({
    level: choice.level,
    boardIds: choice.level === 'board' ? wantedCallbacks(choice).map((w) => w.objectId) : null,
    url: maskCallbackUrl(ctx.address.url),
  }),
  doneSummary: (choice, _wanted, registered, parts) => `${plural(registered, 'callback')} registered for ${describeChoice(choice)}${parts}.`,
};
