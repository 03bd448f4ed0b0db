'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { TicketDefaults } from '@/lib/settings/intake-settings';
import type { BoardScopedOptions, DefaultsPageData, TicketPreview } from '@/lib/setup/ticket-defaults';
import { callSetupApi } from './setup-api';
import { Alert, FormField, SelectField, primaryButton, secondaryButton } from './form-field';

const MANAGE_DEFAULT = '__default__';
const DEFAULT_ONLY = [{ value: MANAGE_DEFAULT, label: 'Manage\u2019s default (__default__)' }];
const BOARD_FIELDS = ['status', 'type', 'subtype', 'item', 'team'] as const;
const BOARD_LIST: Record<(typeof BOARD_FIELDS)[number], keyof BoardScopedOptions> = {
  status: 'statuses',
  type: 'types',
  subtype: 'subtypes',
  item: 'items',
  team: 'teams',
};
const LABELS: Record<keyof TicketDefaults, string> = {
  board: 'Board',
  status: 'Status',
  type: 'Type',
  subtype: 'Subtype',
  item: 'Item',
  team: 'Team',
  priority: 'Priority',
  source: 'Source',
  owner: 'Owner',
  impact: 'Impact',
  severity: 'Severity (urgency)',
};

export function DefaultsStep({ data }: { data: DefaultsPageData }) {
  const router = useRouter();
  const [values, setValues] = useState<TicketDefaults>(data.current);
  const [boardOptions, setBoardOptions] = useState<BoardScopedOptions | null>(data.boardOptions);
  const [loadingBoard, setLoadingBoard] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState<null | 'save' | 'preview'>(null);
  const [sample, setSample] = useState({ message: 'The printer on the second floor is jammed again and I need to print invoices', email: '', hostname: '' });
  const [preview, setPreview] = useState<TicketPreview | null>(null);

  const set = (key: keyof TicketDefaults, value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '' }));
  };

  async function changeBoard(name: string) {
    set('board', name);
    const board = data.options.boards.find((b) => b.value === name);
    if (!board) {
      // The __default__ board cannot carry a status, type or team (seed: name the board).
      setBoardOptions(null);
      setValues((v) => ({ ...v, board: name, status: MANAGE_DEFAULT, type: MANAGE_DEFAULT, subtype: MANAGE_DEFAULT, item: MANAGE_DEFAULT, team: MANAGE_DEFAULT }));
      return;
    }
    setLoadingBoard(true);
    const res = await callSetupApi<BoardScopedOptions>('GET', `/api/admin/setup/defaults/boards/${board.id}`);
    setLoadingBoard(false);
    if (!res.ok) {
      setMessage({ tone: 'error', text: `The lists of board ${name} could not be loaded: ${res.message}` });
      return;
    }
    setBoardOptions(res.data);
    // Names that exist on the new board are kept; the rest fall back to Manage's default.
    setValues((v) => {
      const next = { ...v, board: name };
      for (const field of BOARD_FIELDS) {
        if (!res.data[BOARD_LIST[field]].some((o) => o.value === v[field])) next[field] = MANAGE_DEFAULT;
      }
      return next;
    });
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy('save');
    setMessage(null);
    const res = await callSetupApi<{ defaults: TicketDefaults }>('PUT', '/api/admin/setup/defaults', values);
    setBusy(null);
    if (!res.ok) {
      setErrors(res.fieldErrors);
      setMessage({ tone: 'error', text: res.message });
      return;
    }
    setErrors({});
    setMessage({ tone: 'success', text: 'Defaults saved. The next press uses them.' });
    router.refresh();
  }

  async function runPreview(e: FormEvent) {
    e.preventDefault();
    if (sample.message.trim() === '') {
      setErrors((er) => ({ ...er, 'sample.message': 'Type a sample message, as an end user would.' }));
      return;
    }
    setBusy('preview');
    const res = await callSetupApi<TicketPreview>('POST', '/api/admin/setup/defaults/preview', { defaults: values, sample });
    setBusy(null);
    if (!res.ok) {
      setErrors((er) => ({ ...er, ...res.fieldErrors }));
      setMessage({ tone: 'error', text: res.message });
      return;
    }
    setPreview(res.data);
  }

  const boardChosen = values.board !== MANAGE_DEFAULT;
  const optionsFor = (key: keyof TicketDefaults) => {
    if ((BOARD_FIELDS as readonly string[]).includes(key)) {
      return boardOptions ? boardOptions[BOARD_LIST[key as (typeof BOARD_FIELDS)[number]]] : DEFAULT_ONLY;
    }
    const o = data.options;
    return { priority: o.priorities, source: o.sources, owner: o.owners, impact: o.impacts, severity: o.severities }[key as 'priority'] ?? DEFAULT_ONLY;
  };

  return (
    <div className="space-y-8">
      <form onSubmit={save} noValidate aria-label="Ticket defaults" className="space-y-5 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <SelectField
            id="default-board"
            label={LABELS.board}
            value={values.board}
            options={[...DEFAULT_ONLY, ...data.options.boards]}
            onChange={(v) => void changeBoard(v)}
            error={errors.board}
            hint="Status, type, subtype, item and team belong to the board."
          />
          {BOARD_FIELDS.map((key) => (
            <SelectField
              key={key}
              id={`default-${key}`}
              label={LABELS[key]}
              value={values[key]}
              options={optionsFor(key)}
              onChange={(v) => set(key, v)}
              disabled={!boardChosen || loadingBoard}
              error={errors[key]}
              hint={boardChosen ? undefined : 'Choose a board by name to set this.'}
            />
          ))}
          {(['priority', 'source', 'owner', 'impact', 'severity'] as const).map((key) => (
            <SelectField key={key} id={`default-${key}`} label={LABELS[key]} value={values[key]} options={optionsFor(key)} onChange={(v) => set(key, v)} error={errors[key]} />
          ))}
        </div>
        <button type="submit" className={primaryButton} disabled={busy !== null || loadingBoard}>
          {busy === 'save' ? 'Saving\u2026' : 'Save defaults'}
        </button>
        {message ? <Alert tone={message.tone} title={message.tone === 'success' ? 'Saved' : 'Not saved'}>{message.text}</Alert> : null}
      </form>

      <form onSubmit={runPreview} noValidate aria-label="Ticket preview" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-lg font-semibold">Preview a press</h2>
        <p className="text-sm text-slate-600">What Deskbell would send to Manage for this sample press with the defaults above (saved or not). Nothing is created.</p>
        <div>
          <label htmlFor="sample-message" className="block text-sm font-medium text-slate-800">
            Sample message
          </label>
          <textarea
            id="sample-message"
            rows={3}
            value={sample.message}
            onChange={(e) => setSample((s) => ({ ...s, message: e.target.value }))}
            aria-invalid={errors['sample.message'] ? true : undefined}
            aria-describedby={errors['sample.message'] ? 'sample-message-error' : undefined}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          {errors['sample.message'] ? (
            <p id="sample-message-error" className="mt-1 text-sm text-red-700">
              {errors['sample.message']}
            </p>
          ) : null}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            id="sample-email"
            label="Sample email"
            type="email"
            value={sample.email}
            onChange={(e) => setSample((s) => ({ ...s, email: e.target.value }))}
            hint="Leave empty to see a press from an unregistered user."
            error={errors['sample.email']}
          />
          <FormField
            id="sample-hostname"
            label="Computer name"
            value={sample.hostname}
            onChange={(e) => setSample((s) => ({ ...s, hostname: e.target.value }))}
            error={errors['sample.hostname']}
          />
        </div>
        <button type="submit" className={secondaryButton} disabled={busy !== null}>
          {busy === 'preview' ? 'Building the preview\u2026' : 'Preview ticket'}
        </button>
        {preview ? <PreviewView preview={preview} /> : null}
      </form>
    </div>
  );
}

