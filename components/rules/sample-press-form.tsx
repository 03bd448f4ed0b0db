'use client';

import type { SampleRulePress } from '@/lib/rules/types';
import { FormField } from '@/components/setup/form-field';

type TextKey = 'name' | 'email' | 'company' | 'hostname' | 'username' | 'ip' | 'mac' | 'os';

const FIELDS: { key: TextKey; label: string; hint?: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'company', label: 'Company', hint: 'The company Manage finds for this email.' },
  { key: 'hostname', label: 'Computer name' },
  { key: 'username', label: 'User name' },
  { key: 'ip', label: 'IP address' },
  { key: 'mac', label: 'MAC address' },
  { key: 'os', label: 'Operating system' },
];

/** The sample press a test run uses: what the end user sends, plus what Manage would resolve. */
export function SamplePressFields({
  sample,
  onChange,
  errors,
}: {
  sample: SampleRulePress;
  onChange: (next: SampleRulePress) => void;
  errors: Record<string, string>;
}) {
  const set = <K extends keyof SampleRulePress>(key: K, value: SampleRulePress[K]) => onChange({ ...sample, [key]: value });
  const messageError = errors['sample.message'];
  const selectionsError = errors['sample.selections'];
  return (
    <div className="space-y-4">
      <div>
        <label htmlFor="sample-press-message" className="block text-sm font-medium text-slate-800">
          Message
        </label>
        <textarea
          id="sample-press-message"
          rows={3}
          value={sample.message}
          onChange={(e) => set('message', e.target.value)}
          aria-invalid={messageError ? true : undefined}
          aria-describedby={messageError ? 'sample-press-message-error' : undefined}
          className={`mt-1 block w-full rounded-md border px-3 py-2 text-sm ${messageError ? 'border-red-500' : 'border-slate-300'}`}
        />
        {messageError ? (
          <p id="sample-press-message-error" className="mt-1 text-sm text-red-700">
            {messageError}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="sample-press-selections" className="block text-sm font-medium text-slate-800">
          Selections
        </label>
        <textarea
          id="sample-press-selections"
          rows={2}
          value={sample.selections.join('\n')}
          onChange={(e) => set('selections', e.target.value.split('\n'))}
          aria-describedby={selectionsError ? 'sample-press-selections-hint sample-press-selections-error' : 'sample-press-selections-hint'}
          aria-invalid={selectionsError ? true : undefined}
          className={`mt-1 block w-full rounded-md border px-3 py-2 font-mono text-sm ${selectionsError ? 'border-red-500' : 'border-slate-300'}`}
        />
        <p id="sample-press-selections-hint" className="mt-1 text-xs text-slate-500">
          One label per line, as the press form offers them.
        </p>
        {selectionsError ? (
          <p id="sample-press-selections-error" className="mt-1 text-sm text-red-700">
            {selectionsError}
          </p>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {FIELDS.map((f) => (
          <FormField
            key={f.key}
            id={`sample-press-${f.key}`}
            label={f.label}
            hint={f.hint}
            value={sample[f.key]}
            onChange={(e) => set(f.key, e.target.value)}
            error={errors[`sample.${f.key}`]}
          />
        ))}
      </div>
      <div className="flex items-center gap-2">
        <input
          id="sample-press-registered"
          type="checkbox"
          checked={sample.registered}
          onChange={(e) => set('registered', e.target.checked)}
          className="h-4 w-4 rounded border-slate-300"
        />
        <label htmlFor="sample-press-registered" className="text-sm text-slate-800">
          Registered (the email matches a Manage contact)
        </label>
      </div>
    </div>
  );
}
