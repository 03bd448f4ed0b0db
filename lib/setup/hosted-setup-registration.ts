import 'server-only';
import { createOneAtATime } from './one-at-a-time';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import type { ManageClient } from '@/lib/connectwise/client';
import { isManageError } from '@/lib/connectwise/errors';
import {
  createHostedSetup,
  deleteHostedSetup,
  listHostedScreens,
  listHostedSetups,
  updateHostedSetup,
  type CreateHostedSetupInput,
  type ManageHostedScreen,
} from '@/lib/connectwise/hosted-setups';
import { isCloudHost } from '@/lib/connectwise/hosts';
import { classifyAddressSpace } from './address-space';
import type { ManageHostedSetup } from '@/lib/connectwise/types';
import { deskbellPublicUrl } from '@/lib/env';
import { SecretKeyMissingError } from '@/lib/secrets/secret-box';
import { describeManageConnection } from '@/lib/settings/manage-connection';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { loadAppManageContext } from './manage-access';
import { plural } from '@/lib/text/plural';

/**
 * Step 8: the Manage pod (and the optional tabs), registered from the wizard as Manage Hosted
 * API setups. The pod on the Service Ticket screen is always wanted; a tab on the Service
 * Ticket screen and one on the Company screen are the admin's choice. syncHostedSetups makes
 * Manage's hosted setups match that choice and nothing else: it creates what is missing,
 * rewrites ours that drifted (another URL or origin, a changed height, disabled), removes
 * duplicates and what is no longer wanted, and never touches another integration's setup.
 *
 * "Ours" is a setup whose URL is Deskbell's pod page on Deskbell's public origin. The pod URL
 * holds no secret (the pod proves the member to Manage before it shows anything), so it is
 * shown and audited as is.
 */

export const POD_REGISTRATION_SETTING = 'pod.registration';
export const POD_PATH = '/pod';
/** Manage substitutes the record id and the screen name. */
export const POD_QUERY = '?id=[cw_id]&screen=[cw_screen]';
/**
 * Pixels. Enough for the replay's thumbnail strip and the details at a glance (host, user,
 * message) without scrolling the ticket screen away; the tab has the room for the rest.
 */
export const POD_HEIGHT = 360;

export type HostedScreenKey = 'ticket' | 'company';
export type HostedKind = 'ticket-pod' | 'ticket-tab' | 'company-tab';

type KindSpec = { screen: HostedScreenKey; type: 'Pod' | 'Tab'; description: string; label: string; optional: boolean };

/** Descriptions are what Manage shows as the pod's title or the tab's label (at most 50 characters). */
export const HOSTED_KINDS: Record<HostedKind, KindSpec> = {
  'ticket-pod': { screen: 'ticket', type: 'Pod', description: 'Deskbell Instant Replay', label: 'the Service Ticket pod', optional: false },
  'ticket-tab': { screen: 'ticket', type: 'Tab', description: 'Deskbell', label: 'the Service Ticket tab', optional: true },
  'company-tab': { screen: 'company', type: 'Tab', description: 'Deskbell presses', label: 'the Company tab', optional: true },
};
const KIND_ORDER: readonly HostedKind[] = ['ticket-pod', 'ticket-tab', 'company-tab'];

/**
 * The screens by the names Manage gives them, compared case-insensitively with spaces
 * collapsed. Only exact names: "Project Ticket" must never pass for the Service Ticket screen.
 */
export const HOSTED_SCREEN_NAMES: Record<HostedScreenKey, { display: string; accepted: readonly string[] }> = {
  ticket: { display: 'Service Ticket', accepted: ['service ticket', 'service tickets'] },
  company: { display: 'Company', accepted: ['company', 'companies'] },
};

// ---------------------------------------------------------------------------------------------
// The desired configuration
// ---------------------------------------------------------------------------------------------

/** Which of the optional tabs the admin ticked; the pod itself is always registered. */
export const podChoiceSchema = z.object({
  tabs: z.object({ ticket: z.boolean(), company: z.boolean() }, { error: 'Say which tabs to register: {"tabs": {"ticket": true|false, "company": true|false}}.' }),
});
export type PodChoice = z.infer<typeof podChoiceSchema>;

const lastSyncSchema = z.object({
  at: z.string(),
  /** Hosted setups the choice asks for (the pod plus the ticked tabs). */
  wanted: z.number().int().min(0),
  /** Wanted setups that existed in Manage after the sync. */
  registered: z.number().int().min(0),
  /** Creates, updates or removals that failed (Manage refused, or a screen was missing). */
  failed: z.number().int().min(0),
});

export const podRegistrationSchema = podChoiceSchema.extend({ updatedAt: z.string(), updatedBy: z.string(), lastSync: lastSyncSchema });
export type PodRegistration = z.infer<typeof podRegistrationSchema>;

