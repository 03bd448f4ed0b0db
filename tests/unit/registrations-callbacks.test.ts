import { describe, expect, it } from 'vitest';
import type { ManageCallback } from '@/lib/connectwise/types';
import { ManageError } from '@/lib/connectwise/errors';
import { describeManageFailure, planSync, type PlanItem } from '@/lib/registrations/reconciler';
import {
  CALLBACK_DESCRIPTION,
  callbackRegistration,
  callbackTargetSchema,
  callbackTokenOf,
  isOurCallbackUrl,
  maskCallbackUrl,
  reachabilityWarning,
  toCallbackRow,
  wantedCallbacks,
  type CallbackTypes,
} from '@/lib/registrations/callbacks';

const publicUrl = 'https://deskbell.msp.example';
const TOKEN = 'A'.repeat(43);
const OLD = 'B'.repeat(43);
const url = `${publicUrl}/api/connectwise/callback/${TOKEN}?recordId=`;
const staleUrl = `${publicUrl}/api/connectwise/callback/${OLD}?recordId=`;
const ctx = { address: { publicUrl, url }, lookups: { names: new Map<number, string>(), boards: [], boardsProblem: null } };
const planCallbackSync = (existing: ManageCallback[], wanted: ReturnType<typeof wantedCallbacks>) => planSync(callbackRegistration, existing, wanted, ctx);
const describeCallbackManageError = (error: unknown, doing: string) => describeManageFailure(error, doing, callbackRegistration.words.permissionFix);

let nextId = 100;
function cb(partial: Partial<ManageCallback> = {}): ManageCallback {
  return {
    id: nextId++,
    url,
    objectId: 1,
    type: 'ticket',
    level: 'owner',
    description: CALLBACK_DESCRIPTION,
    inactive: false,
    selfSuppressed: true,
    payloadVersion: null,
    memberId: 5,
    ...partial,
  };
}

/** The plan as short strings, easy to compare: "create board 3", "update 101 url,inactive", "delete 102 duplicate". */
function brief(plan: PlanItem<CallbackTypes>[]): string[] {
  return plan.map((p) => {
    if (p.action === 'create') return `create ${p.wanted.level} ${p.wanted.objectId}`;
    if (p.action === 'keep') return `keep ${p.existing.id}`;
    if (p.action === 'update') return `update ${p.existing.id} ${p.differences.join(',')}`;
    return `delete ${p.existing.id} ${p.reason}`;
  });
}

describe('what is wanted', () => {
  it('owner level is one callback for objectId 1; board level one per board, deduplicated and sorted', () => {
    expect(wantedCallbacks({ level: 'owner' })).toEqual([{ type: 'ticket', level: 'owner', objectId: 1 }]);
    expect(wantedCallbacks({ level: 'board', boardIds: [7, 3, 7] })).toEqual([
      { type: 'ticket', level: 'board', objectId: 3 },
      { type: 'ticket', level: 'board', objectId: 7 },
    ]);
  });

  it('the choice is validated: 1 to 50 boards', () => {
    expect(callbackTargetSchema.safeParse({ level: 'board', boardIds: [] }).success).toBe(false);
    expect(callbackTargetSchema.safeParse({ level: 'board', boardIds: Array.from({ length: 51 }, (_, i) => i + 1) }).success).toBe(false);
    expect(callbackTargetSchema.safeParse({ level: 'board', boardIds: [0] }).success).toBe(false);
    expect(callbackTargetSchema.safeParse({ level: 'company' }).success).toBe(false);
    expect(callbackTargetSchema.parse({ level: 'owner' })).toEqual({ level: 'owner' });
  });
});

