/**
 * The API names a bad field by its path ("templates.status_changed.body") and says what is
 * wrong in a fragment ("must not be empty"). The page shows a sentence next to the field:
 * "The body of “Status changed” must not be empty."
 */
import type { TicketEventKind } from '@/lib/notifications/types';
import type { TemplateField } from './types';

/** Where an error belongs on the page: `<kind>.title`, `<kind>.body`, `<kind>.enabled`, or the path as given. */
export type FieldErrorKey = string;

export function fieldErrorKey(path: string, kind?: TicketEventKind): FieldErrorKey {
  const parts = path.split('.');
  if (parts[0] === 'templates' && parts.length >= 3) return `${parts[1]}.${parts[2]}`;
  if (parts[0] === 'template' && parts.length >= 2 && kind) return `${kind}.${parts[1]}`;
  if (parts[0] === 'enabled' && parts.length >= 2) return `${parts[1]}.enabled`;
  return path;
}

export function fieldErrorSentence(key: FieldErrorKey, message: string, labels: Partial<Record<string, string>>): string {
  const [kind, field] = key.split('.') as [string, TemplateField | 'enabled' | undefined];
  const label = labels[kind];
  let subject: string;
  if (label && field === 'title') subject = `The title of \u201c${label}\u201d`;
  else if (label && field === 'body') subject = `The body of \u201c${label}\u201d`;
  else if (label && field === 'enabled') subject = `The \u201cNotify the end user\u201d switch of \u201c${label}\u201d`;
  else subject = key === '(root)' ? 'The settings' : `The field ${key}`;
  const text = message.trim() || 'is not valid';
  const sentence = /^[a-z]/.test(text) ? `${subject} ${text}` : `${subject}: ${text}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Every detail of a 422 as sentences keyed by field (the first message per field wins). */
export function fieldErrorsFromDetails(
  details: readonly { path?: string; message?: string }[],
  labels: Partial<Record<string, string>>,
  kind?: TicketEventKind,
): Record<FieldErrorKey, string> {
  const out: Record<FieldErrorKey, string> = {};
  for (const d of details) {
    if (typeof d.path !== 'string') continue;
    const key = fieldErrorKey(d.path, kind);
    if (!(key in out)) out[key] = fieldErrorSentence(key, d.message ?? '', labels);
  }
  return out;
}