export async function readPodRegistration(db: DeskbellDatabase): Promise<PodRegistration | undefined> {
  return readSetting(db, POD_REGISTRATION_SETTING, podRegistrationSchema);
}

// ---------------------------------------------------------------------------------------------
// Pure pieces: what we want, what is ours, the plan
// ---------------------------------------------------------------------------------------------

export type WantedHostedSetup = { kind: HostedKind; screen: HostedScreenKey; type: 'Pod' | 'Tab'; description: string; podHeight: number | null };

export function wantedHostedSetups(choice: PodChoice): WantedHostedSetup[] {
  const kinds = KIND_ORDER.filter((k) => k === 'ticket-pod' || (k === 'ticket-tab' && choice.tabs.ticket) || (k === 'company-tab' && choice.tabs.company));
  return kinds.map((kind) => {
    const spec = HOSTED_KINDS[kind];
    return { kind, screen: spec.screen, type: spec.type, description: spec.description, podHeight: spec.type === 'Pod' ? POD_HEIGHT : null };
  });
}

/** Deskbell's public URL: what technicians' browsers (inside Manage) use to load the pod. */
export function podPublicUrl(): string {
  return deskbellPublicUrl();
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export type PodAddress = { publicUrl: string; origin: string; url: string };

/** The origin Manage must post to and the URL it frames, with Manage's tokens. */
export function podAddressFor(publicUrl: string): PodAddress {
  const origin = originOf(publicUrl);
  if (origin === null || origin === 'null') {
    throw new DeskbellApiError('conflict', `Deskbell's public URL "${publicUrl}" is not a valid URL: set DESKBELL_PUBLIC_URL to the https address technicians reach Deskbell at.`);
  }
  return { publicUrl, origin, url: `${origin}${POD_PATH}${POD_QUERY}` };
}

/** Ours: Deskbell's pod page on our public origin (whatever its query). Never a look-alike path like /podcast. */
export function isOurHostedSetupUrl(url: string, publicUrl: string): boolean {
  const origin = originOf(publicUrl);
  if (origin === null) return false;
  const prefix = `${origin}${POD_PATH}`;
  if (!url.startsWith(prefix)) return false;
  return ['', '?', '/', '#'].includes(url.charAt(prefix.length));
}

function normalizeName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The screen Manage lists for `key`, by name; null when Manage has no such screen. */
export function findHostedScreen(screens: readonly ManageHostedScreen[], key: HostedScreenKey): ManageHostedScreen | null {
  const accepted = HOSTED_SCREEN_NAMES[key].accepted;
  return screens.find((s) => accepted.includes(normalizeName(s.name))) ?? null;
}

/** The screen ids the wanted setups go on; null where Manage lists no such screen. */
export type ResolvedScreens = Record<HostedScreenKey, number | null>;

export function resolveHostedScreens(screens: readonly ManageHostedScreen[]): ResolvedScreens {
  return { ticket: findHostedScreen(screens, 'ticket')?.id ?? null, company: findHostedScreen(screens, 'company')?.id ?? null };
}

/** Which of our kinds an existing setup is (by screen and type), or null: a kind Deskbell does not register. */
export function kindOf(setup: Pick<ManageHostedSetup, 'screenId' | 'type'>, screens: ResolvedScreens): HostedKind | null {
  const type = setup.type.toLowerCase();
  if (screens.ticket !== null && setup.screenId === screens.ticket) return type === 'pod' ? 'ticket-pod' : type === 'tab' ? 'ticket-tab' : null;
  if (screens.company !== null && setup.screenId === screens.company) return type === 'tab' ? 'company-tab' : null;
  return null;
}

export type HostedSetupDifference = 'url' | 'origin' | 'podHeight' | 'disabled' | 'description';

/** What differs from the shape we register for `kind` (or, for a kind we do not register, from our URL and origin). */
export function hostedSetupDifferences(existing: ManageHostedSetup, kind: HostedKind | null, address: Pick<PodAddress, 'url' | 'origin'>): HostedSetupDifference[] {
  const out: HostedSetupDifference[] = [];
  if (existing.url !== address.url) out.push('url');
  if ((existing.origin === null ? null : originOf(existing.origin)) !== address.origin) out.push('origin');
  if (kind !== null) {
    const spec = HOSTED_KINDS[kind];
    if (spec.type === 'Pod' && existing.podHeight !== POD_HEIGHT) out.push('podHeight');
    if (existing.disabled) out.push('disabled');
    if (existing.description !== spec.description) out.push('description');
  } else if (existing.disabled) {
    out.push('disabled');
  }
  return out;
}

export type PlanContext = { publicUrl: string; url: string; origin: string; screens: ResolvedScreens };

export type HostedSetupPlanItem =
  | { action: 'create'; wanted: WantedHostedSetup; screenId: number }
  | { action: 'update'; wanted: WantedHostedSetup; existing: ManageHostedSetup; differences: HostedSetupDifference[] }
  | { action: 'keep'; wanted: WantedHostedSetup; existing: ManageHostedSetup }
  | { action: 'delete'; existing: ManageHostedSetup; reason: 'duplicate' | 'not_wanted'; duplicateOf?: number };

/**
 * Pure: how to get from Manage's hosted setups to the wanted ones. Only ours are considered.
 * Wanted setups whose screen Manage does not list are left out (the caller reports them).
 * Per wanted kind, the closest of ours is kept (fewest differences, then the oldest id) and
 * updated when needed; the others of that kind are duplicates, and ours of kinds no longer
 * wanted go too. Creates and updates come first, removals last, so a failure half-way never
 * leaves technicians with fewer pods than before.
 */
export function planHostedSetupSync(existing: readonly ManageHostedSetup[], wanted: readonly WantedHostedSetup[], ctx: PlanContext): HostedSetupPlanItem[] {
  const ours = existing.filter((s) => isOurHostedSetupUrl(s.url, ctx.publicUrl));
  const claimed = new Set<number>();
  const changes: HostedSetupPlanItem[] = [];
  const removals: HostedSetupPlanItem[] = [];
  for (const w of wanted) {
    const screenId = ctx.screens[w.screen];
    if (screenId === null) continue;
    const candidates = ours
      .filter((s) => !claimed.has(s.id) && kindOf(s, ctx.screens) === w.kind)
      .map((s) => ({ s, differences: hostedSetupDifferences(s, w.kind, ctx) }))
      .sort((a, b) => a.differences.length - b.differences.length || a.s.id - b.s.id);
    const best = candidates[0];
    if (!best) {
      changes.push({ action: 'create', wanted: w, screenId });
      continue;
    }
    for (const { s } of candidates) claimed.add(s.id);
    changes.push(
      best.differences.length === 0 ? { action: 'keep', wanted: w, existing: best.s } : { action: 'update', wanted: w, existing: best.s, differences: best.differences },
    );
    for (const { s } of candidates.slice(1)) removals.push({ action: 'delete', existing: s, reason: 'duplicate', duplicateOf: best.s.id });
  }
  for (const s of ours) {
    if (!claimed.has(s.id)) removals.push({ action: 'delete', existing: s, reason: 'not_wanted' });
  }
  removals.sort((a, b) => (a.action === 'delete' && b.action === 'delete' ? a.existing.id - b.existing.id : 0));
  return [...changes, ...removals];
}

/** Wanted kinds that one of ours covers (whatever its state). */
export function coveredKinds(ours: readonly ManageHostedSetup[], wanted: readonly WantedHostedSetup[], screens: ResolvedScreens): HostedKind[] {
  return wanted.filter((w) => ours.some((s) => kindOf(s, screens) === w.kind)).map((w) => w.kind);
}

/** What an admin does about a public URL the technicians' browsers cannot use. */
const SERVE_PUBLICLY =
  'Serve Deskbell on a public https name that your technicians\u2019 browsers can reach (for example behind a reverse proxy), ' +
  'set DESKBELL_PUBLIC_URL to it, restart Deskbell, then press Update registration.';

/**
 * Why technicians may not see the pod though it is registered: a public URL their browsers
 * cannot reach (loopback), a private address that a Manage page from the internet may not
 * frame (browsers' local-network protection), or plain http inside Manage's https page.
 */
export function podReachabilityWarnings(publicUrl: string, manageEndpoint: string | null): string[] {
  let pub: URL;
  try {
    pub = new URL(publicUrl);
  } catch {
    return [`Deskbell's public URL "${publicUrl}" is not a valid URL: set DESKBELL_PUBLIC_URL to the https address technicians reach Deskbell at.`];
  }
  if (manageEndpoint === null) return [];
  let manageHost: string;
  try {
    manageHost = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(manageEndpoint) ? manageEndpoint : `https://${manageEndpoint}`).hostname;
  } catch {
    return [];
  }
  const manage = classifyAddressSpace(manageHost);
  // Both on this computer: the simulator and demo setups, where nothing is framed from afar.
  if (manage.space === 'loopback') return [];
  const deskbell = classifyAddressSpace(pub.hostname);
  if (deskbell.space === 'loopback') {
    return [
      `Deskbell's public URL is ${publicUrl}, a loopback address: Manage (${manageHost}) is elsewhere, and each technician's browser would look for the pod on its own computer. ` +
        SERVE_PUBLICLY,
    ];
  }
  const warnings: string[] = [];
  // Manage on a private address too (on-premises, opened inside the network) may frame a private pod.
  if (deskbell.space === 'private' && manage.space === 'public') {
    const where = isCloudHost(manageHost)
      ? `Manage (${manageHost}) is a ConnectWise cloud site on the internet`
      : `If your technicians open Manage (${manageHost}) at an address on the internet`;
    warnings.push(
      `Deskbell's public URL is ${publicUrl}, and ${deskbell.words}. ${where}, and Chrome and Edge refuse to show a page on a private address inside a page from the internet: ` +
        'the technician sees an empty pod, and the browser reports ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS. ' +
        SERVE_PUBLICLY,
    );
  }
  if (pub.protocol === 'http:') {
    const cloud = isCloudHost(manageHost) ? ` ${manageHost} is a ConnectWise cloud site, which only frames https pages.` : '';
    warnings.push(
      `Deskbell's public URL ${publicUrl} uses plain http. Manage shows the pod inside its own https page, and browsers block an http frame there (mixed content).${cloud} ` +
        'Set DESKBELL_PUBLIC_URL to an https address, restart Deskbell, then press Update registration.',
    );
  }
  return warnings;
}

