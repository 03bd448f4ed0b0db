'use client';

import { LocalTime } from '@/components/ui/local-time';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { PermissionCheck } from '@/lib/setup/permission-probes';
import type { DecisionMethod, ProbeResult, ProbeVerdict } from '@/lib/setup/setup-checks';
import { callSetupApi } from './setup-api';
import { Alert, primaryButton } from './form-field';

const VERDICT: Record<ProbeVerdict, { label: string; style: string }> = {
  pass: { label: 'Pass', style: 'bg-emerald-100 text-emerald-800' },
  fail: { label: 'Fail', style: 'bg-red-100 text-red-800' },
  unknown: { label: 'Unknown', style: 'bg-amber-100 text-amber-900' },
};

const METHOD: Record<DecisionMethod, string> = {
  role: 'From the security role',
  probe: 'By a test request',
};

/** The reason every test-request line shares (the role could not be read), said once above the table. */
function sharedFallback(probes: readonly ProbeResult[]): string | null {
  const reasons = new Set(probes.filter((p) => p.method === 'probe').map((p) => p.fallback ?? ''));
  const [only] = [...reasons];
  return reasons.size === 1 && only ? only : null;
}

/** "All 11 lines were decided from the security role ..." / "7 ... from the security role, 4 by a test request." */
function describeMethods(probes: readonly ProbeResult[], shared: string | null): string {
  const fromRole = probes.filter((p) => p.method === 'role').length;
  const byRequest = probes.length - fromRole;
  if (byRequest === 0) return `All ${fromRole} lines were decided from the API member\u2019s security role in Manage; no test request was sent.`;
  const why = shared ? ` ${shared}` : '';
  if (fromRole === 0) return `All ${byRequest} lines were decided by a test request.${why}`;
  return `${fromRole} line${fromRole === 1 ? ' was' : 's were'} decided from the API member\u2019s security role, ${byRequest} by a test request.${why}`;
}

/** One row per permission: verdict, what it is for, how it was decided (role or test request), and the role setting that fixes it. */
export function PermissionsStep({ initial, connected }: { initial: { at: string; probes: ProbeResult[] } | null; connected: boolean }) {
  const router = useRouter();
  const [check, setCheck] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    const res = await callSetupApi<PermissionCheck>('POST', '/api/admin/setup/permissions');
    setBusy(false);
    if (!res.ok) {
      setError(res.message);
      return;
    }
    setCheck({ at: res.data.at, probes: res.data.probes });
    router.refresh();
  }

  const failing = check?.probes.filter((p) => p.verdict === 'fail') ?? [];
  const shared = check ? sharedFallback(check.probes) : null;
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center gap-4">
        <button type="button" className={primaryButton} onClick={() => void run()} disabled={busy || !connected}>
          {busy ? 'Checking\u2026' : check ? 'Check permissions again' : 'Check permissions'}
        </button>
        {check ? <p className="text-sm text-slate-500">Last checked <LocalTime iso={check.at} relative />.</p> : null}
      </div>
      {!connected ? <Alert tone="info" title="Connect first">Save a working connection in step 1, then check the permissions.</Alert> : null}
      {error ? <Alert tone="error" title="The check did not run">{error}</Alert> : null}
      {check && failing.length > 0 ? (
        <Alert tone="error" title={`${failing.length} permission${failing.length === 1 ? ' is' : 's are'} missing`}>
          <p>Change the API member&rsquo;s security role in Manage as shown on each failing line, then check again.</p>
        </Alert>
      ) : null}
      {check && check.probes.length > 0 ? (
        <p className="text-sm text-slate-600" data-testid="permission-methods">
          {describeMethods(check.probes, shared)}
        </p>
      ) : null}
      {check ? (
        <table className="w-full border-separate border-spacing-0 overflow-hidden rounded-xl bg-white text-sm shadow-sm ring-1 ring-slate-200" aria-label="Permission checks">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2">Result</th>
              <th scope="col" className="px-4 py-2">Permission</th>
              <th scope="col" className="px-4 py-2">How it was decided</th>
            </tr>
          </thead>
          <tbody>
            {check.probes.map((probe) => (
              <tr key={probe.id} data-probe={probe.id} data-verdict={probe.verdict} data-method={probe.method} className="align-top">
                <td className="border-t border-slate-100 px-4 py-3">
                  <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${VERDICT[probe.verdict].style}`}>{VERDICT[probe.verdict].label}</span>
                </td>
                <th scope="row" className="border-t border-slate-100 px-4 py-3 text-left font-normal">
                  <span className="font-medium text-slate-900">{probe.permission}</span>
                  <span className="block text-slate-500">{probe.purpose}</span>
                  {probe.verdict !== 'pass' ? (
                    <span className="mt-1 block text-red-800">
                      Fix in Manage: <strong>{probe.fix}</strong>
                    </span>
                  ) : null}
                </th>
                <td className="border-t border-slate-100 px-4 py-3 text-slate-600">
                  <span className="mb-1 block text-xs font-semibold uppercase tracking-wide text-slate-500">{METHOD[probe.method]}</span>
                  {probe.fallback && probe.fallback !== shared ? <p className="mb-1 text-slate-500">{probe.fallback}</p> : null}
                  <ul className="space-y-1">
                    {probe.how.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