describe('which callbacks are ours', () => {
  it('our callback path on our origin, whatever the token; never another host, port or path', () => {
    expect(isOurCallbackUrl(url, publicUrl)).toBe(true);
    expect(isOurCallbackUrl(staleUrl, publicUrl)).toBe(true);
    expect(isOurCallbackUrl('https://deskbell.msp.example:8443/api/connectwise/callback/x?recordId=', publicUrl)).toBe(false);
    expect(isOurCallbackUrl('https://deskbell.msp.example.evil.example/api/connectwise/callback/x', publicUrl)).toBe(false);
    expect(isOurCallbackUrl('https://deskbell.msp.example/webhooks/other?recordId=', publicUrl)).toBe(false);
    expect(isOurCallbackUrl('https://psa-sync.example/api/connectwise/callback/x', publicUrl)).toBe(false);
    expect(isOurCallbackUrl('not a url', publicUrl)).toBe(false);
  });

  it('the token is read from the URL and masked to 4 characters', () => {
    expect(callbackTokenOf(url)).toBe(TOKEN);
    expect(callbackTokenOf('https://x.example/other')).toBeNull();
    expect(maskCallbackUrl(url)).toBe(`${publicUrl}/api/connectwise/callback/AAAA\u2026?recordId=`);
    expect(maskCallbackUrl(url)).not.toContain(TOKEN);
  });
});

describe('the sync plan', () => {
  it('nothing in Manage: one create', () => {
    expect(brief(planCallbackSync([], wantedCallbacks({ level: 'owner' })))).toEqual(['create owner 1']);
  });

  it('already as wanted: keep, nothing else (idempotent)', () => {
    const mine = cb();
    expect(brief(planCallbackSync([mine], wantedCallbacks({ level: 'owner' })))).toEqual([`keep ${mine.id}`]);
  });

  it('a stale token, a disabled flag, a missing self-suppression: one update naming each difference', () => {
    const stale = cb({ url: staleUrl, inactive: true, selfSuppressed: false, description: 'old' });
    expect(brief(planCallbackSync([stale], wantedCallbacks({ level: 'owner' })))).toEqual([`update ${stale.id} url,inactive,selfSuppressed,description`]);
  });

  it('duplicates for one target: the closest is kept, the others deleted; the current token wins over a stale one', () => {
    const staleDup = cb({ url: staleUrl });
    const current = cb();
    const disabledDup = cb({ inactive: true });
    const plan = planCallbackSync([staleDup, current, disabledDup], wantedCallbacks({ level: 'owner' }));
    expect(brief(plan)).toEqual([`keep ${current.id}`, `delete ${staleDup.id} duplicate`, `delete ${disabledDup.id} duplicate`]);
    expect(plan[1]).toMatchObject({ duplicateOf: current.id });
  });

  it('two stale ones with equal differences: the current token first, then the oldest id', () => {
    const a = cb({ url: staleUrl });
    const b = cb({ url: staleUrl });
    expect(brief(planCallbackSync([b, a], wantedCallbacks({ level: 'owner' })))).toEqual([`update ${a.id} url`, `delete ${b.id} duplicate`]);
    const currentButDisabled = cb({ inactive: true });
    const staleActive = cb({ url: staleUrl });
    expect(brief(planCallbackSync([staleActive, currentButDisabled], wantedCallbacks({ level: 'owner' })))).toEqual([
      `update ${currentButDisabled.id} inactive`,
      `delete ${staleActive.id} duplicate`,
    ]);
  });

  it('switching from owner level to two boards: creates first, the owner callback removed last', () => {
    const owner = cb();
    const board3 = cb({ level: 'board', objectId: 3 });
    const plan = planCallbackSync([owner, board3], wantedCallbacks({ level: 'board', boardIds: [3, 9] }));
    expect(brief(plan)).toEqual([`keep ${board3.id}`, 'create board 9', `delete ${owner.id} not_wanted`]);
  });

  it('matches type and level case-insensitively (Manage may answer "Ticket" / "Board")', () => {
    const board = cb({ type: 'Ticket', level: 'Board', objectId: 4 });
    expect(brief(planCallbackSync([board], wantedCallbacks({ level: 'board', boardIds: [4] })))).toEqual([`keep ${board.id}`]);
  });

  it('foreign callbacks are never touched, even for the very same target', () => {
    const foreign = [
      cb({ url: 'https://psa-sync.example/hooks/ticket?recordId=' }),
      cb({ url: 'https://other.example/api/connectwise/callback/xyz?recordId=', level: 'board', objectId: 3 }),
      cb({ url: 'http://deskbell.msp.example/api/connectwise/callback/xyz?recordId=' }),
    ];
    const plan = planCallbackSync(foreign, wantedCallbacks({ level: 'board', boardIds: [3] }));
    expect(brief(plan)).toEqual(['create board 3']);
    const mine = cb({ level: 'board', objectId: 8 });
    expect(brief(planCallbackSync([...foreign, mine], []))).toEqual([`delete ${mine.id} not_wanted`]);
  });
});