function screenLabel(screenId: number, names: ReadonlyMap<number, string>): string {
  return names.get(screenId) ?? `screen ${screenId}`;
}

/** "Pod on Service Ticket", "Tab on Company", "ToolbarButton on screen 42". */
export function describeHostedSetup(s: Pick<ManageHostedSetup, 'screenId' | 'type'>, names: ReadonlyMap<number, string>): string {
  return `${s.type} on ${screenLabel(s.screenId, names)}`;
}

// ---------------------------------------------------------------------------------------------
// Manage failures, as sentences
// ---------------------------------------------------------------------------------------------

const ROLE = 'System > Security Roles > (the API member\u2019s role)';
const HOSTED_PERMISSION_FIX =
  `In Manage open ${ROLE} > System > Table Setup and set the Add, Edit, Delete and Inquire levels to All, ` +
  'or register the pod by hand (see "Prefer to do it by hand?" below).';

/** What went wrong while `doing` something in Manage, as a sentence the admin can act on. */
export function describeHostedManageError(error: unknown, doing: string): string | null {
  if (!isManageError(error)) return null;
  if (error.status === 403) return `Manage refused to ${doing} (403 Forbidden): the API member\u2019s security role does not allow it. ${HOSTED_PERMISSION_FIX}`;
  if (error.status === 401) return `Manage refused the API key while trying to ${doing} (401). Check step 1 (Connection). ${error.message}`;
  if (error.status === 404 && doing.includes('screens')) {
    return `Manage does not offer its list of Hosted API screens (404): it may be too old for pods. Register the pod by hand (see "Prefer to do it by hand?" below). ${error.message}`;
  }
  if (error.status === null) return `Manage could not be reached while trying to ${doing}: ${error.message}`;
  return `Manage could not ${doing}: ${error.message}`;
}

