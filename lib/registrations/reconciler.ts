import 'server-only';
import type { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit-log';
import type { ManageClient } from '@/lib/connectwise/client';
import { isManageError, type ManageError } from '@/lib/connectwise/errors';
import type { LookupTables } from '@/lib/connectwise/lookup-cache';
import { DeskbellApiError } from '@/lib/http/errors';
import { SecretKeyMissingError } from '@/lib/secrets/secret-box';
import { describeManageConnection } from '@/lib/settings/manage-connection';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { plural } from '@/lib/text/plural';
import { createOneAtATime } from './one-at-a-time';

/**
 * The reconciler for what Deskbell registers in Manage (callbacks, the pod): the admin states a
 * choice, the descriptor turns it into the records that should exist, and the engine makes
 * Manage match it and nothing else. It creates what is missing, rewrites ours that drifted,
 * removes duplicates and what is no longer wanted, never touches another integration's
 * records, audits every change and reports each one in a sentence.
 *
 * A descriptor knows one kind of record: how to talk to Manage about it (through
 * lib/connectwise, which returns our own types), which records are ours, how one compares
 * with what is wanted, and the words for the admin. Everything else is here, once.
 */

/** What the engine needs from the app's Manage context. */
export type RegistrationManage = { client: ManageClient; tables: Pick<LookupTables, 'boards'> };
/** Resolves the Manage context only when it is needed, so a page without Manage still shows the manual route. */
export type ManageResolver = () => Promise<RegistrationManage>;

export type SyncOutcome = 'created' | 'updated' | 'unchanged' | 'removed' | 'failed' | 'kept';
const OUTCOMES: readonly SyncOutcome[] = ['created', 'updated', 'unchanged', 'removed', 'failed', 'kept'];

export type RowState = 'active' | 'disabled' | 'needs_repair';

/** What every row of a registration list holds; descriptors add their own columns. */
export type RegistrationRow = {
  id: number;
  /** What the record is, in words ("All tickets (owner level)", "Pod on Service Ticket"). */
  target: string;
  state: RowState;
  /** Why it is disabled or needs a repair, in sentences. */
  problems: string[];
  /** Part of the stored choice (false: Update registration removes it). */
  wanted: boolean;
  /** Repair can rewrite it. */
  repairable: boolean;
};

export type LastSync = { at: string; wanted: number; registered: number; failed: number };
export type Stamp = { updatedAt: string; updatedBy: string; lastSync: LastSync };

/** The type parameters of one descriptor, named. */
export type RegistrationTypes = {
  /** What the admin chooses (the POST body). */
  choice: unknown;
  /** The choice as stored, with who and when and the last sync's counts. */
  stored: { lastSync: { registered: number } };
  /** One record that should exist. */
  wanted: unknown;
  /** One record in Manage, as the adapter returns it. */
  record: { id: number };
  /** What the adapter's create and update take. */
  input: unknown;
  /** Computed without Manage (URLs, tokens); may fail. */
  address: unknown;
  /** Read from Manage for display and matching (board names, screens). */
  lookups: unknown;
  difference: string;
  row: RegistrationRow;
  /** A sync entry's own fields, besides outcome, id and message. */
  entry: { target: string };
  missing: { target: string };
  /** The state fields that need no Manage (URLs, warnings, what can be chosen). */
  localView: { warnings: string[] };
  /** The state fields read from Manage (boards, screens). */
  lookupView: object;
};

export type AuditEvent = 'created' | 'updated' | 'removed' | 'repaired' | 'registered';

export type Context<T extends RegistrationTypes> = { address: T['address']; lookups: T['lookups'] };
export type Subject<T extends RegistrationTypes> = { existing: T['record'] } | { wanted: T['wanted'] };

export type RegistrationDescriptor<T extends RegistrationTypes> = {
  /** The settings key the choice is stored under. */
  setting: string;
  storedSchema: z.ZodType<T['stored']>;
  choiceSchema: z.ZodType<T['choice']>;
  /** The audit actions, spelled out so the audit log's vocabulary can be found in the code; targets are `${auditTarget}:${id}`. */
  auditActions: Record<AuditEvent, string>;
  auditTarget: string;
  words: {
    /** One record, as the admin reads it: "callback". */
    one: string;
    many: string;
    /** What Deskbell changes in Manage, for "Deskbell only changes its own …". */
    own: string;
    /** "the wanted callbacks", for the line of a removal that waits. */
    allWanted: string;
    /** How to fix a refused permission, after "the API member's role does not allow it." */
    permissionFix: string;
    /** What listing the records is called in a Manage failure: "list its callbacks". */
    listing: string;
    differences: Record<T['difference'], string>;
  };
  manage: {
    list(client: ManageClient): Promise<T['record'][]>;
    create(client: ManageClient, input: T['input']): Promise<T['record']>;
    update(client: ManageClient, id: number, input: T['input']): Promise<T['record']>;
    remove(client: ManageClient, id: number): Promise<void>;
  };
  /** A Manage failure's sentence where the descriptor knows better than the generic one. */
  explainManageError?(error: ManageError, doing: string): string | null;

  wanted(choice: T['choice']): T['wanted'][];
  toStored(choice: T['choice'], wanted: readonly T['wanted'][], stamp: Stamp): T['stored'];
  choiceOf(stored: T['stored']): T['choice'];

  address(db: DeskbellDatabase): Promise<T['address']>;
  /**
   * What Manage must tell before matching: for a sync, checked against the choice (an
   * unknown board is refused); for the list, failures are kept for the view; for one row,
   * best effort.
   */
  lookups(manage: RegistrationManage, purpose: { for: 'sync'; choice: T['choice'] } | { for: 'list' } | { for: 'one' }): Promise<T['lookups']>;
  localView(address: T['address'], manageEndpoint: string | null): T['localView'];
  /** The local view when not even the address can be made (no secret key, a broken public URL). */
  unaddressedView(): T['localView'];
  lookupView(lookups: T['lookups']): T['lookupView'];
  emptyLookupView(): T['lookupView'];

  /** Ours: decided by where the record points alone, so another integration's record is refused before any lookup. */
  isOurs(record: T['record'], address: T['address']): boolean;
  matches(record: T['record'], wanted: T['wanted'], ctx: Context<T>): boolean;
  /** What differs from the shape Deskbell registers. */
  differences(record: T['record'], ctx: Context<T>): T['difference'][];
  /** Among equally close records, lower ranks are kept first (then the oldest id). */
  rank?(record: T['record'], ctx: Context<T>): number;
  /** Why a wanted record cannot be made at all (a screen Manage lacks), or null. */
  unplaceable?(wanted: T['wanted'], ctx: Context<T>): string | null;
  createInput(wanted: T['wanted'], ctx: Context<T>): T['input'];
  /** The wanted shape for one of ours; throws a DeskbellApiError when it cannot be repaired. */
  repairInput(record: T['record'], ctx: Context<T>): T['input'];
  /** "the callback", "the Service Ticket tab": what a failed create names. */
  wantedLabel(wanted: T['wanted']): string;

  row(record: T['record'], ctx: Context<T>, wanted: readonly T['wanted'][]): T['row'];
  entry(subject: Subject<T>, ctx: Context<T>): T['entry'];
  missing(wanted: T['wanted'], ctx: Context<T>): T['missing'];
  /** The record's fields in audit entries (never a secret). */
  auditSubject(record: T['record'], ctx: Context<T>): Record<string, unknown>;
  /** Where the record points, for audit entries (a secret masked). */
  auditAddress(record: T['record']): Record<string, unknown>;
  auditChoice(choice: T['choice'], ctx: Context<T>): Record<string, unknown>;
  /** The report's sentence when every change was made. */
  doneSummary(choice: T['choice'], wanted: readonly T['wanted'][], registered: number, parts: string): string;
};

// ---------------------------------------------------------------------------------------------
// Manage failures, as sentences
// ---------------------------------------------------------------------------------------------

/** What went wrong while `doing` something in Manage, as a sentence the admin can act on. */
export function describeManageFailure(error: unknown, doing: string, fix: string, explain?: (error: ManageError, doing: string) => string | null): string | null {
  if (!isManageError(error)) return null;
  if (error.status === 403) return `Manage refused to ${doing} (403 Forbidden): the API member\u2019s security role does not allow it. ${fix}`;
  if (error.status === 401) return `Manage refused the API key while trying to ${doing} (401). Check step 1 (Connection). ${error.message}`;
  const explained = explain?.(error, doing);
  if (explained) return explained;
  if (error.status === null) return `Manage could not be reached while trying to ${doing}: ${error.message}`;
  return `Manage could not ${doing}: ${error.message}`;
}

/** A failure as the API error the page shows: Manage's refusals are 502 with Manage's status, a missing secret key 409. */
export function toRegistrationApiError(error: unknown, message: string | null): unknown {
  if (message === null || !isManageError(error)) {
    if (error instanceof SecretKeyMissingError) return new DeskbellApiError('conflict', error.message);
    return error;
  }
  return new DeskbellApiError('bad_gateway', message, { manageStatus: error.status, manageCode: error.code });
}

function describeFor<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, error: unknown, doing: string): string | null {
  return describeManageFailure(error, doing, d.words.permissionFix, d.explainManageError);
}

