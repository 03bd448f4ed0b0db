'use client';

import { LocalTime } from '@/components/ui/local-time';
import { useState, type FormEvent } from 'react';
import { Copyable } from './copyable';
import { SyncReport } from './sync-report';
import { isBusyWith, useManageRegistration } from './use-manage-registration';
import type { CallbackRow, CallbackRowState, CallbacksStepState, CallbackSyncReport } from '@/lib/setup/callback-registration';
import { Alert, primaryButton, secondaryButton } from './form-field';
import { plural } from '@/components/ui/format';

const API = '/api/admin/setup/callbacks';

const STATE_LABEL: Record<CallbackRowState, string> = { active: 'Active', disabled: 'Disabled by Manage', needs_repair: 'Needs repair' };
const STATE_STYLE: Record<CallbackRowState, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  disabled: 'bg-red-100 text-red-800 ring-red-600/20',
  needs_repair: 'bg-amber-100 text-amber-900 ring-amber-600/20',
};

export function CallbacksStep({ initial }: { initial: CallbacksStepState }) {
  const { state, busy, working, error, notice, report, confirming, setConfirming, refresh, register: registerWith, repair, remove } =
    useManageRegistration<CallbacksStepState, CallbackSyncReport, CallbackRow, { callback: CallbackRow }>({
      api: API,
      initial,
      repairedNotice: (row, data) => `Callback ${row.id} (${row.target}) was repaired: ${STATE_LABEL[data.callback.state]}.`,
      removedNotice: (row) => `Callback ${row.id} (${row.target}) was removed from Manage.`,
    });
  const [level, setLevel] = useState<'owner' | 'board'>(initial.registration?.level ?? 'owner');
  const [boardIds, setBoardIds] = useState<number[]>(initial.registration?.level === 'board' ? initial.registration.boardIds : []);
  const [boardsError, setBoardsError] = useState<string | undefined>();

  // A stored board Manage no longer lists stays visible (and tickable off).
  const boardOptions = [
    ...state.boards,
    ...boardIds.filter((id) => !state.boards.some((b) => b.id === id)).map((id) => ({ id, name: `Board ${id} (not in Manage\u2019s active boards)` })),
  ];

  async function register(e: FormEvent) {
    e.preventDefault();
    if (level === 'board' && boardIds.length === 0) {
      setBoardsError('Choose at least one board, or choose All tickets.');
      return;
    }
    setBoardsError(undefined);
    const res = await registerWith(level === 'owner' ? { level } : { level, boardIds });
    if (!res.ok) setBoardsError(res.fieldErrors.boardIds);
  }

  const toggleBoard = (id: number, on: boolean) => setBoardIds((ids) => (on ? [...ids, id].sort((a, b) => a - b) : ids.filter((x) => x !== id)));

  return (
    <div className="space-y-6">
      {state.warnings.map((w) => (
        <Alert key={w} tone="warning" title="Manage cannot reach Deskbell">
          {w}
        </Alert>
      ))}
      {state.problem ? (
        <Alert tone="error" title="Manage could not be asked">
          <p>{state.problem}</p>
          <p>You can still register the callback by hand (below).</p>
        </Alert>
      ) : null}

      <form onSubmit={register} noValidate aria-label="Register callbacks" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
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

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primaryButton} disabled={working}>
            {busy === 'register' ? 'Registering\u2026' : state.registration ? 'Update registration' : 'Register callbacks'}
          </button>
          {state.registration ? (
            <span className="text-xs text-slate-500">
              Last registered by {state.registration.updatedBy} <LocalTime iso={state.registration.updatedAt} relative />.
            </span>
          ) : null}
        </div>
        {error ? (
          <Alert tone="error" title="Not done">
            {error}
          </Alert>
        ) : null}
      </form>

      {report ? (
        <SyncReport report={report} summaryTestId="callbacks-summary" />
      ) : null}

      {notice ? (
        <Alert tone="success" title="Done">
          {notice}
        </Alert>
      ) : null}

      <section aria-label="Registered callbacks" className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div className="flex items-center justify-between gap-3">
          <h2 className="font-semibold">Deskbell&rsquo;s callbacks in Manage</h2>
          <button type="button" className={secondaryButton} onClick={() => void refresh()} disabled={working}>
            {busy === 'refresh' ? 'Loading\u2026' : 'Refresh'}
          </button>
        </div>
        {state.callbacks.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-callbacks">
            {state.problem ? 'Unknown: Manage could not be asked.' : 'No Deskbell callback is registered in Manage yet.'}
          </p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Callbacks list">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2">What Manage reports</th>
                <th scope="col">Id</th>
                <th scope="col">URL</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.callbacks.map((row) => (
                <tr key={row.id} className="border-t border-slate-100 align-top" data-testid={`callback-row-${row.id}`} data-state={row.state}>
                  <th scope="row" className="py-2 font-medium">
                    {row.target}
                    {row.wanted ? null : <span className="block text-xs font-normal text-slate-500">Not in your choice: Update registration removes it.</span>}
                    {row.problems.map((p) => (
                      <span key={p} className="block text-xs font-normal text-slate-600">
                        {p}
                      </span>
                    ))}
                  </th>
                  <td className="py-2">{row.id}</td>
                  <td className="break-all py-2 font-mono text-xs">{row.url}</td>
                  <td className="py-2">
                    <span className={`inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[row.state]}`}>
                      {STATE_LABEL[row.state]}
                    </span>
                  </td>
                  <td className="py-2 text-right">
                    {confirming === row.id ? (
                      <span className="inline-flex gap-2">
                        <button type="button" className={secondaryButton} onClick={() => void remove(row)} disabled={working} aria-label={`Confirm removing callback ${row.id}`}>
                          {isBusyWith(busy, 'remove', row.id) ? 'Removing\u2026' : 'Yes, remove'}
                        </button>
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(null)} disabled={working}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <span className="inline-flex gap-2">
                        {row.state !== 'active' ? (
                          <button type="button" className={secondaryButton} onClick={() => void repair(row)} disabled={working} aria-label={`Repair callback ${row.id}`}>
                            {isBusyWith(busy, 'repair', row.id) ? 'Repairing\u2026' : 'Repair'}
                          </button>
                        ) : null}
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(row.id)} disabled={working} aria-label={`Remove callback ${row.id}`}>
                          Remove
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {state.missing.length > 0 ? (
          <Alert tone="warning" title="Not registered in Manage">
            {state.missing.map((m) => m.target).join(', ')}: press Update registration to add {state.missing.length === 1 ? 'it' : 'them'}.
          </Alert>
        ) : null}
        {state.otherCallbacks > 0 ? (
          <p className="text-xs text-slate-500">
            Manage has {plural(state.otherCallbacks, 'other callback')} from other integrations; Deskbell leaves them alone.
          </p>
        ) : null}
      </section>

      <details className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer font-semibold">Prefer to do it by hand?</summary>
        <div className="mt-3 space-y-3 text-sm text-slate-700">
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
        </div>
      </details>
    </div>
  );
}