function toHostedApiError(error: unknown, doing: string): unknown {
  const message = describeHostedManageError(error, doing);
  if (message === null || !isManageError(error)) {
    if (error instanceof SecretKeyMissingError) return new DeskbellApiError('conflict', error.message);
    return error;
  }
  return new DeskbellApiError('bad_gateway', message, { manageStatus: error.status, manageCode: error.code });
}

function missingScreenMessage(key: HostedScreenKey, screens: readonly ManageHostedScreen[]): string {
  const listed = screens.map((s) => s.name).filter((n) => n !== '');
  const shown = listed.length === 0 ? 'none' : listed.slice(0, 12).join(', ') + (listed.length > 12 ? ', \u2026' : '');
  return (
    `Manage lists no "${HOSTED_SCREEN_NAMES[key].display}" screen for the Hosted API (it lists: ${shown}), so nothing can be registered there. ` +
    'Check System > Setup Tables > Manage Hosted API > New > Screen in Manage, and register it by hand if the screen has another name.'
  );
}

// ---------------------------------------------------------------------------------------------
// Talking to Manage
// ---------------------------------------------------------------------------------------------

export type HostedManage = { client: ManageClient };

/** One registration change at a time in this process. */
const serialized = createOneAtATime();

async function listAllSetups(client: ManageClient): Promise<ManageHostedSetup[]> {
  try {
    return await listHostedSetups(client);
  } catch (error) {
    throw toHostedApiError(error, 'list its hosted setups (Manage Hosted API)');
  }
}

async function listScreens(client: ManageClient): Promise<ManageHostedScreen[]> {
  try {
    return await listHostedScreens(client);
  } catch (error) {
    throw toHostedApiError(error, 'list its Hosted API screens');
  }
}

function inputFor(kind: HostedKind, screenId: number, address: PodAddress): CreateHostedSetupInput {
  const spec = HOSTED_KINDS[kind];
  return {
    screenId,
    description: spec.description,
    url: address.url,
    type: spec.type,
    origin: address.origin,
    ...(spec.type === 'Pod' ? { podHeight: POD_HEIGHT } : {}),
    disabled: false,
  };
}