describe('the list', () => {
  const names = new Map([[3, 'Help Desk']]);
  const wanted = wantedCallbacks({ level: 'board', boardIds: [3] });

  it('active, disabled by Manage, or needing repair (stale token or another URL)', () => {
    expect(toCallbackRow(cb({ level: 'board', objectId: 3 }), { url, names, wanted })).toMatchObject({
      state: 'active',
      target: 'Board "Help Desk" (id 3)',
      boardName: 'Help Desk',
      wanted: true,
      problems: [],
    });
    expect(toCallbackRow(cb({ inactive: true }), { url, names, wanted })).toMatchObject({ state: 'disabled', target: 'All tickets (owner level)', wanted: false });
    const stale = toCallbackRow(cb({ url: staleUrl, level: 'board', objectId: 3 }), { url, names, wanted });
    expect(stale).toMatchObject({ state: 'needs_repair' });
    expect(stale.problems.join(' ')).toMatch(/old Deskbell path token/);
    expect(stale.url).not.toContain(OLD);
    const otherPath = toCallbackRow(cb({ url: url.replace('?recordId=', '') }), { url, names, wanted });
    expect(otherPath).toMatchObject({ state: 'needs_repair' });
    expect(otherPath.problems.join(' ')).toMatch(/URL differs/);
  });
});

describe('sentences', () => {
  it('warns when the public URL is loopback and Manage is elsewhere, not when both are local', () => {
    expect(reachabilityWarning('http://127.0.0.1:3000', 'na.myconnectwise.net/v4_6_release')).toMatch(/cannot reach it/);
    expect(reachabilityWarning('http://localhost:3000', 'https://cw.msp.example/v4_6_release')).toMatch(/DESKBELL_PUBLIC_URL/);
    expect(reachabilityWarning('http://127.0.0.1:3000', '127.0.0.1:8123/v4_6_release')).toBeNull();
    expect(reachabilityWarning('https://deskbell.msp.example', 'na.myconnectwise.net/v4_6_release')).toBeNull();
    expect(reachabilityWarning('http://127.0.0.1:3000', null)).toBeNull();
  });

  it('a 403 names the permission; other Manage failures keep Manage\u2019s words', () => {
    const forbidden = new ManageError({ message: 'x', status: 403, code: 'Forbidden', kind: 'http', method: 'POST', path: '/system/callbacks', retryable: false });
    expect(describeCallbackManageError(forbidden, 'create the callback')).toMatch(/^Manage refused to create the callback \(403 Forbidden\).*System > Table Setup/);
    const invalid = new ManageError({ message: 'Manage answered 400 InvalidObject to POST /system/callbacks.', status: 400, code: 'InvalidObject', kind: 'http', method: 'POST', path: '/system/callbacks', retryable: false });
    expect(describeCallbackManageError(invalid, 'create the callback')).toBe('Manage could not create the callback: Manage answered 400 InvalidObject to POST /system/callbacks.');
    expect(describeCallbackManageError(new Error('boom'), 'x')).toBeNull();
  });
});
