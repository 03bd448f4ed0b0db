'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TicketEventKind } from '@/lib/notifications/types';
import { Alert, primaryButton } from '@/components/setup/form-field';
import { fieldErrorsFromDetails } from './field-errors';
import { KeywordList } from './keyword-list';
import { callNotificationsApi } from './notifications-api';
import { TemplateCard } from './template-card';
import type { NotificationSettings, NotificationsPageData, TemplateField } from './types';

type Target = { kind: TicketEventKind; field: TemplateField };
type Notice = { tone: 'error' | 'success'; title: string; text: string };
type Editable = HTMLInputElement | HTMLTextAreaElement;

const same = (a: NotificationSettings, b: NotificationSettings) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Every event kind's switch and template, edited together and saved with one PUT. Each card
 * previews its template live; the keyword list inserts into the field last focused.
 */
export function NotificationSettingsForm({ data }: { data: NotificationsPageData }) {
  const [settings, setSettings] = useState<NotificationSettings>(data.settings);
  const [saved, setSaved] = useState<NotificationSettings>(data.settings);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [target, setTarget] = useState<Target | null>(null);
  const [keywordHint, setKeywordHint] = useState<string | null>(null);
  const fields = useRef(new Map<string, Editable>());
  const dirty = !same(settings, saved);

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const clearError = (key: string) =>
    setErrors((current) => {
      if (!(key in current)) return current;
      const next = { ...current };
      delete next[key];
      return next;
    });

  function setTemplateField(kind: TicketEventKind, field: TemplateField, value: string) {
    setSettings((s) => ({ ...s, templates: { ...s.templates, [kind]: { ...s.templates[kind], [field]: value } } }));
    clearError(`${kind}.${field}`);
  }

  function setEnabled(kind: TicketEventKind, enabled: boolean) {
    setSettings((s) => ({ ...s, enabled: { ...s.enabled, [kind]: enabled } }));
    clearError(`${kind}.enabled`);
  }

  function reset(kind: TicketEventKind) {
    setSettings((s) => ({ ...s, templates: { ...s.templates, [kind]: { ...data.defaults.templates[kind] } } }));
    clearError(`${kind}.title`);
    clearError(`${kind}.body`);
  }

  function insertKeyword(keyword: string) {
    if (!target) {
      setKeywordHint('Click into a title or body first: the keyword goes where the cursor is.');
      return;
    }
    const element = fields.current.get(`${target.kind}.${target.field}`);
    const current = settings.templates[target.kind][target.field];
    const start = element?.selectionStart ?? current.length;
    const end = element?.selectionEnd ?? start;
    setTemplateField(target.kind, target.field, current.slice(0, start) + keyword + current.slice(end));
    setKeywordHint(`Inserted ${keyword}.`);
    const caret = start + keyword.length;
    // After React has put the new value in the field, the cursor goes just past the keyword.
    setTimeout(() => {
      element?.focus();
      element?.setSelectionRange(caret, caret);
    }, 0);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setNotice(null);
    const res = await callNotificationsApi<{ settings: NotificationSettings }>('PUT', '/api/admin/notifications', settings);
    setBusy(false);
    if (!res.ok) {
      const fieldErrors = fieldErrorsFromDetails(res.details, data.labels);
      setErrors(fieldErrors);
      const count = Object.keys(fieldErrors).length;
      setNotice({
        tone: 'error',
        title: 'Not saved',
        text:
          res.status === 422 && count > 0
            ? `Nothing was saved: ${count === 1 ? 'one field needs' : `${count} fields need`} fixing (marked in red). ${Object.values(fieldErrors).join(' ')}`
            : res.message,
      });
      return;
    }
    setErrors({});
    setSaved(res.data.settings);
    setSettings(res.data.settings);
    setNotice({ tone: 'success', title: 'Saved', text: 'The next notification uses these switches and templates.' });
  }

  const cardErrors = (kind: TicketEventKind) => ({
    title: errors[`${kind}.title`],
    body: errors[`${kind}.body`],
    enabled: errors[`${kind}.enabled`],
  });
  const otherErrors = Object.entries(errors).filter(([key]) => !data.kinds.some((kind) => key.startsWith(`${kind}.`)));

  return (
    <form onSubmit={save} noValidate aria-label="Notification templates" className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <div className="space-y-5">
        {data.loadProblem ? (
          <Alert tone="warning" title="The saved settings could not be read">
            {data.loadProblem} The defaults are shown; saving replaces the stored settings.
          </Alert>
        ) : null}
        {data.kinds.map((kind) => (
          <TemplateCard
            key={kind}
            kind={kind}
            label={data.labels[kind]}
            labels={data.labels}
            enabled={settings.enabled[kind]}
            template={settings.templates[kind]}
            defaultTemplate={data.defaults.templates[kind]}
            errors={cardErrors(kind)}
            onEnabledChange={(value) => setEnabled(kind, value)}
            onTemplateChange={(field, value) => setTemplateField(kind, field, value)}
            onReset={() => reset(kind)}
            onFieldFocus={(field) => {
              setTarget({ kind, field });
              setKeywordHint(null);
            }}
            fieldRef={(field, element) => {
              if (element) fields.current.set(`${kind}.${field}`, element);
              else fields.current.delete(`${kind}.${field}`);
            }}
            activeField={target?.kind === kind ? target.field : null}
          />
        ))}
        <div className="sticky bottom-0 z-10 space-y-3 rounded-xl bg-white/95 p-4 shadow-sm ring-1 ring-slate-200 backdrop-blur">
          <div className="flex flex-wrap items-center gap-4">
            <button type="submit" className={primaryButton} disabled={busy}>
              {busy ? 'Saving\u2026' : 'Save notifications'}
            </button>
            <span className="text-sm text-slate-600" data-testid="notifications-dirty">
              {dirty ? 'You have unsaved changes.' : 'All changes saved.'}
            </span>
          </div>
          {notice ? (
            <Alert tone={notice.tone} title={notice.title}>
              <span data-testid="notifications-save-message">{notice.text}</span>
            </Alert>
          ) : null}
          {otherErrors.length > 0 ? (
            <ul className="list-disc pl-5 text-sm text-red-700">
              {otherErrors.map(([key, sentence]) => (
                <li key={key}>{sentence}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <aside className="lg:sticky lg:top-4 lg:self-start">
        <KeywordList
          keywords={data.keywords}
          targetLabel={target ? `${data.labels[target.kind]} \u2013 ${target.field}` : null}
          onInsert={insertKeyword}
          hint={keywordHint}
        />
      </aside>
    </form>
  );
}