const DIFFERENCE_WORDS: Record<HostedSetupDifference, string> = {
  url: 'the URL',
  origin: 'the origin',
  podHeight: `the pod height (${POD_HEIGHT} px)`,
  disabled: 'enabled again',
  description: 'the description',
};

export type HostedSyncOutcome = 'created' | 'updated' | 'unchanged' | 'removed' | 'failed' | 'kept';

export type HostedSyncEntry = {
  outcome: HostedSyncOutcome;
  /** Manage's hosted setup id; null when a create failed or could not be tried. */
  id: number | null;
  kind: HostedKind | null;
  /** "Pod on Service Ticket". */
  target: string;
  message: string;
};

export type HostedSyncReport = {
  ok: boolean;
  summary: string;
  entries: HostedSyncEntry[];
  counts: Record<HostedSyncOutcome, number>;
  registration: PodRegistration;
};

/**
 * Makes Manage's hosted setups match `choice` (idempotent: a second run changes nothing),
 * stores the choice, and audits every change. Manage refusing one change does not stop the
 * others; removals of setups no longer wanted wait until every wanted one is in place.
 */
export function syncHostedSetups(db: DeskbellDatabase, manage: HostedManage, choice: PodChoice, actor: string): Promise<HostedSyncReport> {
  return serialized(() => syncNow(db, manage, podChoiceSchema.parse(choice), actor));
}

async function syncNow(db: DeskbellDatabase, manage: HostedManage, choice: PodChoice, actor: string): Promise<HostedSyncReport> {
  const address = podAddressFor(podPublicUrl());
  const screenList = await listScreens(manage.client);
  const screens = resolveHostedScreens(screenList);
  const names = new Map(screenList.map((s) => [s.id, s.name]));
  const existing = await listAllSetups(manage.client);
  const wanted = wantedHostedSetups(choice);
  const plan = planHostedSetupSync(existing, wanted, { ...address, screens });

  const entries: HostedSyncEntry[] = [];
  const entryFor = (s: Pick<ManageHostedSetup, 'screenId' | 'type'>, id: number | null, outcome: HostedSyncOutcome, message: string): HostedSyncEntry => ({
    outcome,
    id,
    kind: kindOf(s, screens),
    target: describeHostedSetup(s, names),
    message,
  });
  const audit = (action: string, id: number | null, s: Pick<ManageHostedSetup, 'screenId' | 'type'>, details: Record<string, unknown>) =>
    recordAudit(db, {
      actor,
      action,
      target: id === null ? 'manage-hosted-setup' : `manage-hosted-setup:${id}`,
      details: { screenId: s.screenId, screen: names.get(s.screenId) ?? null, type: s.type, ...details },
    });

  // A wanted setup on a screen Manage does not list cannot be made: say so, and keep what is there.
  let changeFailed = false;
  for (const w of wanted) {
    if (screens[w.screen] !== null) continue;
    changeFailed = true;
    entries.push({ outcome: 'failed', id: null, kind: w.kind, target: `${w.type} on ${HOSTED_SCREEN_NAMES[w.screen].display}`, message: missingScreenMessage(w.screen, screenList) });
  }

  for (const item of plan) {
    if (item.action === 'keep') {
      entries.push(entryFor(item.existing, item.existing.id, 'unchanged', 'Already registered as wanted; nothing changed.'));
    } else if (item.action === 'create') {
      try {
        const created = await createHostedSetup(manage.client, inputFor(item.wanted.kind, item.screenId, address));
        entries.push(entryFor(created, created.id, 'created', `Registered in Manage as hosted setup ${created.id}.`));
        await audit('setup.pod.created', created.id, created, { kind: item.wanted.kind, url: address.url, origin: address.origin, podHeight: created.podHeight });
      } catch (error) {
        if (!isManageError(error)) throw error;
        changeFailed = true;
        const shape = { screenId: item.screenId, type: item.wanted.type };
        entries.push(entryFor(shape, null, 'failed', describeHostedManageError(error, `create ${HOSTED_KINDS[item.wanted.kind].label}`) ?? error.message));
      }
    } else if (item.action === 'update') {
      try {
        const updated = await updateHostedSetup(manage.client, item.existing.id, inputFor(item.wanted.kind, item.existing.screenId, address));
        entries.push(entryFor(updated, updated.id, 'updated', `Updated: ${item.differences.map((d) => DIFFERENCE_WORDS[d]).join(', ')}.`));
        await audit('setup.pod.updated', updated.id, updated, { kind: item.wanted.kind, changed: item.differences, from: { url: item.existing.url, origin: item.existing.origin }, url: address.url });
      } catch (error) {
        if (!isManageError(error)) throw error;
        changeFailed = true;
        entries.push(entryFor(item.existing, item.existing.id, 'failed', describeHostedManageError(error, `update hosted setup ${item.existing.id}`) ?? error.message));
      }
    } else if (item.reason === 'not_wanted' && changeFailed) {
      entries.push(entryFor(item.existing, item.existing.id, 'kept', 'Kept until the wanted pod and tabs are all registered (a change above failed).'));
    } else {
      try {
        await deleteHostedSetup(manage.client, item.existing.id);
        const why = item.reason === 'duplicate' ? `a duplicate of hosted setup ${item.duplicateOf}` : 'no longer wanted';
        entries.push(entryFor(item.existing, item.existing.id, 'removed', `Removed: ${why}.`));
        await audit('setup.pod.removed', item.existing.id, item.existing, { reason: item.reason, url: item.existing.url });
      } catch (error) {
        if (!isManageError(error)) throw error;
        entries.push(entryFor(item.existing, item.existing.id, 'failed', describeHostedManageError(error, `remove hosted setup ${item.existing.id}`) ?? error.message));
      }
    }
  }

  const counts: Record<HostedSyncOutcome, number> = { created: 0, updated: 0, unchanged: 0, removed: 0, failed: 0, kept: 0 };
  for (const e of entries) counts[e.outcome]++;
  const registered = entries.filter((e) => ['created', 'updated', 'unchanged'].includes(e.outcome)).length;
  const now = new Date().toISOString();
  const registration: PodRegistration = {
    tabs: { ...choice.tabs },
    updatedAt: now,
    updatedBy: actor,
    lastSync: { at: now, wanted: wanted.length, registered, failed: counts.failed },
  };
  await writeSetting(db, POD_REGISTRATION_SETTING, podRegistrationSchema, registration);
  await recordAudit(db, {
    actor,
    action: 'setup.pod.registered',
    target: POD_REGISTRATION_SETTING,
    details: { tabs: choice.tabs, url: address.url, origin: address.origin, podHeight: POD_HEIGHT, ...counts },
  });
  const parts = (['created', 'updated', 'unchanged', 'removed', 'failed', 'kept'] as const).filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  const ok = counts.failed === 0;
  const labels = wanted.map((w) => HOSTED_KINDS[w.kind].label);
  const summary = ok
    ? `Registered in Manage: ${labels.join(', ')}${parts.length ? ` (${parts.join(', ')})` : ''}.`
    : `${plural(counts.failed, 'change')} failed: ${registered} of ${plural(wanted.length, 'hosted setup')} ${wanted.length === 1 ? 'is' : 'are'} registered (${parts.join(', ')}). Read the lines below, fix what they name, then register again.`;
  return { ok, summary, entries, counts, registration };
}