function apiErrorFor<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, error: unknown, doing: string): unknown {
  return toRegistrationApiError(error, describeFor(d, error, doing));
}

// ---------------------------------------------------------------------------------------------
// The plan (pure)
// ---------------------------------------------------------------------------------------------

export type PlanItem<T extends RegistrationTypes> =
  | { action: 'create'; wanted: T['wanted'] }
  | { action: 'update'; wanted: T['wanted']; existing: T['record']; differences: T['difference'][] }
  | { action: 'keep'; wanted: T['wanted']; existing: T['record'] }
  | { action: 'delete'; existing: T['record']; reason: 'duplicate' | 'not_wanted'; duplicateOf?: number };

/**
 * Pure: how to get from Manage's records to the wanted ones. Only ours are considered, and
 * wanted records that cannot be placed are left out (the sync reports them). Per wanted
 * record, the closest of ours is kept (fewest differences, then the descriptor's rank, then
 * the oldest id) and updated when needed; the others matching it are duplicates, and ours
 * that nothing wants go too. Creates and updates come first, removals last, so a failure
 * half-way never leaves fewer records than before.
 */
export function planSync<T extends RegistrationTypes>(
  d: RegistrationDescriptor<T>,
  existing: readonly T['record'][],
  wanted: readonly T['wanted'][],
  ctx: Context<T>,
): PlanItem<T>[] {
  const ours = existing.filter((r) => d.isOurs(r, ctx.address));
  const claimed = new Set<number>();
  const changes: PlanItem<T>[] = [];
  const removals: Extract<PlanItem<T>, { action: 'delete' }>[] = [];
  for (const w of wanted) {
    if (d.unplaceable?.(w, ctx)) continue;
    const candidates = ours
      .filter((r) => !claimed.has(r.id) && d.matches(r, w, ctx))
      .map((r) => ({ r, differences: d.differences(r, ctx), rank: d.rank?.(r, ctx) ?? 0 }))
      .sort((a, b) => a.differences.length - b.differences.length || a.rank - b.rank || a.r.id - b.r.id);
    const best = candidates[0];
    if (!best) {
      changes.push({ action: 'create', wanted: w });
      continue;
    }
    for (const { r } of candidates) claimed.add(r.id);
    changes.push(
      best.differences.length === 0 ? { action: 'keep', wanted: w, existing: best.r } : { action: 'update', wanted: w, existing: best.r, differences: best.differences },
    );
    for (const { r } of candidates.slice(1)) removals.push({ action: 'delete', existing: r, reason: 'duplicate', duplicateOf: best.r.id });
  }
  for (const r of ours) {
    if (!claimed.has(r.id)) removals.push({ action: 'delete', existing: r, reason: 'not_wanted' });
  }
  removals.sort((a, b) => a.existing.id - b.existing.id);
  return [...changes, ...removals];
}

