import { describe, expect, it } from 'vitest';
import { ManageError } from '@/lib/connectwise/errors';
import type { ManageHostedScreen } from '@/lib/connectwise/hosted-setups';
import type { ManageHostedSetup } from '@/lib/connectwise/types';
import { describeManageFailure, planSync, type PlanItem } from '@/lib/registrations/reconciler';
import {
  findHostedScreen,
  HOSTED_KINDS,
  hostedEntryDifferences,
  isOurHostedEntryUrl,
  kindOf,
  podAddressFor,
  podChoiceSchema,
  podReachabilityWarnings,
  POD_HEIGHT,
  resolveHostedScreens,
  toHostedEntryRow,
  wantedHostedEntries,
  podRegistration,
  type PodTypes,
} from '@/lib/registrations/pod';

const publicUrl = 'https://deskbell.msp.example';
const address = podAddressFor(publicUrl);
const TICKET = 11;
const COMPANY = 3;
const screenList: ManageHostedScreen[] = [
  { id: 1, screenId: 'activity', name: 'Activity' },
  { id: COMPANY, screenId: 'company', name: 'Company' },
  { id: 9, screenId: 'projectTicket', name: 'Project Ticket' },
  { id: TICKET, screenId: 'ticket', name: 'Service Ticket' },
];
const screens = resolveHostedScreens(screenList);
const lookups = { screenList, screens, names: new Map(screenList.map((s) => [s.id, s.name])) };
const ctx = { address, lookups };
const planHostedEntrySync = (existing: ManageHostedSetup[], wanted: ReturnType<typeof wantedHostedEntries>, c: typeof ctx = ctx) => planSync(podRegistration, existing, wanted, c);
const describeHostedManageError = (error: unknown, doing: string) => describeManageFailure(error, doing, podRegistration.words.permissionFix, podRegistration.explainManageError);
const names = new Map(screenList.map((s) => [s.id, s.name]));
const podOnly = { tabs: { ticket: false, company: false } };
const allTabs = { tabs: { ticket: true, company: true } };

let nextId = 31;
/** One of ours as Deskbell registers the ticket pod, unless overridden. */
function hs(partial: Partial<ManageHostedSetup> = {}): ManageHostedSetup {
  return {
    id: nextId++,
    screenId: TICKET,
    description: HOSTED_KINDS['ticket-pod'].description,
    url: address.url,
    type: 'Pod',
    origin: address.origin,
    podHeight: POD_HEIGHT,
    disabled: false,
    ...partial,
  };
}
const ticketTab = (partial: Partial<ManageHostedSetup> = {}) => hs({ type: 'Tab', description: HOSTED_KINDS['ticket-tab'].description, podHeight: null, ...partial });
const companyTab = (partial: Partial<ManageHostedSetup> = {}) =>
  hs({ type: 'Tab', screenId: COMPANY, description: HOSTED_KINDS['company-tab'].description, podHeight: null, ...partial });

/** The plan as short strings: "create ticket-pod 11", "update 32 url,origin", "delete 33 duplicate". */
function brief(plan: PlanItem<PodTypes>[], c: typeof ctx = ctx): string[] {
  return plan.map((p) => {
    if (p.action === 'create') return `create ${p.wanted.kind} ${c.lookups.screens[p.wanted.screen]}`;
    if (p.action === 'keep') return `keep ${p.existing.id}`;
    if (p.action === 'update') return `update ${p.existing.id} ${p.differences.join(',')}`;
    return `delete ${p.existing.id} ${p.reason}`;
  });
}

describe('what is wanted', () => {
  it('the ticket pod always, 360 px high; the tabs when ticked, in a fixed order', () => {
    expect(wantedHostedEntries(podOnly)).toEqual([{ kind: 'ticket-pod', screen: 'ticket', type: 'Pod', description: 'Deskbell Instant Replay', podHeight: 360 }]);
    expect(wantedHostedEntries({ tabs: { ticket: false, company: true } }).map((w) => w.kind)).toEqual(['ticket-pod', 'company-tab']);
    expect(wantedHostedEntries(allTabs).map((w) => [w.kind, w.type, w.podHeight])).toEqual([
      ['ticket-pod', 'Pod', 360],
      ['ticket-tab', 'Tab', null],
      ['company-tab', 'Tab', null],
    ]);
  });

  it('descriptions fit Manage\u2019s 50 characters', () => {
    for (const spec of Object.values(HOSTED_KINDS)) expect(spec.description.length).toBeLessThanOrEqual(50);
  });

  it('the choice is validated: both tabs said yes or no', () => {
    expect(podChoiceSchema.safeParse({}).success).toBe(false);
    expect(podChoiceSchema.safeParse({ tabs: { ticket: true } }).success).toBe(false);
    expect(podChoiceSchema.safeParse({ tabs: { ticket: 'yes', company: false } }).success).toBe(false);
    expect(podChoiceSchema.parse(allTabs)).toEqual(allTabs);
  });

  it('the URL is the pod page on the public origin with Manage\u2019s tokens; the origin is bare', () => {
    expect(address).toEqual({
      publicUrl,
      origin: 'https://deskbell.msp.example',
      url: 'https://deskbell.msp.example/pod?id=[cw_id]&screen=[cw_screen]',
    });
    expect(podAddressFor('https://Deskbell.MSP.example:8443/some/path/').url).toBe('https://deskbell.msp.example:8443/pod?id=[cw_id]&screen=[cw_screen]');
    expect(podAddressFor('http://127.0.0.1:3000').origin).toBe('http://127.0.0.1:3000');
    expect(() => podAddressFor('not a url')).toThrow(/not a valid URL/);
  });
});

