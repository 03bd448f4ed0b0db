'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ConnectionTestResult, SaveConnectionResult } from '@/lib/setup/connection-test';
import type { StoredManageConnection } from '@/lib/settings/manage-connection';
import { callSetupApi } from './setup-api';
import { Alert, FormField, primaryButton, secondaryButton } from './form-field';

type Fields = { endpoint: string; apiKey: string; clientId: string };
type FieldErrors = Partial<Record<keyof Fields, string>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;

/**
 * A guess at scheme://host:port of a typed endpoint, like the server's parser (https:// unless
 * typed otherwise, plain http:// on loopback). Only for the hint below; the server decides.
 */
export function guessEndpointOrigin(endpoint: string): string | null {
  const text = endpoint.trim();
  if (text === '') return null;
  const typed = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  const candidate = typed ? text : `https://${text}`;
  if (!URL.canParse(candidate)) return null;
  const url = new URL(candidate);
  if (!typed && LOOPBACK.test(url.hostname)) url.protocol = 'http:';
  return url.origin;
}

/** True when the typed endpoint is not the stored one's origin: the stored key and clientId will not be used for it. */
function endpointMoved(fields: Fields, stored: StoredManageConnection | null): boolean {
  if (!stored?.origin) return false;
  const typed = guessEndpointOrigin(fields.endpoint);
  return typed !== null && typed !== stored.origin;
}

/** Quick hints before anything is sent; the server's checks (the adapter's parsers) have the last word. */
function checkLocally(fields: Fields, stored: StoredManageConnection | null): FieldErrors {
  const errors: FieldErrors = {};
  if (fields.endpoint.trim() === '') errors.endpoint = 'Enter the Manage endpoint, for example yourconnectwiseinstance.com/v4_6_release.';
  const moved = endpointMoved(fields, stored);
  const key = fields.apiKey.trim();
  if (key === '' && moved) errors.apiKey = 'This is another endpoint than the stored one: type the API key again (the stored key is only sent to the stored endpoint).';
  else if (key === '' && !stored) errors.apiKey = 'Enter the API key: Companyid+publickey:privatekey.';
  else if (key !== '' && (!key.includes('+') || !key.includes(':'))) {
    errors.apiKey = 'The API key format is Companyid+publickey:privatekey (a "+" after the company id, a ":" before the private key).';
  }
  const clientId = fields.clientId.trim();
  if (clientId === '' && moved) errors.clientId = 'This is another endpoint than the stored one: type the clientId again (the stored clientId is only sent to the stored endpoint).';
  else if (clientId === '' && !stored) errors.clientId = 'Enter the clientId: a GUID from developer.connectwise.com.';
  else if (clientId !== '' && !GUID.test(clientId)) errors.clientId = 'The clientId is a GUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427.';
  return errors;
}