/** Wanted records that one of ours covers (whatever its state). */
export function coveredWanted<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, ours: readonly T['record'][], wanted: readonly T['wanted'][], ctx: Context<T>): T['wanted'][] {
  return wanted.filter((w) => ours.some((r) => d.matches(r, w, ctx)));
}

// ---------------------------------------------------------------------------------------------
// Reading: the stored choice and the step's state
// ---------------------------------------------------------------------------------------------

export type SyncEntry<T extends RegistrationTypes> = T['entry'] & {
  outcome: SyncOutcome;
  /** Manage's id; null when a create failed or could not be tried. */
  id: number | null;
  message: string;
};

export type SyncReport<T extends RegistrationTypes> = {
  ok: boolean;
  summary: string;
  entries: SyncEntry<T>[];
  counts: Record<SyncOutcome, number>;
  registration: T['stored'];
};

export type StepState<T extends RegistrationTypes> = T['localView'] &
  T['lookupView'] & {
    registration: T['stored'] | null;
    /** Ours in Manage. */
    rows: T['row'][];
    /** Wanted records that Manage does not have. */
    missing: T['missing'][];
    /** Records in Manage that are not Deskbell's (never touched). */
    foreignCount: number;
    /** Manage could not be asked (not connected, refused, unreachable); the lists are then empty. */
    problem: string | null;
  };

