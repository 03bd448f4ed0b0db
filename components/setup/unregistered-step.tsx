'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { CatchAllState } from '@/lib/setup/unregistered';
import { callSetupApi } from './setup-api';
import { Alert, FormField, primaryButton, secondaryButton } from './form-field';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function UnregisteredStep({ email: initialEmail, connected, stored }: { email: string; connected: boolean; stored: { companyId?: number; contactId?: number } }) {
  const router = useRouter();
  const [email, setEmail] = useState(initialEmail);
  const [state, setState] = useState<CatchAllState | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [requestError, setRequestError] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'find' | 'create'>(null);
  const [address, setAddress] = useState({ line1: '', city: '' });
  const [confirmed, setConfirmed] = useState(false);

  async function find(e: FormEvent) {
    e.preventDefault();
    setRequestError(null);
    if (!EMAIL.test(email.trim())) {
      setErrors({ email: 'Enter an email address like unregistered@helpdeskbuttons.com.' });
      return;
    }
    setErrors({});
    setBusy('find');
    const res = await callSetupApi<CatchAllState>('POST', '/api/admin/setup/unregistered/check', { email: email.trim() });
    setBusy(null);
    if (!res.ok) {
      setRequestError(res.message);
      setErrors(res.fieldErrors);
      return;
    }
    setState(res.data);
    router.refresh();
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    setRequestError(null);
    const local: Record<string, string> = {};
    if (!state?.company && address.line1.trim() === '') local['address.line1'] = 'Manage requires an address: enter address line 1.';
    if (!confirmed) local.confirm = 'Tick the box to confirm that Deskbell may create the company and contact in Manage.';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy('create');
    const res = await callSetupApi<CatchAllState>('POST', '/api/admin/setup/unregistered', {
      email: email.trim(),
      confirm: true,
      ...(state?.company ? {} : { address: { line1: address.line1.trim(), ...(address.city.trim() ? { city: address.city.trim() } : {}) } }),
    });
    setBusy(null);
    if (!res.ok) {
      setRequestError(res.message);
      setErrors(res.fieldErrors);
      return;
    }
    setState(res.data);
    setConfirmed(false);
    router.refresh();
  }

  const missing = state && (!state.company || !state.contact);
  return (
    <div className="space-y-6">
      <form onSubmit={find} noValidate className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-label="Find the catch-all">
        <FormField
          id="catchAllEmail"
          label="Catch-all email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          hint="Tickets from people Manage does not know appear to come from the contact with this address."
          error={errors.email}
        />
        <button type="submit" className={primaryButton} disabled={busy !== null || !connected}>
          {busy === 'find' ? 'Looking in Manage\u2026' : 'Find in Manage'}
        </button>
        {!connected ? <Alert tone="info" title="Connect first">Save a working connection in step 1 first.</Alert> : null}
        {stored.companyId && stored.contactId && !state ? (
          <p className="text-sm text-slate-600">
            Stored: company id {stored.companyId}, contact id {stored.contactId}.
          </p>
        ) : null}
      </form>
      {requestError ? <Alert tone="error" title="Not done">{requestError}</Alert> : null}
      {state ? (
        <section aria-label="Catch-all in Manage" className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Company</dt>
            <dd data-testid="catch-all-company">{state.company ? `${state.company.name} (id ${state.company.id}, ${state.company.statusName ?? 'no status'})` : 'Not found'}</dd>
            <dt className="text-slate-500">Contact</dt>
            <dd data-testid="catch-all-contact">{state.contact ? `${state.contact.name || state.email} (id ${state.contact.id})` : 'Not found'}</dd>
          </dl>
          {state.ok ? <Alert tone="success" title="The catch-all is ready">Its ids are stored; presses from unknown addresses use it.</Alert> : null}
          {state.notes.map((note) => (
            <p key={note} className="text-sm text-slate-700">
              {note}
            </p>
          ))}
        </section>
      ) : null}
      {missing ? (
        <form onSubmit={create} noValidate className="space-y-4 rounded-xl bg-amber-50 p-6 ring-1 ring-amber-200" aria-label="Create the catch-all">
          <h2 className="font-semibold text-slate-900">Create what is missing in Manage</h2>
          <p className="text-sm text-slate-700">
            Deskbell will create {state.company ? '' : <>the company <strong>Unregistered Users</strong> (identifier UnregisteredUsers, status Active){state.contact ? '' : ' and '}</>}
            {state.contact ? '' : <>the contact <strong>Unregistered User</strong> with the email {email.trim()}</>}. Nothing is created until you confirm.
          </p>
          {state.company ? null : (
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField
                id="addressLine1"
                label="Address line 1"
                value={address.line1}
                onChange={(e) => setAddress((a) => ({ ...a, line1: e.target.value }))}
                hint="Manage requires an address on every company; your own office address is fine."
                error={errors['address.line1']}
                maxLength={50}
              />
              <FormField id="addressCity" label="City" value={address.city} onChange={(e) => setAddress((a) => ({ ...a, city: e.target.value }))} error={errors['address.city']} maxLength={50} />
            </div>
          )}
          <div>
            <label className="flex items-start gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                checked={confirmed}
                onChange={(e) => setConfirmed(e.target.checked)}
                aria-describedby={errors.confirm ? 'confirm-error' : undefined}
                className="mt-0.5"
              />
              <span>I confirm: create these records in Manage</span>
            </label>
            {errors.confirm ? (
              <p id="confirm-error" className="mt-1 text-sm text-red-700">
                {errors.confirm}
              </p>
            ) : null}
          </div>
          <button type="submit" className={secondaryButton} disabled={busy !== null}>
            {busy === 'create' ? 'Creating\u2026' : 'Create in Manage'}
          </button>
        </form>
      ) : null}
    </div>
  );
}
