import 'server-only';
import { z } from 'zod';
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
import type { ManageHostedSetup } from '@/lib/connectwise/types';
import { DeskbellApiError } from '@/lib/http/errors';
import { classifyAddressSpace } from './address-space';
import { toRegistrationApiError, describeManageFailure, type Context, type RegistrationDescriptor, type RegistrationRow, type RowState, type StepState, type SyncReport } from './reconciler';
import { deskbellPublicUrl } from '@/lib/env';
import { originOf } from '@/lib/http/request-origin';

/**
 * The Manage pod (and the optional tabs), as a descriptor of the registration reconciler.
 * Manage keeps them in its Hosted API table ("Manage Hosted API"); Deskbell calls each record a
 * Hosted API entry. The pod on the Service Ticket screen is always wanted; a tab on the Service
 * Ticket screen and one on the Company screen are the admin's choice.
 *
 * "Ours" is an entry whose URL is Deskbell's pod page on Deskbell's public origin. The pod URL
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
  /** Hosted API entries the choice asks for (the pod plus the ticked tabs). */
  wanted: z.number().int().min(0),
  /** Wanted entries that existed in Manage after the sync. */
  registered: z.number().int().min(0),
  /** Creates, updates or removals that failed (Manage refused, or a screen was missing). */
  failed: z.number().int().min(0),
});

export const podRegistrationSchema = podChoiceSchema.extend({ updatedAt: z.string(), updatedBy: z.string(), lastSync: lastSyncSchema });
export type PodRegistration = z.infer<typeof podRegistrationSchema>;

// ---------------------------------------------------------------------------------------------
// Pure pieces: what we want, what is ours, how one differs
// ---------------------------------------------------------------------------------------------

export type WantedHostedEntry = { kind: HostedKind; screen: HostedScreenKey; type: 'Pod' | 'Tab'; description: string; podHeight: number | null };