export async function readRegistration<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase): Promise<T['stored'] | undefined> {
  return readSetting(db, d.setting, d.storedSchema);
}

async function addressNow<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase): Promise<T['address']> {
  try {
    return await d.address(db);
  } catch (error) {
    throw toRegistrationApiError(error, null);
  }
}

async function listAll<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, client: ManageClient): Promise<T['record'][]> {
  try {
    return await d.manage.list(client);
  } catch (error) {
    throw apiErrorFor(d, error, d.words.listing);
  }
}

async function wantedNow<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase): Promise<{ stored: T['stored'] | undefined; wanted: T['wanted'][] }> {
  const stored = await readRegistration(d, db);
  return { stored, wanted: stored ? d.wanted(d.choiceOf(stored)) : [] };
}

async function localState<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase) {
  const [stored, connection, address] = await Promise.all([readRegistration(d, db), describeManageConnection(db), addressNow(d, db)]);
  return { stored, address, view: d.localView(address, connection?.endpoint ?? null) };
}

/** Ours in Manage with their state, the stored choice, and what Manage offers to choose from. */
export async function listState<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, manage: RegistrationManage): Promise<StepState<T>> {
  const local = await localState(d, db);
  const lookups = await d.lookups(manage, { for: 'list' });
  const existing = await listAll(d, manage.client);
  const ctx: Context<T> = { address: local.address, lookups };
  const wanted = local.stored ? d.wanted(d.choiceOf(local.stored)) : [];
  const ours = existing.filter((r) => d.isOurs(r, ctx.address));
  const covered = coveredWanted(d, ours, wanted, ctx);
  return {
    ...local.view,
    ...d.lookupView(lookups),
    registration: local.stored ?? null,
    rows: ours.map((r) => d.row(r, ctx, wanted)),
    missing: wanted.filter((w) => !covered.includes(w)).map((w) => d.missing(w, ctx)),
    foreignCount: existing.length - ours.length,
    problem: null,
  };
}

/**
 * The step's state for the page and GET. When Manage cannot be asked, the answer still
 * carries the stored choice and what the manual route needs, with `problem` set.
 */
