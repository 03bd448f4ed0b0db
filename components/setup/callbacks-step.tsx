'use client';

import { useState } from 'react';
import { plural } from '@/components/ui/format';
import type { CallbackRow, CallbacksStepState } from '@/lib/registrations/callbacks';
import { Copyable } from './copyable';
import { RegistrationStep, type RegistrationStepWords } from './registration-step';

const WORDS: RegistrationStepWords = {
  api: '/api/admin/setup/callbacks',
  one: 'callback',
  One: 'Callback',
  register: 'Register callbacks',
  warningTitle: 'Manage cannot reach Deskbell',
  byHand: 'register the callback',
  listTitle: <>Deskbell&rsquo;s callbacks in Manage</>,
  listLabel: 'Registered callbacks',
  tableLabel: 'Callbacks list',
  firstColumn: 'What Manage reports',
  empty: 'No Deskbell callback is registered in Manage yet.',
  emptyTestId: 'no-callbacks',
  rowTestId: 'callback-row',
  summaryTestId: 'callbacks-summary',
  stateLabels: { active: 'Active', disabled: 'Disabled by Manage', needs_repair: 'Needs repair' },
  foreign: (count) => `Manage has ${plural(count, 'other callback')} from other integrations; Deskbell leaves them alone.`,
};

const COLUMNS = [
  { header: 'Id', cell: (row: CallbackRow) => row.id },
  { header: 'URL', cell: (row: CallbackRow) => row.url, className: 'break-all py-2 font-mono text-xs' },
];

export function CallbacksStep({ initial }: { initial: CallbacksStepState }) {
  const [level, setLevel] = useState<'owner' | 'board'>(initial.registration?.level ?? 'owner');
  const [boardIds, setBoardIds] = useState<number[]>(initial.registration?.level === 'board' ? initial.registration.boardIds : []);
  const [boardsError, setBoardsError] = useState<string | undefined>();

  function choice() {
    if (level === 'board' && boardIds.length === 0) {
      setBoardsError('Choose at least one board, or choose All tickets.');
      return null;
    }
    setBoardsError(undefined);
    return level === 'owner' ? { level } : { level, boardIds };
  }

  const toggleBoard = (id: number, on: boolean) => setBoardIds((ids) => (on ? [...ids, id].sort((a, b) => a - b) : ids.filter((x) => x !== id)));

  function fields(state: CallbacksStepState) {
    // A stored board Manage no longer lists stays visible (and tickable off).
    const boardOptions = [
      ...state.boards,
      ...boardIds.filter((id) => !state.boards.some((b) => b.id === id)).map((id) => ({ id, name: `Board ${id} (not in Manage\u2019s active boards)` })),
    ];
    return (
      <>
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">What should Manage report?</legend>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="callback-level" value="owner" checked={level === 'owner'} onChange={() => setLevel('owner')} className="mt-1" />
            <span>
              <span className="font-medium">All tickets (owner level)</span>
              <span className="block text-xs text-slate-500">One callback: Manage reports every ticket change on every board.</span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="callback-level" value="board" checked={level === 'board'} onChange={() => setLevel('board')} className="mt-1" />
            <span>
              <span className="font-medium">Only tickets on these boards</span>
              <span className="block text-xs text-slate-500">One callback per board, for example only the board presses go to.</span>
            </span>
          </label>
        </fieldset>

        {level === 'board' ? (
          <fieldset aria-describedby={boardsError ? 'callback-boards-error' : undefined} className="space-y-2 rounded-md bg-slate-50 p-4 ring-1 ring-slate-200">
            <legend className="text-sm font-medium text-slate-800">Boards</legend>
            {state.boardsProblem ? <p className="text-sm text-red-700">{state.boardsProblem}</p> : null}
            {boardOptions.length === 0 && !state.boardsProblem ? <p className="text-sm text-slate-600">Manage lists no active service boards.</p> : null}
            <div className="grid gap-1 sm:grid-cols-2">
              {boardOptions.map((b) => (
                <label key={b.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={boardIds.includes(b.id)} onChange={(e) => toggleBoard(b.id, e.target.checked)} />
                  {b.name}
                </label>
              ))}
            </div>
            {boardsError ? (
              <p id="callback-boards-error" className="text-sm text-red-700">
                {boardsError}
              </p>
            ) : null}
          </fieldset>
        ) : null}
      </>
    );
  }

  return (
    <RegistrationStep<CallbackRow, CallbacksStepState>
      initial={initial}
      words={WORDS}
      fields={fields}
      choice={choice}
      onRegistered={(res) => {
        if (!res.ok) setBoardsError(res.fieldErrors.boardIds);
      }}
      rowHeader={(row) => row.target}
      columns={COLUMNS}
      manual={(state) => (
        <>
          <p>Manage can also call Deskbell through an Integrator Login. The credentials of that login are not used.</p>
          <ol className="list-decimal space-y-1 pl-5">
            <li>In Manage, go to System &gt; Setup Tables &gt; Integrator Login.</li>
            <li>Create a new login.</li>
            <li>Access Level: All Records.</li>
            <li>API Name: Service Ticket.</li>
            <li>Callback URL: the address below.</li>
            <li>Service Board: the board whose tickets should notify end users.</li>
            <li>Save.</li>
          </ol>
          {state.callbackUrl ? (
            <Copyable id="manual-callback-url" label="Callback URL" copyLabel="Copy the address" value={state.callbackUrl} />
          ) : (
            <p className="text-red-700">The callback URL cannot be shown until the problem above is fixed.</p>
          )}
          <p className="text-xs text-slate-500">
            Treat this address like a password: its last part lets Manage&rsquo;s calls through. Deskbell checks Manage&rsquo;s signature on every call too.
          </p>
        </>
      )}
    />
  );
}