// ---------------------------------------------------------------------------------------------
// The list, one repair, one removal
// ---------------------------------------------------------------------------------------------

export type HostedSetupRowState = 'active' | 'disabled' | 'needs_repair';

export type HostedSetupRow = {
  id: number;
  screenId: number;
  /** Manage's name for the screen, or "screen <id>". */
  screen: string;
  type: string;
  podHeight: number | null;
  kind: HostedKind | null;
  state: HostedSetupRowState;
  /** Why it is disabled or needs a repair, in sentences. */
  problems: string[];
  url: string;
  origin: string | null;
  description: string;
  /** Part of the stored choice (false: Update registration removes it). */
  wanted: boolean;
  /** Repair can rewrite it (a pod or tab on a screen Deskbell registers, not already as wanted). */
  repairable: boolean;
};

export type PodStepState = {
  registration: PodRegistration | null;
  publicUrl: string;
  /** What Manage must allow to post messages (the Origin field). */
  origin: string;
  /** The URL Manage frames, with `[cw_id]` and `[cw_screen]`. */
  podUrl: string;
  podHeight: number;
  /** What Register creates: the pod always, the tabs when ticked. */
  kinds: { kind: HostedKind; label: string; screen: string; type: 'Pod' | 'Tab'; description: string; podHeight: number | null; optional: boolean }[];
  /** Ours in Manage. */
  setups: HostedSetupRow[];
  /** Kinds of the stored choice that have no setup in Manage. */
  missing: { kind: HostedKind; label: string }[];
  /** Hosted setups in Manage that are not Deskbell's (never touched). */
  otherSetups: number;
  /** The screens found by name; null where Manage lists no such screen (or could not be asked). */
  screens: Record<HostedScreenKey, { id: number; name: string } | null>;
  /** A sentence when a screen Deskbell needs is missing from Manage's list. */
  screensProblem: string | null;
  /** Manage could not be asked (not connected, refused, unreachable); the lists are then empty. */
  problem: string | null;
  warnings: string[];
};

