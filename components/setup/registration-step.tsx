'use client';

import type { ReactNode } from 'react';
import { LocalTime } from '@/components/ui/local-time';
import type { RegistrationRow, RowState } from '@/lib/registrations/reconciler';
import { Alert, primaryButton, secondaryButton } from './form-field';
import { SyncReport, type SyncReportView } from './sync-report';
import { isBusyWith, useManageRegistration } from './use-manage-registration';
import type { SetupApiResult } from './setup-api';

/**
 * One wizard step for one registration in Manage (Callbacks, Pod): the warnings, the choice
 * form, the sync report, the list of Deskbell's records with Repair and Remove, and the manual
 * route. A step gives its words, its form fields, its extra columns and its manual route.
 */

export type RegistrationStepState<Row extends RegistrationRow> = {
  registration: { updatedAt: string; updatedBy: string } | null;
  rows: Row[];
  missing: { target: string }[];
  foreignCount: number;
  problem: string | null;
  warnings: string[];
};


export type RegistrationStepWords = {
  api: string;
  /** One record in a sentence ("callback", "Hosted API entry"), and at a sentence's start. */
  one: string;
  One: string;
  /** The form's name and the first Register button. */
  register: string;
  warningTitle: string;
  /** What the manual route is called in "You can still … by hand (below)." */
  byHand: string;
  listTitle: ReactNode;
  listLabel: string;
  tableLabel: string;
  firstColumn: string;
  empty: string;
  emptyTestId: string;
  rowTestId: string;
  summaryTestId: string;
  stateLabels: Record<RowState, string>;
  foreign: (count: number) => string;
};

const STATE_STYLE: Record<RowState, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  disabled: 'bg-red-100 text-red-800 ring-red-600/20',
  needs_repair: 'bg-amber-100 text-amber-900 ring-amber-600/20',
};

export function RegistrationStep<Row extends RegistrationRow, State extends RegistrationStepState<Row>>(props: {
  initial: State;
  words: RegistrationStepWords;
  /** Alerts of the step's own, after the common ones. */
  alerts?: (state: State) => ReactNode;
  fields: (state: State) => ReactNode;
  /** The POST body, or null when the form already said what is wrong. */
  choice: () => unknown;
  onRegistered?: (result: SetupApiResult<SyncReportView>) => void;
  rowHeader: (row: Row) => ReactNode;
  columns: { header: string; cell: (row: Row) => ReactNode; className?: string }[];
  manual: (state: State) => ReactNode;
}) {
  const { words } = props;
  const { state, busy, working, error, notice, report, confirming, setConfirming, refresh, register, repair, remove } = useManageRegistration<State, SyncReportView, Row>({
    api: words.api,
    initial: props.initial,
    repairedNotice: (row, repaired) => `${words.One} ${row.id} (${row.target}) was repaired: ${words.stateLabels[repaired.state]}.`,
    removedNotice: (row) => `${words.One} ${row.id} (${row.target}) was removed from Manage.`,
  });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const body = props.choice();
    if (body === null) return;
    // Registered first: an optional call would skip evaluating its argument when no handler is given.
    const result = await register(body);
    props.onRegistered?.(result);
  }

  return (
    <div className="space-y-6">
      {state.warnings.map((w) => (
        <Alert key={w} tone="warning" title={words.warningTitle}>
          {w}
        </Alert>
      ))}
      {state.problem ? (
        <Alert tone="error" title="Manage could not be asked">
          <p>{state.problem}</p>
          <p>You can still {words.byHand} by hand (below).</p>
        </Alert>
      ) : null}
      {props.alerts?.(state)}

      <form onSubmit={submit} noValidate aria-label={words.register} className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        {props.fields(state)}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primaryButton} disabled={working}>
            {busy === 'register' ? 'Registering\u2026' : state.registration ? 'Update registration' : words.register}
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

      {report ? <SyncReport report={report} summaryTestId={words.summaryTestId} /> : null}

      {notice ? (
        <Alert tone="success" title="Done">
          {notice}
        </Alert>
      ) : null}

      <section aria-label={words.listLabel} className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div className="flex items-center justify-between gap-3">
          <h2 className="font-semibold">{words.listTitle}</h2>
          <button type="button" className={secondaryButton} onClick={() => void refresh()} disabled={working}>
            {busy === 'refresh' ? 'Loading\u2026' : 'Refresh'}
          </button>
        </div>
        {state.rows.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid={words.emptyTestId}>
            {state.problem ? 'Unknown: Manage could not be asked.' : words.empty}
          </p>
        ) : (
          <table className="w-full text-left text-sm" aria-label={words.tableLabel}>
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2">
                  {words.firstColumn}
                </th>
                {props.columns.map((c) => (
                  <th key={c.header} scope="col">
                    {c.header}
                  </th>
                ))}
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-100 align-top" data-testid={`${words.rowTestId}-${row.id}`} data-state={row.state}>
                  <th scope="row" className="py-2 font-medium">
                    {props.rowHeader(row)}
                    {row.wanted ? null : <span className="block text-xs font-normal text-slate-500">Not in your choice: Update registration removes it.</span>}
                    {row.problems.map((p) => (
                      <span key={p} className="block text-xs font-normal text-slate-600">
                        {p}
                      </span>
                    ))}
                  </th>
                  {props.columns.map((c) => (
                    <td key={c.header} className={c.className ?? 'py-2'}>
                      {c.cell(row)}
                    </td>
                  ))}
                  <td className="py-2">
                    <span className={`inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[row.state]}`}>
                      {words.stateLabels[row.state]}
                    </span>
                  </td>
                  <td className="py-2 text-right">
                    {confirming === row.id ? (
                      <span className="inline-flex gap-2">
                        <button type="button" className={secondaryButton} onClick={() => void remove(row)} disabled={working} aria-label={`Confirm removing ${words.one} ${row.id}`}>
                          {isBusyWith(busy, 'remove', row.id) ? 'Removing\u2026' : 'Yes, remove'}
                        </button>
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(null)} disabled={working}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <span className="inline-flex gap-2">
                        {row.repairable ? (
                          <button type="button" className={secondaryButton} onClick={() => void repair(row)} disabled={working} aria-label={`Repair ${words.one} ${row.id}`}>
                            {isBusyWith(busy, 'repair', row.id) ? 'Repairing\u2026' : 'Repair'}
                          </button>
                        ) : null}
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(row.id)} disabled={working} aria-label={`Remove ${words.one} ${row.id}`}>
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
        {state.foreignCount > 0 ? <p className="text-xs text-slate-500">{words.foreign(state.foreignCount)}</p> : null}
      </section>

      <details className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer font-semibold">Prefer to do it by hand?</summary>
        <div className="mt-3 space-y-3 text-sm text-slate-700">{props.manual(state)}</div>
      </details>
    </div>
  );
}