export async function loadState<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, resolve: ManageResolver): Promise<StepState<T>> {
  try {
    return await listState(d, db, await resolve());
  } catch (error) {
    if (!(error instanceof DeskbellApiError) || error.code === 'not_found') throw error;
    const empty = { ...d.emptyLookupView(), rows: [], missing: [], foreignCount: 0, problem: error.message };
    try {
      const local = await localState(d, db);
      return { ...local.view, registration: local.stored ?? null, ...empty };
    } catch (localError) {
      // Not even the address can be made (no secret key): say so instead of failing the page.
      if (!(localError instanceof DeskbellApiError)) throw localError;
      const stored = await readRegistration(d, db);
      return { ...d.unaddressedView(), registration: stored ?? null, ...empty, problem: localError.message };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing: the sync, one repair, one removal (one at a time per kind of record)
// ---------------------------------------------------------------------------------------------

const queues = new WeakMap<object, ReturnType<typeof createOneAtATime>>();

/** One registration change at a time per kind in this process. */
function serialized<T extends RegistrationTypes, R>(d: RegistrationDescriptor<T>, run: () => Promise<R>): Promise<R> {
  let queue = queues.get(d);
  if (!queue) {
    queue = createOneAtATime();
    queues.set(d, queue);
  }
  return queue(run);
}

/**
 * Makes Manage match `choice` (idempotent: a second run changes nothing), stores the choice,
 * and audits every change. Manage refusing one change does not stop the others; removals of
 * records no longer wanted wait until every wanted one is in place.
 */
export function syncRegistration<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, manage: RegistrationManage, choice: T['choice'], actor: string): Promise<SyncReport<T>> {
  return serialized(d, () => syncNow(d, db, manage, d.choiceSchema.parse(choice), actor));
}

async function syncNow<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, manage: RegistrationManage, choice: T['choice'], actor: string): Promise<SyncReport<T>> {
  const address = await addressNow(d, db);
  const lookups = await d.lookups(manage, { for: 'sync', choice });
  const ctx: Context<T> = { address, lookups };
  const existing = await listAll(d, manage.client);
  const wanted = d.wanted(choice);
  const plan = planSync(d, existing, wanted, ctx);

  const entries: SyncEntry<T>[] = [];
  const entryFor = (subject: Subject<T>, id: number | null, outcome: SyncOutcome, message: string): SyncEntry<T> => ({ ...d.entry(subject, ctx), outcome, id, message });
  const audit = (event: AuditEvent, record: T['record'], details: Record<string, unknown>) =>
    recordAudit(db, { actor, action: d.auditActions[event], target: `${d.auditTarget}:${record.id}`, details: { ...d.auditSubject(record, ctx), ...details } });
  const failure = (error: unknown, doing: string) => {
    if (!isManageError(error)) throw error;
    return describeFor(d, error, doing) ?? error.message;
  };

  // A wanted record that cannot be placed is not made: say so, and keep what is there.
  let changeFailed = false;
  for (const w of wanted) {
    const why = d.unplaceable?.(w, ctx);
    if (!why) continue;
    changeFailed = true;
    entries.push(entryFor({ wanted: w }, null, 'failed', why));
  }

  for (const item of plan) {
    if (item.action === 'keep') {
      entries.push(entryFor({ existing: item.existing }, item.existing.id, 'unchanged', 'Already registered as wanted; nothing changed.'));
    } else if (item.action === 'create') {
      try {
        const created = await d.manage.create(manage.client, d.createInput(item.wanted, ctx));
        entries.push(entryFor({ existing: created }, created.id, 'created', `Registered in Manage as ${d.words.one} ${created.id}.`));
        await audit('created', created, d.auditAddress(created));
      } catch (error) {
        changeFailed = true;
        entries.push(entryFor({ wanted: item.wanted }, null, 'failed', failure(error, `create ${d.wantedLabel(item.wanted)}`)));
      }
    } else if (item.action === 'update') {
      const { existing: before } = item;
      try {
        const updated = await d.manage.update(manage.client, before.id, d.repairInput(before, ctx));
        const what = item.differences.map((x) => d.words.differences[x]).join(', ');
        entries.push(entryFor({ existing: updated }, updated.id, 'updated', `Updated: ${what}.`));
        await audit('updated', updated, { changed: item.differences, from: d.auditAddress(before), ...d.auditAddress(updated) });
      } catch (error) {
        changeFailed = true;
        entries.push(entryFor({ existing: before }, before.id, 'failed', failure(error, `update ${d.words.one} ${before.id}`)));
      }
    } else if (item.reason === 'not_wanted' && changeFailed) {
      entries.push(entryFor({ existing: item.existing }, item.existing.id, 'kept', `Kept until ${d.words.allWanted} are all registered (a change above failed).`));
    } else {
      try {
        await d.manage.remove(manage.client, item.existing.id);
        const why = item.reason === 'duplicate' ? `a duplicate of ${d.words.one} ${item.duplicateOf}` : 'no longer wanted';
        entries.push(entryFor({ existing: item.existing }, item.existing.id, 'removed', `Removed: ${why}.`));
        await audit('removed', item.existing, { reason: item.reason, ...d.auditAddress(item.existing) });
      } catch (error) {
        entries.push(entryFor({ existing: item.existing }, item.existing.id, 'failed', failure(error, `remove ${d.words.one} ${item.existing.id}`)));
      }
    }
  }

  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<SyncOutcome, number>;
  for (const e of entries) counts[e.outcome]++;
  const registered = counts.created + counts.updated + counts.unchanged;
  const now = new Date().toISOString();
  const registration = d.toStored(choice, wanted, { updatedAt: now, updatedBy: actor, lastSync: { at: now, wanted: wanted.length, registered, failed: counts.failed } });
  await writeSetting(db, d.setting, d.storedSchema, registration);
  await recordAudit(db, { actor, action: d.auditActions.registered, target: d.setting, details: { ...d.auditChoice(choice, ctx), ...counts } });
  const parts = OUTCOMES.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  const ok = counts.failed === 0;
  const summary = ok
    ? d.doneSummary(choice, wanted, registered, parts.length ? ` (${parts.join(', ')})` : '')
    : `${plural(counts.failed, 'change')} failed: ${registered} of ${plural(wanted.length, d.words.one, d.words.many)} ${wanted.length === 1 ? 'is' : 'are'} registered (${parts.join(', ')}). ` +
      'Read the lines below, fix what they name, then register again.';
  return { ok, summary, entries, counts, registration };
}

async function findOurs<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, manage: RegistrationManage, id: number) {
  const address = await addressNow(d, db);
  const all = await listAll(d, manage.client);
  const record = all.find((r) => r.id === id);
  if (!record || !d.isOurs(record, address)) {
    throw new DeskbellApiError('not_found', `Manage has no Deskbell ${d.words.one} with id ${id}. Deskbell only changes its own ${d.words.own}.`);
  }
  return { record, all, address };
}