function PreviewView({ preview }: { preview: TicketPreview }) {
  const show = (v: string) => (v === MANAGE_DEFAULT ? 'Manage\u2019s default' : v);
  return (
    <section aria-label="Ticket preview result" className="space-y-4 border-t border-slate-100 pt-4 text-sm">
      <p>
        <span className="text-slate-500">Summary: </span>
        <strong data-testid="preview-summary">{preview.summary}</strong>
      </p>
      <p>
        <span className="text-slate-500">Contact: </span>
        {preview.contact
          ? `${preview.contact.companyName ?? `company ${preview.contact.companyId}`} (contact ${preview.contact.id}${preview.contact.registered ? '' : ', the unregistered catch-all'})`
          : 'not resolved'}
      </p>
      <dl className="grid grid-cols-[10rem_1fr] gap-1" data-testid="preview-fields">
        {Object.entries(preview.fields).map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="capitalize text-slate-500">{k}</dt>
            <dd>{show(v)}</dd>
          </div>
        ))}
      </dl>
      {preview.submissionErrors.length > 0 ? (
        <Alert tone="warning" title="Submission Errors (they go to the ticket's internal note)">
          <ul className="list-disc pl-5">
            {preview.submissionErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {preview.notes.map((n) => (
        <p key={n} className="text-slate-600">
          {n}
        </p>
      ))}
      <div>
        <h3 className="font-medium">Description</h3>
        <pre className="mt-1 whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs">{preview.description}</pre>
      </div>
      <div>
        <h3 className="font-medium">Internal note</h3>
        <pre className="mt-1 whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs" data-testid="preview-internal-note">
          {preview.internalNote}
        </pre>
      </div>
    </section>
  );
}
