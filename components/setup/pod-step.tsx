'use client';

import { useState } from 'react';
import { plural } from '@/components/ui/format';
import type { HostedEntryRow, PodStepState } from '@/lib/registrations/pod';
import { Copyable } from './copyable';
import { Alert } from './form-field';
import { RegistrationStep, type RegistrationStepWords } from './registration-step';

const WORDS: RegistrationStepWords = {
  api: '/api/admin/setup/pod',
  one: 'Hosted API entry',
  One: 'Hosted API entry',
  register: 'Register the pod',
  warningTitle: 'Technicians may not see the pod',
  byHand: 'register the pod',
  listTitle: <>Deskbell&rsquo;s pod and tabs in Manage</>,
  listLabel: 'Registered pods and tabs',
  tableLabel: 'Pods and tabs list',
  firstColumn: 'Screen',
  empty: 'No Deskbell pod or tab is registered in Manage yet.',
  emptyTestId: 'no-hosted-entries',
  rowTestId: 'hosted-row',
  summaryTestId: 'pod-summary',
  stateLabels: { active: 'Active', disabled: 'Disabled', needs_repair: 'Needs repair' },
  foreign: (count) => `Manage has ${plural(count, 'other Hosted API entry', 'other Hosted API entries')} from other integrations; Deskbell leaves them alone.`,
};

const COLUMNS = [
  { header: 'Type', cell: (row: HostedEntryRow) => row.type },
  { header: 'Height', cell: (row: HostedEntryRow) => (row.type === 'Pod' ? (row.podHeight === null ? 'not set' : `${row.podHeight} px`) : '\u2013') },
  { header: 'Id', cell: (row: HostedEntryRow) => row.id },
];

export function PodStep({ initial }: { initial: PodStepState }) {
  const [ticketTab, setTicketTab] = useState(initial.registration?.tabs.ticket ?? false);
  const [companyTab, setCompanyTab] = useState(initial.registration?.tabs.company ?? false);
  const pod = initial.kinds.find((k) => k.kind === 'ticket-pod');
  const tickets = initial.kinds.find((k) => k.kind === 'ticket-tab');
  const companies = initial.kinds.find((k) => k.kind === 'company-tab');

  return (
    <RegistrationStep<HostedEntryRow, PodStepState>
      initial={initial}
      words={WORDS}
      alerts={(state) =>
        state.screensProblem ? (
          <Alert tone="warning" title="A screen is missing in Manage">
            {state.screensProblem}
          </Alert>
        ) : null
      }
      choice={() => ({ tabs: { ticket: ticketTab, company: companyTab } })}
      fields={(state) => (
        <>
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
        </>
      )}
      rowHeader={(row) => row.screen}
      columns={COLUMNS}
      manual={(state) => (
        <>
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
        </>
      )}
    />
  );
}
