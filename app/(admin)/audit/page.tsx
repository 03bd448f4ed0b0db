import type { Metadata } from 'next';
import Link from 'next/link';
import { AUDIT_PAGE_SIZE, listAuditEntries, type AuditEntry } from '@/lib/audit/audit-log';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdminPage('/audit');
  const params = await searchParams;
  const before = typeof params.before === 'string' && /^[0-9a-f-]{36}$/i.test(params.before) ? params.before : undefined;
  // One extra row tells whether an older page exists.
  const rows = await listAuditEntries(await getDatabase(), { limit: AUDIT_PAGE_SIZE + 1, before });
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  const olderCursor = rows.length > AUDIT_PAGE_SIZE ? entries.at(-1)?.id : undefined;

  return (
    <main>
      <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
      <p className="mt-1 text-sm text-slate-600">Who changed which setting, admin or agent token, and when. Newest first. Secrets are never recorded.</p>
      {entries.length === 0 ? (
        <p className="mt-8 rounded-xl bg-white p-6 text-sm text-slate-600 ring-1 ring-slate-200">
          {before ? 'No older entries.' : 'Nothing has been recorded yet.'}
        </p>
      ) : (
        <div className="mt-6 overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="audit-table">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">When (UTC)</th>
                <th scope="col" className="px-4 py-2">Who</th>
                <th scope="col" className="px-4 py-2">What</th>
                <th scope="col" className="px-4 py-2">On</th>
                <th scope="col" className="px-4 py-2">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Audit log pages" className="mt-4 flex gap-4 text-sm">
        {before ? (
          <Link href="/audit" className="text-bell-700 hover:underline">
            Newest
          </Link>
        ) : null}
        {olderCursor ? (
          <Link href={`/audit?before=${olderCursor}`} className="text-bell-700 hover:underline">
            Older entries
          </Link>
        ) : null}
      </nav>
    </main>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr className="align-top">
      <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-slate-600">
        <time dateTime={entry.at}>{entry.at.replace('T', ' ').slice(0, 19)}</time>
      </td>
      <td className="px-4 py-2">{entry.actor}</td>
      <td className="px-4 py-2 font-mono text-xs">{entry.action}</td>
      <td className="max-w-xs break-words px-4 py-2 text-slate-700">{entry.target ?? '—'}</td>
      <td className="px-4 py-2">
        {entry.details ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
            {Object.entries(entry.details).map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500">{key}</dt>
                <dd className="break-all font-mono">{formatValue(value)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
    </tr>
  );
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
