'use client';

import { LocalTime } from '@/components/ui/local-time';
import { useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { AgentToken } from '@/lib/auth/agent-tokens';
import type { CreatedAgentToken } from '@/lib/setup/agents';
import { Copyable } from './copyable';
import { callSetupApi } from './setup-api';
import { Alert, FormField, primaryButton, secondaryButton } from './form-field';

export function AgentsStep({ tokens: initialTokens, publicUrl }: { tokens: AgentToken[]; publicUrl: string }) {
  const router = useRouter();
  const [tokens, setTokens] = useState(initialTokens);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [created, setCreated] = useState<CreatedAgentToken | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function refreshList() {
    const res = await callSetupApi<{ tokens: AgentToken[] }>('GET', '/api/admin/setup/agents');
    if (res.ok) setTokens(res.data.tokens);
    router.refresh();
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (name.trim() === '') {
      setNameError('Give the token a name, for example the customer or computer it is for.');
      return;
    }
    setBusy(true);
    const res = await callSetupApi<CreatedAgentToken>('POST', '/api/admin/setup/agents', { name: name.trim() });
    setBusy(false);
    if (!res.ok) {
      setNameError(res.fieldErrors.name);
      setError(res.message);
      return;
    }
    setNameError(undefined);
    setName('');
    setCreated(res.data);
    await refreshList();
  }

  async function revoke(token: AgentToken) {
    setBusy(true);
    const res = await callSetupApi<{ token: AgentToken }>('DELETE', `/api/admin/setup/agents/${token.id}`);
    setBusy(false);
    setConfirming(null);
    if (!res.ok) {
      setError(res.message);
      return;
    }
    if (created?.agentToken.id === token.id) setCreated(null);
    await refreshList();
  }

  return (
    <div className="space-y-6">
      <form onSubmit={create} noValidate aria-label="Create an agent token" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <FormField
          id="token-name"
          label="Token name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
          hint="Who or what uses it: a customer, a site, a computer. One token per customer lets you revoke one without the others."
          error={nameError}
        />
        <button type="submit" className={primaryButton} disabled={busy}>
          Create token
        </button>
        {error ? <Alert tone="error" title="Not done">{error}</Alert> : null}
      </form>

      {created ? (
        <section aria-label="Token created" className="space-y-3 rounded-xl bg-emerald-50 p-6 ring-1 ring-emerald-200">
          <p className="font-semibold">Copy it now: this token is shown only once.</p>
          <Copyable id="new-token" label="New agent token" copyLabel="Copy the token" value={created.token} />
          <Copyable id="press-link" label="Press page link" copyLabel="Copy the link" value={created.pressLink} />
          <Copyable id="cli-command" label="CLI agent command" copyLabel="Copy the command" value={created.cliCommand} />
          <p className="text-sm text-slate-700">
            The press page link opens the web help button; the token travels after the #, which browsers never send to a server or a log. The CLI agent
            sends a press from any computer that can reach {publicUrl}.
          </p>
        </section>
      ) : null}

      <section aria-label="Agent tokens" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="mb-3 font-semibold">Agent tokens</h2>
        {tokens.length === 0 ? (
          <p className="text-sm text-slate-600">No tokens yet.</p>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Agent tokens list">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="py-2">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} className="border-t border-slate-100" data-token-state={t.revokedAt ? 'revoked' : 'active'}>
                  <th scope="row" className="py-2 font-medium">
                    {t.name}
                  </th>
                  <td className="font-mono">{t.prefix}&hellip;</td>
                  <td><LocalTime iso={t.createdAt} relative /></td>
                  <td>{t.lastUsedAt ? <LocalTime iso={t.lastUsedAt} relative /> : 'never'}</td>
                  <td className="text-right">
                    {t.revokedAt ? (
                      <span className="text-slate-500">Revoked</span>
                    ) : confirming === t.id ? (
                      <span className="inline-flex gap-2">
                        <button type="button" className={secondaryButton} onClick={() => void revoke(t)} disabled={busy} aria-label={`Confirm revoking ${t.name}`}>
                          Yes, revoke
                        </button>
                        <button type="button" className={secondaryButton} onClick={() => setConfirming(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button type="button" className={secondaryButton} onClick={() => setConfirming(t.id)} aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