describe('which hosted setups are ours', () => {
  it('the pod page on our origin, whatever its query; never another host, port, scheme or path', () => {
    expect(isOurHostedEntryUrl(address.url, publicUrl)).toBe(true);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example/pod', publicUrl)).toBe(true);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example/pod?id=[cw_id]', publicUrl)).toBe(true);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example/pod/old', publicUrl)).toBe(true);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example/podcast', publicUrl)).toBe(false);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example/presses/1', publicUrl)).toBe(false);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example:8443/pod?id=[cw_id]', publicUrl)).toBe(false);
    expect(isOurHostedEntryUrl('http://deskbell.msp.example/pod?id=[cw_id]', publicUrl)).toBe(false);
    expect(isOurHostedEntryUrl('https://deskbell.msp.example.evil.example/pod?id=[cw_id]', publicUrl)).toBe(false);
    expect(isOurHostedEntryUrl('https://other-pod.example/pod?id=[cw_id]', publicUrl)).toBe(false);
  });

  it('screens are found by name, case-insensitively, never a look-alike', () => {
    expect(findHostedScreen(screenList, 'ticket')).toMatchObject({ id: TICKET });
    expect(findHostedScreen(screenList, 'company')).toMatchObject({ id: COMPANY });
    expect(findHostedScreen([{ id: 5, screenId: null, name: '  SERVICE   ticket ' }], 'ticket')?.id).toBe(5);
    expect(findHostedScreen([{ id: 9, screenId: null, name: 'Project Ticket' }], 'ticket')).toBeNull();
    expect(findHostedScreen([{ id: 4, screenId: null, name: 'Company Finance' }], 'company')).toBeNull();
    expect(resolveHostedScreens([])).toEqual({ ticket: null, company: null });
  });

  it('the kind of a setup comes from its screen and type', () => {
    expect(kindOf(hs(), screens)).toBe('ticket-pod');
    expect(kindOf(ticketTab(), screens)).toBe('ticket-tab');
    expect(kindOf(companyTab(), screens)).toBe('company-tab');
    expect(kindOf(hs({ screenId: COMPANY }), screens)).toBeNull();
    expect(kindOf(hs({ type: 'ToolbarButton' }), screens)).toBeNull();
    expect(kindOf(hs({ screenId: 9 }), screens)).toBeNull();
    expect(kindOf(hs(), { ticket: null, company: COMPANY })).toBeNull();
  });
});

