import type { ReactNode } from 'react';

export type ReportSectionProps = {
  /** Unique on the page; the heading's id is `${id}-heading`. */
  id: string;
  title: string;
  /** Small text beside the heading, e.g. a count. */
  aside?: ReactNode;
  children: ReactNode;
};

/** A titled card; the report page and the pod lay these out differently. */
export function ReportSection({ id, title, aside, children }: ReportSectionProps) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <div className="mb-3 flex items-baseline justify-between gap-4">
        <h2 id={`${id}-heading`} className="text-base font-semibold">
          {title}
        </h2>
        {aside ? <div className="text-sm text-slate-500">{aside}</div> : null}
      </div>
      {children}
    </section>
  );
}
