import type { Metadata } from 'next';
import Link from 'next/link';
import { LocalTime } from '@/components/ui/local-time';
import type { AuditEntry } from '@/lib/audit/audit-log';
import { loadAuditPage } from '@/lib/audit/audit-page';
import { describeAuditEntry, type AdminNames } from '@/lib/audit/audit-sentence';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadAdminNames } from '@/lib/auth/admin-pages';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdminPage('/audit');
  const params = await searchParams;
  const before = typeof params.before === 'string' && /^[0-9a-f-]{36}$/i.test(params.before) ? params.before : undefined;
  const [{ entries, olderCursor }, names] = await Promise.all([loadAuditPage(before), loadAdminNames()]);

  return (
    <main>
      <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
      <p className="mt-1 text-sm text-slate-600">Who changed which setting, admin or agent token, and when. Newest first. Secrets are never recorded.</p>
      {entries.length === 0 ? (
        <p className="mt-8 rounded-xl bg-white p-6 text-sm text-slate-600 ring-1 ring-slate-200">
          {before ? 'No older entries.' : 'Nothing has been recorded yet.'}
        </p>
      ) : (
        <ol className="mt-6 list-none divide-y pl-0 divide-slate-100 rounded-xl bg-white text-sm shadow-sm ring-1 ring-slate-200" data-testid="audit-table">
          {entries.map((entry) => (
            <AuditRow key={entry.id} entry={entry} names={names} />
          ))}
        </ol>
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

function AuditRow({ entry, names }: { entry: AuditEntry; names: AdminNames }) {
  return (
    <li className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-0.5 px-4 py-2.5" data-testid="audit-entry">
      <span className="text-slate-800">{describeAuditEntry(entry, names)}</span>
      <LocalTime iso={entry.at} relative className="whitespace-nowrap text-xs text-slate-500" />
    </li>
  );
}