/** Rewrites one of ours to the wanted shape. */
export function repairRegistration<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, manage: RegistrationManage, id: number, actor: string): Promise<T['row']> {
  return serialized(d, async () => {
    const { record, address } = await findOurs(d, db, manage, id);
    const ctx: Context<T> = { address, lookups: await d.lookups(manage, { for: 'one' }) };
    const input = d.repairInput(record, ctx);
    let repaired: T['record'];
    try {
      repaired = await d.manage.update(manage.client, id, input);
    } catch (error) {
      throw apiErrorFor(d, error, `update ${d.words.one} ${id}`);
    }
    await recordAudit(db, {
      actor,
      action: d.auditActions.repaired,
      target: `${d.auditTarget}:${id}`,
      details: { ...d.auditSubject(record, ctx), changed: d.differences(record, ctx), from: d.auditAddress(record), ...d.auditAddress(repaired) },
    });
    const { wanted } = await wantedNow(d, db);
    return d.row(repaired, ctx, wanted);
  });
}

/** Deletes one of ours from Manage, and keeps the stored count of registered records honest. */
export function removeRegistration<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, manage: RegistrationManage, id: number, actor: string): Promise<{ removed: number }> {
  return serialized(d, async () => {
    const { record, all, address } = await findOurs(d, db, manage, id);
    try {
      await d.manage.remove(manage.client, id);
    } catch (error) {
      throw apiErrorFor(d, error, `remove ${d.words.one} ${id}`);
    }
    // Lookups are best effort here: without them the audit says less and the stored count stays as it was.
    const lookups = await d.lookups(manage, { for: 'one' }).then(
      (l) => ({ ok: true as const, l }),
      () => ({ ok: false as const }),
    );
    const ctx: Context<T> = { address, lookups: lookups.ok ? lookups.l : (undefined as T['lookups']) };
    await recordAudit(db, {
      actor,
      action: d.auditActions.removed,
      target: `${d.auditTarget}:${id}`,
      details: { ...(lookups.ok ? d.auditSubject(record, ctx) : {}), reason: 'removed_by_admin', ...d.auditAddress(record) },
    });
    const { stored, wanted } = await wantedNow(d, db);
    if (stored && lookups.ok) {
      const ours = all.filter((r) => r.id !== id && d.isOurs(r, ctx.address));
      const registered = coveredWanted(d, ours, wanted, ctx).length;
      if (registered !== stored.lastSync.registered) {
        await writeSetting(db, d.setting, d.storedSchema, { ...stored, lastSync: { ...stored.lastSync, registered } });
      }
    }
    return { removed: id };
  });
}

// ---------------------------------------------------------------------------------------------
// With the Manage context resolved on demand: what the routes, the pages and the demo call
// ---------------------------------------------------------------------------------------------

export async function registerInManage<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, resolve: ManageResolver, choice: T['choice'], actor: string) {
  return syncRegistration(d, db, await resolve(), choice, actor);
}

export async function repairInManage<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, resolve: ManageResolver, id: number, actor: string) {
  return repairRegistration(d, db, await resolve(), id, actor);
}

export async function removeFromManage<T extends RegistrationTypes>(d: RegistrationDescriptor<T>, db: DeskbellDatabase, resolve: ManageResolver, id: number, actor: string) {
  return removeRegistration(d, db, await resolve(), id, actor);
}
