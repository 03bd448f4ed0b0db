'use client';

import type { TicketEventKind } from '@/lib/notifications/types';
import { secondaryButton } from '@/components/setup/form-field';
import { describeUnknownKeywords, findUnknownKeywords } from '@/lib/notifications/template-keywords';
import { fieldErrorSentence, fieldErrorsFromDetails } from './field-errors';
import { NotificationPreviewPane } from './notification-preview-pane';
import type { NotificationTemplate, TemplateField } from './types';
import { useLivePreview } from './use-live-preview';

type Props = {
  kind: TicketEventKind;
  label: string;
  labels: Record<TicketEventKind, string>;
  enabled: boolean;
  template: NotificationTemplate;
  defaultTemplate: NotificationTemplate;
  /** Sentences from the last save, keyed "title", "body", "enabled". */
  errors: Partial<Record<TemplateField | 'enabled', string>>;
  onEnabledChange: (enabled: boolean) => void;
  onTemplateChange: (field: TemplateField, value: string) => void;
  onReset: () => void;
  /** The field the keyword list inserts into is the one last focused. */
  onFieldFocus: (field: TemplateField) => void;
  fieldRef: (field: TemplateField, element: HTMLInputElement | HTMLTextAreaElement | null) => void;
  /** Whether this card holds the keyword list's target field. */
  activeField: TemplateField | null;
};

/** One event kind: its on/off switch, title and body, and a live preview beside them. */
export function TemplateCard(props: Props) {
  const { kind, label, labels, enabled, template, defaultTemplate, errors } = props;
  const live = useLivePreview(kind, template);
  // The live preview checks the text as the admin types; a save's sentence wins over it. A
  // mistyped keyword is marked at once, with the keyword it most likely meant.
  const previewErrors = fieldErrorsFromDetails(live.details, labels, kind);
  const keywordError = (field: TemplateField) => {
    const problem = describeUnknownKeywords(findUnknownKeywords(template[field]));
    return problem ? fieldErrorSentence(`${kind}.${field}`, problem, labels) : undefined;
  };
  const errorFor = (field: TemplateField) => errors[field] ?? keywordError(field) ?? previewErrors[`${kind}.${field}`];
  const isDefault = template.title === defaultTemplate.title && template.body === defaultTemplate.body;
  const headingId = `notification-${kind}-heading`;
  const titleError = errorFor('title');
  const bodyError = errorFor('body');
  const fieldClass = (error?: string) =>
    `mt-1 block w-full rounded-md border px-3 py-2 font-mono text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-bell-500 ${
      error ? 'border-red-500' : 'border-slate-300'
    }`;

  return (
    <section
      aria-labelledby={headingId}
      data-testid={`notification-card-${kind}`}
      data-enabled={enabled}
      className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h2 id={headingId} className="text-base font-semibold">
          {label}
        </h2>
        <button type="button" className={`${secondaryButton} px-3 py-1 text-xs`} onClick={props.onReset} disabled={isDefault}>
          Reset to default
        </button>
      </div>
      <div className="mt-2">
        <label className="inline-flex items-center gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            id={`notify-${kind}`}
            checked={enabled}
            onChange={(e) => props.onEnabledChange(e.target.checked)}
            aria-describedby={errors.enabled ? `notify-${kind}-error` : undefined}
            className="h-4 w-4 rounded border-slate-300 text-bell-600 focus:ring-bell-500"
          />
          Notify the end user
        </label>
        {errors.enabled ? (
          <p id={`notify-${kind}-error`} className="mt-1 text-sm text-red-700">
            {errors.enabled}
          </p>
        ) : null}
        {enabled ? null : <p className="mt-1 text-xs text-slate-500">Off: this event is kept on the press&rsquo;s timeline but nobody is notified.</p>}
      </div>

      <div className={`mt-4 grid gap-5 lg:grid-cols-2 ${enabled ? '' : 'opacity-70'}`}>
        <div className="space-y-3">
          <div>
            <label htmlFor={`template-${kind}-title`} className="block text-sm font-medium text-slate-800">
              Title
            </label>
            <input
              id={`template-${kind}-title`}
              ref={(el) => props.fieldRef('title', el)}
              value={template.title}
              onChange={(e) => props.onTemplateChange('title', e.target.value)}
              onFocus={() => props.onFieldFocus('title')}
              aria-invalid={titleError ? true : undefined}
              aria-describedby={titleError ? `template-${kind}-title-error` : undefined}
              data-keyword-target={props.activeField === 'title' ? 'true' : undefined}
              className={fieldClass(titleError)}
            />
            {titleError ? (
              <p id={`template-${kind}-title-error`} className="mt-1 text-sm text-red-700" data-testid={`template-${kind}-title-error`}>
                {titleError}
              </p>
            ) : null}
          </div>
          <div>
            <label htmlFor={`template-${kind}-body`} className="block text-sm font-medium text-slate-800">
              Body
            </label>
            <textarea
              id={`template-${kind}-body`}
              ref={(el) => props.fieldRef('body', el)}
              rows={4}
              value={template.body}
              onChange={(e) => props.onTemplateChange('body', e.target.value)}
              onFocus={() => props.onFieldFocus('body')}
              aria-invalid={bodyError ? true : undefined}
              aria-describedby={bodyError ? `template-${kind}-body-error` : undefined}
              data-keyword-target={props.activeField === 'body' ? 'true' : undefined}
              className={fieldClass(bodyError)}
            />
            {bodyError ? (
              <p id={`template-${kind}-body-error`} className="mt-1 text-sm text-red-700" data-testid={`template-${kind}-body-error`}>
                {bodyError}
              </p>
            ) : null}
          </div>
        </div>
        <NotificationPreviewPane kind={kind} state={live} fieldErrors={Boolean(titleError || bodyError)} />
      </div>
    </section>
  );
}