const PROBLEM_WORDS: Record<HostedSetupDifference, string> = {
  url: 'Its URL is not Deskbell\u2019s pod URL. Repair writes the current one.',
  origin: 'Its origin is not Deskbell\u2019s public origin, so Manage would not talk to the pod. Repair sets it.',
  podHeight: `Its pod height is not ${POD_HEIGHT} px. Repair sets it.`,
  disabled: 'It is disabled in Manage, so technicians do not see it. Repair enables it again.',
  description: 'Its description (the title Manage shows) was changed. Repair restores it.',
};

export function toHostedSetupRow(
  s: ManageHostedSetup,
  ctx: { address: Pick<PodAddress, 'url' | 'origin'>; screens: ResolvedScreens; names: ReadonlyMap<number, string>; wanted: readonly WantedHostedSetup[] },
): HostedSetupRow {
  const kind = kindOf(s, ctx.screens);
  const differences = hostedSetupDifferences(s, kind, ctx.address);
  const problems = differences.map((d) => PROBLEM_WORDS[d]);
  if (kind === null) problems.push(`Deskbell does not register a ${s.type} on ${screenLabel(s.screenId, ctx.names)}: Update registration removes it.`);
  const state: HostedSetupRowState = s.disabled ? 'disabled' : differences.length > 0 ? 'needs_repair' : 'active';
  return {
    id: s.id,
    screenId: s.screenId,
    screen: screenLabel(s.screenId, ctx.names),
    type: s.type,
    podHeight: s.podHeight,
    kind,
    state,
    problems,
    url: s.url,
    origin: s.origin,
    description: s.description,
    wanted: kind !== null && ctx.wanted.some((w) => w.kind === kind),
    repairable: kind !== null && differences.length > 0,
  };
}

function kindsFor(): PodStepState['kinds'] {
  return KIND_ORDER.map((kind) => {
    const spec = HOSTED_KINDS[kind];
    return {
      kind,
      label: spec.label,
      screen: HOSTED_SCREEN_NAMES[spec.screen].display,
      type: spec.type,
      description: spec.description,
      podHeight: spec.type === 'Pod' ? POD_HEIGHT : null,
      optional: spec.optional,
    };
  });
}

async function localState(db: DeskbellDatabase): Promise<Pick<PodStepState, 'registration' | 'publicUrl' | 'origin' | 'podUrl' | 'podHeight' | 'kinds' | 'warnings'>> {
  const [registration, connection] = await Promise.all([readPodRegistration(db), describeManageConnection(db)]);
  const publicUrl = podPublicUrl();
  const address = podAddressFor(publicUrl);
  return {
    registration: registration ?? null,
    publicUrl,
    origin: address.origin,
    podUrl: address.url,
    podHeight: POD_HEIGHT,
    kinds: kindsFor(),
    warnings: podReachabilityWarnings(publicUrl, connection?.endpoint ?? null),
  };
}

/** Our hosted setups in Manage with their state, the stored choice, and the screens found. */
export async function listPodState(db: DeskbellDatabase, manage: HostedManage): Promise<PodStepState> {
  const local = await localState(db);
  const screenList = await listScreens(manage.client);
  const existing = await listAllSetups(manage.client);
  const screens = resolveHostedScreens(screenList);
  const names = new Map(screenList.map((s) => [s.id, s.name]));
  const wanted = local.registration ? wantedHostedSetups(local.registration) : [];
  const ours = existing.filter((s) => isOurHostedSetupUrl(s.url, local.publicUrl));
  const covered = coveredKinds(ours, wanted, screens);
  const absent = (['ticket', 'company'] as const).filter((k) => screens[k] === null);
  const found = (key: HostedScreenKey) => {
    const screen = findHostedScreen(screenList, key);
    return screen ? { id: screen.id, name: screen.name } : null;
  };
  return {
    ...local,
    setups: ours.map((s) => toHostedSetupRow(s, { address: { url: local.podUrl, origin: local.origin }, screens, names, wanted })),
    missing: wanted.filter((w) => !covered.includes(w.kind)).map((w) => ({ kind: w.kind, label: HOSTED_KINDS[w.kind].label })),
    otherSetups: existing.length - ours.length,
    screens: { ticket: found('ticket'), company: found('company') },
    screensProblem: absent.length === 0 ? null : absent.map((k) => missingScreenMessage(k, screenList)).join(' '),
    problem: null,
  };
}

async function findOurs(manage: HostedManage, id: number): Promise<{ setup: ManageHostedSetup; all: ManageHostedSetup[]; address: PodAddress }> {
  const address = podAddressFor(podPublicUrl());
  const all = await listAllSetups(manage.client);
  const setup = all.find((s) => s.id === id);
  if (!setup || !isOurHostedSetupUrl(setup.url, address.publicUrl)) {
    throw new DeskbellApiError('not_found', `Manage has no Deskbell hosted setup with id ${id}. Deskbell only changes its own pods and tabs.`);
  }
  return { setup, all, address };
}

