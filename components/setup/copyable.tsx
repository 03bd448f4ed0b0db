'use client';

import { useState } from 'react';
import { secondaryButton } from './form-field';

/**
 * A read-only value with a Copy button (tokens, links, URLs to paste into Manage).
 * copyLabel must not contain `label`: a test's getByLabel(label) would match the button too.
 */
export function Copyable({ id, label, copyLabel, value }: { id: string; label: string; copyLabel: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1 flex gap-2">
        <input id={id} readOnly value={value} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs" onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className={secondaryButton}
          aria-label={copyLabel}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
