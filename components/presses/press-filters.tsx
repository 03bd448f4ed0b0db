import Link from 'next/link';
import { PRESS_STATUSES, type PressStatus } from '@/lib/presses/types';
import { pressStatusLabels } from '@/components/report/press-status-badge';

export type PressFilterValues = { status?: PressStatus; q?: string; from?: string; to?: string };

export type PressFiltersProps = {
  values: PressFilterValues;
  /** Where the form submits (GET), so the filters live in the URL. */
  action?: string;
};

/** A plain GET form: filters are the page's URL and work without JavaScript. */
export function PressFilters({ values, action = '/presses' }: PressFiltersProps) {
  const input = 'rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm';
  return (
    <form method="get" action={action} role="search" aria-label="Filter presses" className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">Status</span>
        <select name="status" defaultValue={values.status ?? ''} className={input}>
          <option value="">All</option>
          {PRESS_STATUSES.map((s) => (
            <option key={s} value={s}>
              {pressStatusLabels[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex grow flex-col gap-1">
        <span className="text-slate-600">Search</span>
        <input
          type="search"
          name="q"
          defaultValue={values.q ?? ''}
          maxLength={200}
          placeholder="Email, name, hostname, message or ticket number"
          className={input}
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">From</span>
        <input type="date" name="from" defaultValue={values.from ?? ''} className={input} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">To</span>
        <input type="date" name="to" defaultValue={values.to ?? ''} className={input} />
      </label>
      <button type="submit" className="rounded-md bg-ink-900 px-3 py-1.5 font-medium text-white hover:bg-slate-700">
        Apply filters
      </button>
      <Link href={action} className="py-1.5 text-slate-600 underline">
        Clear
      </Link>
    </form>
  );
}
