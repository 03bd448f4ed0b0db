'use client';

import type { TemplateKeyword } from './types';

type Props = {
  keywords: readonly TemplateKeyword[];
  /** "Status changed – body", or null before any field was focused. */
  targetLabel: string | null;
  onInsert: (keyword: string) => void;
  hint: string | null;
};

/** The keywords a template may use; a click inserts one at the cursor of the field last focused. */
export function KeywordList({ keywords, targetLabel, onInsert, hint }: Props) {
  return (
    <section aria-labelledby="keywords-heading" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <h2 id="keywords-heading" className="text-base font-semibold">
        Keywords
      </h2>
      <p className="mt-1 text-xs text-slate-600" data-testid="keyword-target">
        {targetLabel ? `Click a keyword to insert it into: ${targetLabel}.` : 'Click into a title or body, then click a keyword to insert it at the cursor.'}
      </p>
      <ul className="mt-3 space-y-2">
        {keywords.map(({ keyword, meaning }) => (
          <li key={keyword}>
            <button
              type="button"
              // Keeps the cursor in the field: the click must not move the focus first.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onInsert(keyword)}
              aria-label={`Insert ${keyword}: ${meaning}`}
              className="rounded bg-bell-50 px-1.5 py-0.5 font-mono text-xs text-bell-700 ring-1 ring-bell-100 hover:bg-bell-100 focus:outline-none focus:ring-2 focus:ring-bell-500"
            >
              {keyword}
            </button>
            <p className="mt-0.5 text-xs text-slate-600">{meaning}</p>
          </li>
        ))}
      </ul>
      <p role="status" className="mt-3 text-xs text-slate-600">
        {hint}
      </p>
    </section>
  );
}