describe('the sync plan', () => {
  it('nothing in Manage: one create, on the Service Ticket screen', () => {
    expect(brief(planHostedEntrySync([], wantedHostedEntries(podOnly), ctx))).toEqual([`create ticket-pod ${TICKET}`]);
  });

  it('already as wanted: keep, nothing else (idempotent)', () => {
    const pod = hs();
    expect(brief(planHostedEntrySync([pod], wantedHostedEntries(podOnly), ctx))).toEqual([`keep ${pod.id}`]);
  });

  it('an old URL, another origin, another height, disabled, renamed: one update naming each difference', () => {
    const drifted = hs({ url: 'https://deskbell.msp.example/pod?id=[cw_id]', origin: 'https://elsewhere.example', podHeight: 200, disabled: true, description: 'Old' });
    expect(brief(planHostedEntrySync([drifted], wantedHostedEntries(podOnly), ctx))).toEqual([`update ${drifted.id} url,origin,podHeight,disabled,description`]);
    expect(hostedEntryDifferences(hs({ origin: null }), 'ticket-pod', address)).toEqual(['origin']);
    // An origin with a trailing slash is still our origin.
    expect(hostedEntryDifferences(hs({ origin: 'https://deskbell.msp.example/' }), 'ticket-pod', address)).toEqual([]);
    // A tab has no pod height to compare.
    expect(hostedEntryDifferences(ticketTab({ podHeight: 999 }), 'ticket-tab', address)).toEqual([]);
  });

  it('duplicates of one kind: the closest is kept, the others deleted after the changes', () => {
    const disabledDup = hs({ disabled: true });
    const current = hs();
    const plan = planHostedEntrySync([disabledDup, current], wantedHostedEntries(podOnly), ctx);
    expect(brief(plan)).toEqual([`keep ${current.id}`, `delete ${disabledDup.id} duplicate`]);
    expect(plan[1]).toMatchObject({ duplicateOf: current.id });
    const a = hs({ podHeight: 100 });
    const b = hs({ podHeight: 100 });
    expect(brief(planHostedEntrySync([b, a], wantedHostedEntries(podOnly), ctx))).toEqual([`update ${a.id} podHeight`, `delete ${b.id} duplicate`]);
  });

  it('ticking the tabs adds them; unticking removes them, last', () => {
    const pod = hs();
    expect(brief(planHostedEntrySync([pod], wantedHostedEntries(allTabs), ctx))).toEqual([`keep ${pod.id}`, `create ticket-tab ${TICKET}`, `create company-tab ${COMPANY}`]);
    const tab = ticketTab();
    const comp = companyTab();
    expect(brief(planHostedEntrySync([comp, tab, pod], wantedHostedEntries({ tabs: { ticket: false, company: true } }), ctx))).toEqual([
      `keep ${pod.id}`,
      `keep ${comp.id}`,
      `delete ${tab.id} not_wanted`,
    ]);
  });

  it('ours of a kind Deskbell does not register (a pod on the Company screen, a toolbar button) are removed', () => {
    const pod = hs();
    const stray = hs({ screenId: COMPANY });
    const button = hs({ type: 'ToolbarButton' });
    expect(brief(planHostedEntrySync([pod, stray, button], wantedHostedEntries(podOnly), ctx))).toEqual([
      `keep ${pod.id}`,
      `delete ${stray.id} not_wanted`,
      `delete ${button.id} not_wanted`,
    ]);
  });

  it('a screen Manage does not list: nothing is created for it', () => {
    const noCompany = { ...ctx, lookups: { ...lookups, screens: { ticket: TICKET, company: null } } };
    const plan = planHostedEntrySync([], wantedHostedEntries(allTabs), noCompany);
    expect(brief(plan, noCompany)).toEqual([`create ticket-pod ${TICKET}`, `create ticket-tab ${TICKET}`]);
  });

  it('foreign setups are never touched, even on the very same screen and type', () => {
    const foreign = [
      hs({ url: 'https://psa-pod.example/pod?id=[cw_id]', origin: 'https://psa-pod.example' }),
      hs({ url: 'https://deskbell.msp.example/other?id=[cw_id]' }),
      hs({ url: 'http://deskbell.msp.example/pod?id=[cw_id]&screen=[cw_screen]' }),
      companyTab({ url: 'https://old-deskbell.example/pod?id=[cw_id]&screen=[cw_screen]' }),
    ];
    expect(brief(planHostedEntrySync(foreign, wantedHostedEntries(podOnly), ctx))).toEqual([`create ticket-pod ${TICKET}`]);
    const mine = companyTab();
    expect(brief(planHostedEntrySync([...foreign, mine], wantedHostedEntries(podOnly), ctx))).toEqual([`create ticket-pod ${TICKET}`, `delete ${mine.id} not_wanted`]);
  });
});

describe('the list', () => {
  const wanted = wantedHostedEntries({ tabs: { ticket: true, company: false } });
  const row = (s: ManageHostedSetup) => toHostedEntryRow(s, { address, screens, names, wanted });

  it('active, disabled, or needing repair, with the reasons in words', () => {
    expect(row(hs())).toMatchObject({ state: 'active', screen: 'Service Ticket', type: 'Pod', podHeight: 360, kind: 'ticket-pod', wanted: true, repairable: false, problems: [] });
    expect(row(hs({ disabled: true }))).toMatchObject({ state: 'disabled', repairable: true, problems: [expect.stringMatching(/disabled in Manage/)] });
    const drifted = row(ticketTab({ origin: 'https://elsewhere.example' }));
    expect(drifted).toMatchObject({ state: 'needs_repair', kind: 'ticket-tab', wanted: true, repairable: true });
    expect(drifted.problems.join(' ')).toMatch(/origin is not Deskbell/);
    expect(row(hs({ podHeight: 600 })).problems.join(' ')).toMatch(/pod height is not 360 px/);
  });

  it('a tab that is not ticked is listed as not wanted; a kind Deskbell does not register cannot be repaired', () => {
    expect(row(companyTab())).toMatchObject({ state: 'active', screen: 'Company', wanted: false });
    const stray = row(hs({ screenId: 77, type: 'ToolbarButton' }));
    expect(stray).toMatchObject({ screen: 'screen 77', kind: null, wanted: false, repairable: false });
    expect(stray.problems.join(' ')).toMatch(/does not register a ToolbarButton on screen 77/);
  });
});