export function wantedHostedEntries(choice: PodChoice): WantedHostedEntry[] {
  const kinds = KIND_ORDER.filter((k) => k === 'ticket-pod' || (k === 'ticket-tab' && choice.tabs.ticket) || (k === 'company-tab' && choice.tabs.company));
  return kinds.map((kind) => {
    const spec = HOSTED_KINDS[kind];
    return { kind, screen: spec.screen, type: spec.type, description: spec.description, podHeight: spec.type === 'Pod' ? POD_HEIGHT : null };
  });
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
export function isOurHostedEntryUrl(url: string, publicUrl: string): boolean {
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

/** The screen ids the wanted entries go on; null where Manage lists no such screen. */
export type ResolvedScreens = Record<HostedScreenKey, number | null>;

export function resolveHostedScreens(screens: readonly ManageHostedScreen[]): ResolvedScreens {
  return { ticket: findHostedScreen(screens, 'ticket')?.id ?? null, company: findHostedScreen(screens, 'company')?.id ?? null };
}

/** Which of our kinds an existing entry is (by screen and type), or null: a kind Deskbell does not register. */
export function kindOf(entry: Pick<ManageHostedSetup, 'screenId' | 'type'>, screens: ResolvedScreens): HostedKind | null {
  const type = entry.type.toLowerCase();
  if (screens.ticket !== null && entry.screenId === screens.ticket) return type === 'pod' ? 'ticket-pod' : type === 'tab' ? 'ticket-tab' : null;
  if (screens.company !== null && entry.screenId === screens.company) return type === 'tab' ? 'company-tab' : null;
  return null;
}

export type HostedEntryDifference = 'url' | 'origin' | 'podHeight' | 'disabled' | 'description';

/** What differs from the shape we register for `kind` (or, for a kind we do not register, from our URL and origin). */
export function hostedEntryDifferences(existing: ManageHostedSetup, kind: HostedKind | null, address: Pick<PodAddress, 'url' | 'origin'>): HostedEntryDifference[] {
  const out: HostedEntryDifference[] = [];
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
  // Both on this computer: the simulator and the demo, where nothing is framed from afar.
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
export function describeHostedEntry(s: Pick<ManageHostedSetup, 'screenId' | 'type'>, names: ReadonlyMap<number, string>): string {
  return `${s.type} on ${screenLabel(s.screenId, names)}`;
}

function missingScreenMessage(key: HostedScreenKey, screens: readonly ManageHostedScreen[]): string {
  const listed = screens.map((s) => s.name).filter((n) => n !== '');
  const shown = listed.length === 0 ? 'none' : listed.slice(0, 12).join(', ') + (listed.length > 12 ? ', \u2026' : '');
  return (
    `Manage lists no "${HOSTED_SCREEN_NAMES[key].display}" screen for the Hosted API (it lists: ${shown}), so nothing can be registered there. ` +
    'Check System > Setup Tables > Manage Hosted API > New > Screen in Manage, and register it by hand if the screen has another name.'
  );
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

const PROBLEM_WORDS: Record<HostedEntryDifference, string> = {
  url: 'Its URL is not Deskbell\u2019s pod URL. Repair writes the current one.',
  origin: 'Its origin is not Deskbell\u2019s public origin, so Manage would not talk to the pod. Repair sets it.',
  podHeight: `Its pod height is not ${POD_HEIGHT} px. Repair sets it.`,
  disabled: 'It is disabled in Manage, so technicians do not see it. Repair enables it again.',
  description: 'Its description (the title Manage shows) was changed. Repair restores it.',
};

export type HostedEntryRow = RegistrationRow & {
  screenId: number;
  /** Manage's name for the screen, or "screen <id>". */
  screen: string;
  type: string;
  podHeight: number | null;
  kind: HostedKind | null;
  url: string;
  origin: string | null;
  description: string;
};

export function toHostedEntryRow(
  s: ManageHostedSetup,
  ctx: { address: Pick<PodAddress, 'url' | 'origin'>; screens: ResolvedScreens; names: ReadonlyMap<number, string>; wanted: readonly WantedHostedEntry[] },
): HostedEntryRow {
  const kind = kindOf(s, ctx.screens);
  const differences = hostedEntryDifferences(s, kind, ctx.address);
  const problems = differences.map((d) => PROBLEM_WORDS[d]);
  if (kind === null) problems.push(`Deskbell does not register a ${s.type} on ${screenLabel(s.screenId, ctx.names)}: Update registration removes it.`);
  const state: RowState = s.disabled ? 'disabled' : differences.length > 0 ? 'needs_repair' : 'active';
  return {
    id: s.id,
    screenId: s.screenId,
    screen: screenLabel(s.screenId, ctx.names),
    target: describeHostedEntry(s, ctx.names),
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

function kindsFor(): PodKindView[] {
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

// ---------------------------------------------------------------------------------------------
// The descriptor
// ---------------------------------------------------------------------------------------------

const ROLE = 'System > Security Roles > (the API member\u2019s role)';

export type PodKindView = { kind: HostedKind; label: string; screen: string; type: 'Pod' | 'Tab'; description: string; podHeight: number | null; optional: boolean };
type PodLookups = { screenList: readonly ManageHostedScreen[]; screens: ResolvedScreens; names: ReadonlyMap<number, string> };

export type PodTypes = {
  choice: PodChoice;
  stored: PodRegistration;
  wanted: WantedHostedEntry;
  record: ManageHostedSetup;
  input: CreateHostedSetupInput;
  address: PodAddress;
  lookups: PodLookups;
  difference: HostedEntryDifference;
  row: HostedEntryRow;
  entry: { kind: HostedKind | null; /** "Pod on Service Ticket". */ target: string };
  missing: { kind: HostedKind; target: string };
  localView: {
    publicUrl: string;
    /** What Manage must allow to post messages (the Origin field). */
    origin: string;
    /** The URL Manage frames, with `[cw_id]` and `[cw_screen]`. */
    podUrl: string;
    podHeight: number;
    /** What Register creates: the pod always, the tabs when ticked. */
    kinds: PodKindView[];
    warnings: string[];
  };
  lookupView: {
    /** The screens found by name; null where Manage lists no such screen (or could not be asked). */
    screens: Record<HostedScreenKey, { id: number; name: string } | null>;
    /** A sentence when a screen Deskbell needs is missing from Manage's list. */
    screensProblem: string | null;
  };
};

export type PodStepState = StepState<PodTypes>;
export type PodSyncReport = SyncReport<PodTypes>;

/** Manage's answer when it has no Hosted API at all, said as what to do. */
function explainPodManageError(error: { status: number | null; message: string }, doing: string): string | null {
  if (error.status === 404 && doing.includes('screens')) {
    return `Manage does not offer its list of Hosted API screens (404): it may be too old for pods. Register the pod by hand (see "Prefer to do it by hand?" below). ${error.message}`;
  }
  return null;
}

const PERMISSION_FIX =
  `In Manage open ${ROLE} > System > Table Setup and set the Add, Edit, Delete and Inquire levels to All, ` +
  'or register the pod by hand (see "Prefer to do it by hand?" below).';

const kindIn = (s: Pick<ManageHostedSetup, 'screenId' | 'type'>, ctx: Context<PodTypes>) => kindOf(s, ctx.lookups.screens);

export const podRegistration: RegistrationDescriptor<PodTypes> = {
  setting: POD_REGISTRATION_SETTING,
  storedSchema: podRegistrationSchema,
  choiceSchema: podChoiceSchema,
  auditActions: {
    created: 'setup.pod.created',
    updated: 'setup.pod.updated',
    removed: 'setup.pod.removed',
    repaired: 'setup.pod.repaired',
    registered: 'setup.pod.registered',
  },
  auditTarget: 'manage-hosted-setup',
  words: {
    one: 'Hosted API entry',
    many: 'Hosted API entries',
    own: 'pods and tabs',
    allWanted: 'the wanted pod and tabs',
    permissionFix: PERMISSION_FIX,
    listing: 'list its Hosted API entries',
    differences: { url: 'the URL', origin: 'the origin', podHeight: `the pod height (${POD_HEIGHT} px)`, disabled: 'enabled again', description: 'the description' },
  },
  manage: { list: listHostedSetups, create: createHostedSetup, update: updateHostedSetup, remove: deleteHostedSetup },
  explainManageError: explainPodManageError,

  wanted: wantedHostedEntries,
  toStored: (choice, _wanted, stamp) => ({ tabs: { ...choice.tabs }, ...stamp }),
  choiceOf: (stored) => ({ tabs: stored.tabs }),

  address: async () => podAddressFor(deskbellPublicUrl()),
  async lookups(manage) {
    let screenList: ManageHostedScreen[];
    try {
      screenList = await listHostedScreens(manage.client);
    } catch (error) {
      throw toRegistrationApiError(error, describeManageFailure(error, 'list its Hosted API screens', PERMISSION_FIX, explainPodManageError));
    }
    return { screenList, screens: resolveHostedScreens(screenList), names: new Map(screenList.map((s) => [s.id, s.name])) };
  },
  localView: (address, manageEndpoint) => ({
    publicUrl: address.publicUrl,
    origin: address.origin,
    podUrl: address.url,
    podHeight: POD_HEIGHT,
    kinds: kindsFor(),
    warnings: podReachabilityWarnings(address.publicUrl, manageEndpoint),
  }),
  unaddressedView: () => ({ publicUrl: deskbellPublicUrl(), origin: '', podUrl: '', podHeight: POD_HEIGHT, kinds: kindsFor(), warnings: [] }),
  lookupView: ({ screenList, screens }) => {
    const found = (key: HostedScreenKey) => {
      const screen = findHostedScreen(screenList, key);
      return screen ? { id: screen.id, name: screen.name } : null;
    };
    const absent = (['ticket', 'company'] as const).filter((k) => screens[k] === null);
    return {
      screens: { ticket: found('ticket'), company: found('company') },
      screensProblem: absent.length === 0 ? null : absent.map((k) => missingScreenMessage(k, screenList)).join(' '),
    };
  },
  emptyLookupView: () => ({ screens: { ticket: null, company: null }, screensProblem: null }),

  isOurs: (s, address) => isOurHostedEntryUrl(s.url, address.publicUrl),
  matches: (s, w, ctx) => kindIn(s, ctx) === w.kind,
  differences: (s, ctx) => hostedEntryDifferences(s, kindIn(s, ctx), ctx.address),
  unplaceable: (w, ctx) => (ctx.lookups.screens[w.screen] === null ? missingScreenMessage(w.screen, ctx.lookups.screenList) : null),
  // planSync never creates what cannot be placed, so the screen is known here.
  createInput: (w, ctx) => inputFor(w.kind, ctx.lookups.screens[w.screen] ?? 0, ctx.address),
  repairInput: (s, ctx) => {
    const kind = kindIn(s, ctx);
    if (kind === null) {
      throw new DeskbellApiError(
        'unprocessable_entity',
        `Hosted API entry ${s.id} is a ${s.type} on ${screenLabel(s.screenId, ctx.lookups.names)}, which Deskbell does not register, so it cannot be repaired. Remove it instead.`,
      );
    }
    return inputFor(kind, s.screenId, ctx.address);
  },
  wantedLabel: (w) => HOSTED_KINDS[w.kind].label,

  row: (s, ctx, wanted) => toHostedEntryRow(s, { address: ctx.address, screens: ctx.lookups.screens, names: ctx.lookups.names, wanted }),
  entry: (subject, ctx) => {
    if ('existing' in subject) return { kind: kindIn(subject.existing, ctx), target: describeHostedEntry(subject.existing, ctx.lookups.names) };
    const w = subject.wanted;
    const screenId = ctx.lookups.screens[w.screen];
    return { kind: w.kind, target: screenId === null ? `${w.type} on ${HOSTED_SCREEN_NAMES[w.screen].display}` : describeHostedEntry({ screenId, type: w.type }, ctx.lookups.names) };
  },
  missing: (w) => ({ kind: w.kind, target: HOSTED_KINDS[w.kind].label }),
  auditSubject: (s, ctx) => ({ screenId: s.screenId, screen: ctx.lookups.names.get(s.screenId) ?? null, type: s.type, kind: kindIn(s, ctx) }),
  auditAddress: (s) => ({ url: s.url, origin: s.origin, podHeight: s.podHeight }),
  auditChoice: (choice, ctx) => ({ tabs: choice.tabs, url: ctx.address.url, origin: ctx.address.origin, podHeight: POD_HEIGHT }),
  doneSummary: (_choice, wanted, _registered, parts) => `Registered in Manage: ${wanted.map((w) => HOSTED_KINDS[w.kind].label).join(', ')}${parts}.`,
};
