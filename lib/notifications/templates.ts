import 'server-only';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import { readSetting, writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { TicketEventKind } from '@/lib/store/schema';
import { findUnknownKeywords, templateKeywordProblems } from './template-keywords';

/**
 * What the end user is told when their ticket moves. The keywords are the incumbent's, so
 * admins' existing wording carries over; `__ticket_status__`, `__ticket_owner__` and
 * `__note__` are ours, because "your ticket changed" without saying to what helps no one.
 */

export const TICKET_EVENT_KINDS = ['created', 'status_changed', 'note_added', 'assigned', 'closed'] as const satisfies readonly TicketEventKind[];

export const EVENT_LABELS: Record<TicketEventKind, string> = {
  created: 'Ticket created',
  status_changed: 'Status changed',
  note_added: 'Note added (external notes only)',
  assigned: 'Owner assigned',
  closed: 'Ticket closed',
};

export { TEMPLATE_KEYWORDS } from './template-keywords';

export type TemplateValues = {
  ticketNumber: string;
  ticketSubject: string;
  name: string;
  email: string;
  actor: string;
  status: string;
  owner: string;
  note: string;
};

const templateText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const templateSchema = z.object({ title: templateText(200), body: templateText(4000) });
export type NotificationTemplate = z.infer<typeof templateSchema>;

export const notificationSettingsSchema = z.object({
  enabled: z.object({
    created: z.boolean(),
    status_changed: z.boolean(),
    note_added: z.boolean(),
    assigned: z.boolean(),
    closed: z.boolean(),
  }),
  templates: z.object({
    created: templateSchema,
    status_changed: templateSchema,
    note_added: templateSchema,
    assigned: templateSchema,
    closed: templateSchema,
  }),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  enabled: { created: true, status_changed: true, note_added: true, assigned: true, closed: true },
  templates: {
    created: {
      title: 'Ticket #__ticket_number__ opened',
      body: 'Hi __ticket_fname__, we have your request "__ticket_subject__" as ticket #__ticket_number__. We will keep you posted here.',
    },
    status_changed: {
      title: 'Ticket #__ticket_number__ is now __ticket_status__',
      body: '__actor__ moved your ticket "__ticket_subject__" to __ticket_status__.',
    },
    note_added: {
      title: 'New reply on ticket #__ticket_number__',
      body: '__actor__ wrote on "__ticket_subject__":\n\n__note__',
    },
    assigned: {
      title: '__ticket_owner__ has ticket #__ticket_number__',
      body: 'Hi __ticket_fname__, __ticket_owner__ is now looking after "__ticket_subject__".',
    },
    closed: {
      title: 'Ticket #__ticket_number__ closed',
      body: '__actor__ closed your ticket "__ticket_subject__". If something is still wrong, press the help button again.',
    },
  },
};

const SETTING = 'notifications.settings';

export async function loadNotificationSettings(db: DeskbellDatabase): Promise<NotificationSettings> {
  return (await readSetting(db, SETTING, notificationSettingsSchema)) ?? DEFAULT_NOTIFICATION_SETTINGS;
}

/**
 * A mistyped keyword would go out to end users as written, so saving refuses it (422, with
 * the keyword it most likely meant). Reading stays lenient: settings saved before this check
 * still load, and the editor marks what needs fixing.
 */
export async function saveNotificationSettings(db: DeskbellDatabase, settings: NotificationSettings): Promise<void> {
  const problems = templateKeywordProblems(settings.templates);
  if (problems.length > 0) {
    const [unknown] = findUnknownKeywords(problems.map((p) => p.text).join(' '));
    const guess = unknown?.suggestion ? `: did you mean ${unknown.suggestion}?` : '.';
    throw new DeskbellApiError(
      'unprocessable_entity',
      `Not saved: ${unknown?.keyword ?? 'a keyword'} is not a keyword Deskbell knows, and it would reach end users as written${guess}`,
      problems.map(({ path, message }) => ({ path, message })),
    );
  }
  await writeSetting(db, SETTING, notificationSettingsSchema, settings);
}

/** "Ana María de la Cruz" -> first "Ana", last "María de la Cruz"; one word is a first name. */
export function splitName(name: string): { first: string; last: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { first: '', last: '' };
  return { first: words[0]!, last: words.slice(1).join(' ') };
}

/**
 * Keywords are replaced in one pass, so a value that itself contains a keyword (a note that
 * quotes `__actor__`) stays as written. Unknown `__words__` are left alone.
 */
export function renderTemplate(template: NotificationTemplate, values: TemplateValues): NotificationTemplate {
  const { first, last } = splitName(values.name);
  const table: Record<string, string> = {
    __ticket_number__: values.ticketNumber,
    __ticket_subject__: values.ticketSubject,
    __ticket_name__: values.name,
    __ticket_fname__: first,
    __ticket_lname__: last,
    __ticket_email__: values.email,
    __actor__: values.actor,
    __ticket_status__: values.status,
    __ticket_owner__: values.owner,
    __note__: values.note,
  };
  const render = (text: string) => text.replace(/__[a-z_]+?__/g, (keyword) => table[keyword] ?? keyword);
  return { title: render(template.title), body: render(template.body) };
}