export function ConnectionStep({ stored }: { stored: StoredManageConnection | null }) {
  const router = useRouter();
  const [fields, setFields] = useState<Fields>({ endpoint: stored?.endpoint ?? '', apiKey: '', clientId: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState<null | 'test' | 'save'>(null);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [saved, setSaved] = useState<boolean | null>(null);
  const [requestError, setRequestError] = useState<string | null>(null);

  const update = (name: keyof Fields) => (e: { target: { value: string } }) => {
    setFields((f) => ({ ...f, [name]: e.target.value }));
    setErrors((er) => ({ ...er, [name]: undefined }));
  };

  async function run(kind: 'test' | 'save', saveAnyway = false) {
    const local = checkLocally(fields, stored);
    setErrors(local);
    setRequestError(null);
    if (Object.keys(local).length > 0) return;
    setBusy(kind);
    const body = { endpoint: fields.endpoint, apiKey: fields.apiKey, clientId: fields.clientId, ...(kind === 'save' ? { saveAnyway } : {}) };
    const res =
      kind === 'test'
        ? await callSetupApi<SaveConnectionResult>('POST', '/api/admin/setup/connection/test', body)
        : await callSetupApi<SaveConnectionResult>('PUT', '/api/admin/setup/connection', body);
    setBusy(null);
    if (!res.ok) {
      setRequestError(res.message);
      setErrors(res.fieldErrors as FieldErrors);
      return;
    }
    const outcome = res.data.result;
    setResult(outcome);
    if (!outcome.ok && outcome.problem.field) setErrors({ [outcome.problem.field]: outcome.problem.title });
    // The test route answers { result } only: `saved` is undefined there.
    const savedNow = kind === 'save' ? res.data.saved : null;
    setSaved(savedNow);
    if (savedNow) setFields((f) => ({ ...f, apiKey: '', clientId: '' }));
    router.refresh();
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void run('save');
  }

  const moved = endpointMoved(fields, stored);
  const canSaveAnyway = result !== null && !result.ok && result.problem.kind !== 'input' && saved === false;

  return (
    <div className="grid gap-8 lg:grid-cols-[2fr_1fr]">
      <form onSubmit={onSubmit} noValidate className="space-y-5 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-label="Manage connection">
        <FormField
          id="endpoint"
          name="endpoint"
          label="Endpoint"
          value={fields.endpoint}
          onChange={update('endpoint')}
          placeholder="yourconnectwiseinstance.com/v4_6_release"
          autoComplete="off"
          spellCheck={false}
          hint="The address you open Manage at, followed by /v4_6_release. Keep /v4_6_release as it is: it is the API version, not your Manage version."
          error={errors.endpoint}
        />
        <FormField
          id="apiKey"
          name="apiKey"
          label="API key"
          type="password"
          value={fields.apiKey}
          onChange={update('apiKey')}
          placeholder={stored && !moved ? 'Leave empty to keep the stored key' : 'Companyid+publickey:privatekey'}
          autoComplete="off"
          spellCheck={false}
          hint={
            stored && moved ? (
              <>
                You changed the endpoint. The stored key and clientId are only ever sent to <code>{stored.origin}</code>, so type the API key and
                the clientId again for this endpoint.
              </>
            ) : stored ? (
              <>
                {stored.source === 'environment' ? 'Pre-set by the environment (MANAGE_API_KEY)' : 'Stored'}: company <code>{stored.companyId}</code>,
                public key <code>{stored.publicKey}</code>, private key stored. Leave empty to keep it, or enter a new key as
                Companyid+publickey:privatekey.
              </>
            ) : (
              'Companyid+publickey:privatekey, for example Comp_a+123asd4asabcd:asdf38judj234. The company id is what you type on Manage\u2019s login screen.'
            )
          }
          error={errors.apiKey}
        />
        <FormField
          id="clientId"
          name="clientId"
          label="clientId"
          value={fields.clientId}
          onChange={update('clientId')}
          placeholder={
            stored && !moved ? `Leave empty to keep the stored clientId (ending ${stored.clientIdHint})` : '1b4e28ba-2fa1-11d2-883f-0016d3cca427'
          }
          autoComplete="off"
          spellCheck={false}
          hint="The GUID ConnectWise gives an integration at developer.connectwise.com. Manage refuses every call without it."
          error={errors.clientId}
        />
        <div className="flex flex-wrap gap-3">
          <button type="button" className={secondaryButton} disabled={busy !== null} onClick={() => void run('test')}>
            {busy === 'test' ? 'Testing\u2026' : 'Test connection'}
          </button>
          <button type="submit" className={primaryButton} disabled={busy !== null}>
            {busy === 'save' ? 'Testing and saving\u2026' : 'Test and save'}
          </button>
          {canSaveAnyway ? (
            <button type="button" className={secondaryButton} disabled={busy !== null} onClick={() => void run('save', true)}>
              Save anyway
            </button>
          ) : null}
        </div>
        {requestError ? <Alert tone="error" title="Not done">{requestError}</Alert> : null}
        <ConnectionResult result={result} saved={saved} />
      </form>
      <aside className="space-y-3 text-sm text-slate-600">
        <h2 className="font-semibold text-slate-900">Where to find these in Manage</h2>
        <p>
          <strong>API key:</strong> System &gt; Members &gt; API Members &gt; New (or your API member) &gt; API Keys tab &gt; New. Copy both the public and
          the private key: the private key is shown only once.
        </p>
        <p>
          <strong>Company id:</strong> the Company you type on Manage&rsquo;s login screen.
        </p>
        <p>
          <strong>Service defaults</strong> of the API member decide where tickets go when a default is left to Manage.
        </p>
      </aside>
    </div>
  );
}

function ConnectionResult({ result, saved }: { result: ConnectionTestResult | null; saved: boolean | null }) {
  if (!result) return null;
  if (result.ok) {
    return (
      <Alert tone="success" title={`Connected to ${result.companyName ?? result.companyId}`}>
        <p>
          Manage version <strong>{result.version}</strong> at {result.apiUrl}
          {result.isCloud ? ' (ConnectWise cloud)' : ''}.
        </p>
        {result.notes.map((n) => (
          <p key={n}>{n}</p>
        ))}
        {saved ? <p>Saved. The next press uses this connection.</p> : saved === null ? <p>Not saved yet: choose &ldquo;Test and save&rdquo;.</p> : null}
      </Alert>
    );
  }
  return (
    <Alert tone="error" title={result.problem.title}>
      <p>{result.problem.message}</p>
      {result.problem.fix !== result.problem.message ? <p>What to fix: {result.problem.fix}</p> : null}
      {saved === false ? <p>Nothing was saved.</p> : saved ? <p>Saved anyway, as you asked.</p> : null}
    </Alert>
  );
}