describe('sentences', () => {
  it('warns when the public URL is loopback or plain http and Manage is elsewhere; not when both are local', () => {
    expect(podReachabilityWarnings('http://127.0.0.1:3000', 'na.myconnectwise.net/v4_6_release')).toEqual([expect.stringMatching(/loopback address.*DESKBELL_PUBLIC_URL/)]);
    const http = podReachabilityWarnings('http://deskbell.msp.example', 'na.myconnectwise.net/v4_6_release');
    expect(http).toEqual([expect.stringMatching(/plain http.*mixed content.*cloud site/)]);
    expect(podReachabilityWarnings('http://deskbell.msp.example', 'https://cw.msp.example/v4_6_release')[0]).not.toMatch(/cloud site/);
    expect(podReachabilityWarnings('http://127.0.0.1:3000', '127.0.0.1:8123/v4_6_release')).toEqual([]);
    expect(podReachabilityWarnings('https://deskbell.msp.example', 'na.myconnectwise.net/v4_6_release')).toEqual([]);
    expect(podReachabilityWarnings('http://127.0.0.1:3000', null)).toEqual([]);
  });

  it('warns when the public URL is on a private network and Manage is on the internet, and says what to do', () => {
    const cloud = 'na.myconnectwise.net/v4_6_release';
    const [privateWarning, ...rest] = podReachabilityWarnings('https://10.20.0.5', cloud);
    expect(rest).toEqual([]);
    expect(privateWarning).toBe(
      "Deskbell's public URL is https://10.20.0.5, and 10.20.0.5 is a private network address (only computers inside your network reach it). " +
        'Manage (na.myconnectwise.net) is a ConnectWise cloud site on the internet, and Chrome and Edge refuse to show a page on a private address inside a page from the internet: ' +
        'the technician sees an empty pod, and the browser reports ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS. ' +
        'Serve Deskbell on a public https name that your technicians\u2019 browsers can reach (for example behind a reverse proxy), ' +
        'set DESKBELL_PUBLIC_URL to it, restart Deskbell, then press Update registration.',
    );
    for (const url of ['https://192.168.1.20:8443', 'https://[fd00::5]', 'https://[fe80::1]', 'https://deskbell.local', 'https://deskbell', 'https://100.100.1.1']) {
      expect(podReachabilityWarnings(url, cloud), url).toEqual([expect.stringMatching(/ConnectWise cloud site.*ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS.*reverse proxy/)]);
    }
    // Plain http on a private address: both problems are named.
    expect(podReachabilityWarnings('http://172.16.4.4', cloud)).toEqual([expect.stringMatching(/private network address/), expect.stringMatching(/plain http/)]);
    // An on-premises Manage by name: it may be on the internet, so the warning is conditional.
    expect(podReachabilityWarnings('https://10.20.0.5', 'https://cw.msp.example/v4_6_release')).toEqual([expect.stringMatching(/^.*If your technicians open Manage \(cw\.msp\.example\) at an address on the internet/)]);
    // Manage on a private address too: the browser lets it frame a private pod.
    expect(podReachabilityWarnings('https://10.20.0.5', 'https://10.20.0.9/v4_6_release')).toEqual([]);
    expect(podReachabilityWarnings('https://deskbell.lan', 'cw.lan/v4_6_release')).toEqual([]);
    // A public name or address: nothing to say.
    expect(podReachabilityWarnings('https://203.0.113.7', cloud)).toEqual([]);
    expect(podReachabilityWarnings('https://deskbell.msp.example', cloud)).toEqual([]);
    // Loopback keeps its own sentence, now with the same advice.
    expect(podReachabilityWarnings('http://localhost:3000', cloud)).toEqual([expect.stringMatching(/a loopback address.*public https name.*reverse proxy/)]);
  });

  it('a 403 names the permission; a 404 on the screens list says Manage may be too old; others keep Manage\u2019s words', () => {
    const error = (status: number | null, path = '/system/connectwisehostedsetups') =>
      new ManageError({ message: `Manage answered ${status}.`, status, code: 'X', kind: status === null ? 'network' : 'http', method: 'POST', path, retryable: false });
    expect(describeHostedManageError(error(403), 'create the Service Ticket pod')).toMatch(/^Manage refused to create the Service Ticket pod \(403 Forbidden\).*System > Table Setup/);
    expect(describeHostedManageError(error(404, '/system/connectWiseHostedScreens'), 'list its Hosted API screens')).toMatch(/too old for pods/);
    expect(describeHostedManageError(error(400), 'create the Service Ticket pod')).toBe('Manage could not create the Service Ticket pod: Manage answered 400.');
    expect(describeHostedManageError(error(null), 'list its hosted setups')).toMatch(/could not be reached/);
    expect(describeHostedManageError(new Error('boom'), 'x')).toBeNull();
  });
});
