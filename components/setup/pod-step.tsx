'use client';

import { LocalTime } from '@/components/ui/local-time';
import { useState, type FormEvent } from 'react';
import { Copyable } from './copyable';
import { SyncReport } from './sync-report';
import { isBusyWith, useManageRegistration } from './use-manage-registration';
import type { HostedSetupRow, HostedSetupRowState, HostedSyncReport, PodStepState } from '@/lib/setup/hosted-setup-registration';
import { Alert, primaryButton, secondaryButton } from './form-field';
import { plural } from '@/components/ui/format';

const API = '/api/admin/setup/pod';

const STATE_LABEL: Record<HostedSetupRowState, string> = { active: 'Active', disabled: 'Disabled', needs_repair: 'Needs repair' };
const STATE_STYLE: Record<HostedSetupRowState, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  disabled: 'bg-red-100 text-red-800 ring-red-600/20',
  needs_repair: 'bg-amber-100 text-amber-900 ring-amber-600/20',
};

export function PodStep({ initial }: { initial: PodStepState }) {
  const { state, busy, working, error, notice, report, confirming, setConfirming, refresh, register: registerWith, repair, remove } =
    useManageRegistration<PodStepState, HostedSyncReport, HostedSetupRow, { setup: HostedSetupRow }>({
      api: API,
      initial,
      repairedNotice: (row, data) => `Hosted setup ${row.id} (${row.type} on ${row.screen}) was repaired: ${STATE_LABEL[data.setup.state]}.`,
      removedNotice: (row) => `Hosted setup ${row.id} (${row.type} on ${row.screen}) was removed from Manage.`,
    });
  const [ticketTab, setTicketTab] = useState(initial.registration?.tabs.ticket ?? false);
  const [companyTab, setCompanyTab] = useState(initial.registration?.tabs.company ?? false);

  async function register(e: FormEvent) {
    e.preventDefault();
    await registerWith({ tabs: { ticket: ticketTab, company: companyTab } });
  }

  const pod = state.kinds.find((k) => k.kind === 'ticket-pod');
  const tickets = state.kinds.find((k) => k.kind === 'ticket-tab');
  const companies = state.kinds.find((k) => k.kind === 'company-tab');

  return (
    <div className="space-y-6">
      {state.warnings.map((w) => (
        <Alert key={w} tone="warning" title="Technicians may not see the pod">
          {w}
        </Alert>
      ))}
      {state.problem ? (
        <Alert tone="error" title="Manage could not be asked">
          <p>{state.problem}</p>
          <p>You can still register the pod by hand (below).</p>
        </Alert>
      ) : null}
      {state.screensProblem ? (
        <Alert tone="warning" title="A screen is missing in Manage">
          {state.screensProblem}
        </Alert>
      ) : null}

      <form onSubmit={register} noValidate aria-label="Register the pod" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">What Deskbell registers in Manage</legend>
          {pod ? (
            <div className="flex items-start gap-2 text-sm">
              <input type="checkbox" checked disabled aria-label="The pod on the Service Ticket screen (always)" className="mt-1" />
              <span>
                <span className="font-medium">
                  A pod on the {pod.screen} screen, {pod.podHeight} px high
                </span>
                <span className="block text-xs text-slate-500">
                  Always: the press&rsquo;s replay thumbnails and details at a glance, titled &ldquo;{pod.description}&rdquo;.
                </span>
              </span>
            </div>
          ) : null}
          {tickets ? (
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="tab-ticket" checked={ticketTab} onChange={(e) => setTicketTab(e.target.checked)} className="mt-1" />
              <span>
                <span className="font-medium">Also a tab on the {tickets.screen} screen</span>
                <span className="block text-xs text-slate-500">The same page with more room: full-size replay beside the details, titled &ldquo;{tickets.description}&rdquo;.</span>
              </span>
            </label>
          ) : null}
          {companies ? (
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="tab-company" checked={companyTab} onChange={(e) => setCompanyTab(e.target.checked)} className="mt-1" />
              <span>
                <span className="font-medium">Also a tab on the {companies.screen} screen</span>
                <span className="block text-xs text-slate-500">The company&rsquo;s recent presses and the computers that press most, titled &ldquo;{companies.description}&rdquo;.</span>
              </span>
            </label>
          ) : null}
        </fieldset>
        <dl className="grid gap-1 text-xs text-slate-600 sm:grid-cols-[auto_1fr] sm:gap-x-3">
          <dt className="font-medium text-slate-700">URL</dt>
          <dd className="break-all font-mono" data-testid="pod-url">
            {state.podUrl}
          </dd>
          <dt className="font-medium text-slate-700">Origin</dt>
          <dd className="break-all font-mono">{state.origin}</dd>
        </dl>

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primaryButton} disabled={working}>
            {busy === 'register' ? 'Registering\u2026' : state.registration ? 'Update registration' : 'Register the pod'}
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
        <SyncReport report={report} summaryTestId="pod-summary" />
      ) : null}

      {notice ? (
        <Alert tone="success" title="Done">
          {notice}
        </Alert>
      ) : null}

      <section aria-label="Registered pods and tabs" className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div className="flex items-center justify-between gap-3">
          <h2 className="font-semibold">Deskbell&rsquo;s pod and tabs in Manage</h2>
          <button type="button" className={secondaryButton} onClick={() => void refresh()} disabled={working}>
            {busy === 'refresh' ? 'Loading\u2026' : 'Refresh'}
          </button>
        </div>
        {state.setups.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-hosted-setups">
            {state.problem ? 'Unknown: Manage could not be asked.' : 'No Deskbell pod or tab is registered in Manage yet.'}
          </p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Pods and tabs list">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2">Screen</th>
                <th scope="col">Type</th>
                <th scope="col">Height</th>
                <th scope="col">Id</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.setups.map((row) => (
                <tr key={row.id} className="border-t border-slate-100 align-top" data-testid={`hosted-row-${row.id}`} data-state={row.state}>
                  <th scope="row" className="py-2 font-medium">
                    {row.screen}
                    {row.wanted ? null : <span className="block text-xs font-normal text-slate-500">Not in your choice: Update registration removes it.</span>}
                    {row.problems.map((p) => (
                      <span key={p} className="block text-xs font-normal text-slate-600">
                        {p}
                      </span>
                    ))}
                  </th>
                  <td className="py-2">{row.type}</td>
                  <td className="py-2">{row.type === 'Pod' ? (row.podHeight === null ? 'not set' : `${row.podHeight} px`) : '\u2013'}</td>
                  <td className="py-2">{row.id}</td>
                  <td className="py-2">
                    <span className={`inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[row.state]}`}>
                      {STATE_LABEL[row.state]}
                    </span>
                  </td>
                  <td className="py-2 text-right">
                    {confirming === row.id ? (
                      <span className="inline-flex gap-2">
                        <button type="button" className={secondaryButton} onClick={() => void remove(row)} disabled={working} aria-label={`Confirm removing hosted setup ${row.id}`}>
                          {isBusyWith(busy, 'remove', row.id) ? 'Removing\u2026' : 'Yes, remove'}
                        </button>
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(null)} disabled={working}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <span className="inline-flex gap-2">
                        {row.repairable ? (
                          <button type="button" className={secondaryButton} onClick={() => void repair(row)} disabled={working} aria-label={`Repair hosted setup ${row.id}`}>
                            {isBusyWith(busy, 'repair', row.id) ? 'Repairing\u2026' : 'Repair'}
                          </button>
                        ) : null}
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(row.id)} disabled={working} aria-label={`Remove hosted setup ${row.id}`}>
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
            {state.missing.map((m) => m.label).join(', ')}: press Update registration to add {state.missing.length === 1 ? 'it' : 'them'}.
          </Alert>
        ) : null}
        {state.otherSetups > 0 ? (
          <p className="text-xs text-slate-500">Manage has {plural(state.otherSetups, 'other hosted setup')} from other integrations; Deskbell leaves them alone.</p>
        ) : null}
      </section>

      <details className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer font-semibold">Prefer to do it by hand?</summary>
        <div className="mt-3 space-y-3 text-sm text-slate-700">
          <ol className="list-decimal space-y-1 pl-5">
            <li>In Manage, go to System &gt; Setup Tables &gt; Manage Hosted API.</li>
            <li>Click New.</li>
            <li>Screen: Service Ticket.</li>
            <li>Type: Pod.</li>
            <li>Description: {pod?.description ?? 'Deskbell Instant Replay'}.</li>
            <li>Origin, URL and Pod height: the values below (Manage fills in [cw_id] and [cw_screen] itself).</li>
            <li>Save.</li>
          </ol>
          <Copyable id="manual-pod-origin" label="Origin" copyLabel="Copy the origin" value={state.origin} />
          <Copyable id="manual-pod-url" label="URL" copyLabel="Copy the URL" value={state.podUrl} />
          <Copyable id="manual-pod-height" label="Pod height" copyLabel="Copy the pod height" value={String(state.podHeight)} />
          <p className="text-xs text-slate-500">
            For a tab, repeat with Type: Tab on the Service Ticket or Company screen, the same origin and URL, and no pod height.
          </p>
        </div>
      </details>
    </div>
  );
}