/** Rewrites one of ours to the wanted shape for its kind: our URL and origin, enabled, the pod height. */
export function repairHostedSetup(db: DeskbellDatabase, manage: HostedManage, id: number, actor: string): Promise<HostedSetupRow> {
  return serialized(async () => {
    const { setup, address } = await findOurs(manage, id);
    const screenList = await listScreens(manage.client);
    const screens = resolveHostedScreens(screenList);
    const names = new Map(screenList.map((s) => [s.id, s.name]));
    const kind = kindOf(setup, screens);
    if (kind === null) {
      throw new DeskbellApiError(
        'unprocessable_entity',
        `Hosted setup ${id} is a ${setup.type} on ${screenLabel(setup.screenId, names)}, which Deskbell does not register, so it cannot be repaired. Remove it instead.`,
      );
    }
    let repaired: ManageHostedSetup;
    try {
      repaired = await updateHostedSetup(manage.client, id, inputFor(kind, setup.screenId, address));
    } catch (error) {
      throw toHostedApiError(error, `update hosted setup ${id}`);
    }
    await recordAudit(db, {
      actor,
      action: 'setup.pod.repaired',
      target: `manage-hosted-setup:${id}`,
      details: {
        screenId: setup.screenId,
        screen: names.get(setup.screenId) ?? null,
        type: setup.type,
        kind,
        changed: hostedSetupDifferences(setup, kind, address),
        from: { url: setup.url, origin: setup.origin },
        url: address.url,
      },
    });
    const registration = await readPodRegistration(db);
    return toHostedSetupRow(repaired, { address, screens, names, wanted: registration ? wantedHostedSetups(registration) : [] });
  });
}

/** Deletes one of ours from Manage, and keeps the stored count of registered setups honest. */
export function removeHostedSetup(db: DeskbellDatabase, manage: HostedManage, id: number, actor: string): Promise<{ removed: number }> {
  return serialized(async () => {
    const { setup, all, address } = await findOurs(manage, id);
    try {
      await deleteHostedSetup(manage.client, id);
    } catch (error) {
      throw toHostedApiError(error, `remove hosted setup ${id}`);
    }
    await recordAudit(db, {
      actor,
      action: 'setup.pod.removed',
      target: `manage-hosted-setup:${id}`,
      details: { screenId: setup.screenId, type: setup.type, reason: 'removed_by_admin', url: setup.url },
    });
    const registration = await readPodRegistration(db);
    if (registration) {
      // The count only needs the screen ids; without them the stored count stays as it was.
      const screens = await listHostedScreens(manage.client).then(resolveHostedScreens, () => null);
      if (screens) {
        const ours = all.filter((s) => s.id !== id && isOurHostedSetupUrl(s.url, address.publicUrl));
        const registered = coveredKinds(ours, wantedHostedSetups(registration), screens).length;
        if (registered !== registration.lastSync.registered) {
          await writeSetting(db, POD_REGISTRATION_SETTING, podRegistrationSchema, { ...registration, lastSync: { ...registration.lastSync, registered } });
        }
      }
    }
    return { removed: id };
  });
}

// ---------------------------------------------------------------------------------------------
// What the routes and the page call: the app's Manage context, errors as API errors
// ---------------------------------------------------------------------------------------------

async function appManage(db: DeskbellDatabase): Promise<HostedManage> {
  const context = await loadAppManageContext(db);
  return { client: context.client };
}

/**
 * The step's state for the page and GET. When Manage cannot be asked, the answer still
 * carries the pod URL, origin and the stored choice (for the manual route), with `problem` set.
 */
export async function loadPodStep(db: DeskbellDatabase): Promise<PodStepState> {
  try {
    return await listPodState(db, await appManage(db));
  } catch (error) {
    if (!(error instanceof DeskbellApiError) || error.code === 'not_found') throw error;
    const local = await localState(db);
    return {
      ...local,
      setups: [],
      missing: [],
      otherSetups: 0,
      screens: { ticket: null, company: null },
      screensProblem: null,
      problem: error.message,
    };
  }
}

export async function registerPod(db: DeskbellDatabase, choice: PodChoice, actor: string): Promise<HostedSyncReport> {
  return syncHostedSetups(db, await appManage(db), choice, actor);
}

export async function repairHostedSetupForAdmin(db: DeskbellDatabase, id: number, actor: string): Promise<HostedSetupRow> {
  return repairHostedSetup(db, await appManage(db), id, actor);
}

export async function removeHostedSetupForAdmin(db: DeskbellDatabase, id: number, actor: string): Promise<{ removed: number }> {
  return removeHostedSetup(db, await appManage(db), id, actor);
}
