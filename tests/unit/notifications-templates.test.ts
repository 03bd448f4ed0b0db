import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  notificationSettingsSchema,
  renderTemplate,
  splitName,
  TEMPLATE_KEYWORDS,
  TICKET_EVENT_KINDS,
  type TemplateValues,
} from '@/lib/notifications/templates';
import { findUnknownKeywords, nearestKeyword, templateKeywordProblems } from '@/lib/notifications/template-keywords';

const values: TemplateValues = {
  ticketNumber: '4711',
  ticketSubject: 'Printer jammed',
  name: 'Dana Whitfield',
  email: 'dana.whitfield@acme-mfg.example',
  actor: 'Sam Tech',
  status: 'In Progress',
  owner: 'Alex Owner',
  note: 'A new drum is on its way.',
};

const render = (text: string, overrides: Partial<TemplateValues> = {}) => renderTemplate({ title: text, body: text }, { ...values, ...overrides }).body;

describe('renderTemplate', () => {
  it('replaces every keyword the page lists, in the title and the body', () => {
    const expected: Record<string, string> = {
      __ticket_number__: '4711',
      __ticket_subject__: 'Printer jammed',
      __ticket_name__: 'Dana Whitfield',
      __ticket_fname__: 'Dana',
      __ticket_lname__: 'Whitfield',
      __ticket_email__: 'dana.whitfield@acme-mfg.example',
      __actor__: 'Sam Tech',
      __ticket_status__: 'In Progress',
      __ticket_owner__: 'Alex Owner',
      __note__: 'A new drum is on its way.',
    };
    expect(TEMPLATE_KEYWORDS.map((k) => k.keyword).sort()).toEqual(Object.keys(expected).sort());
    for (const { keyword } of TEMPLATE_KEYWORDS) {
      const out = renderTemplate({ title: `[${keyword}]`, body: `x ${keyword} y` }, values);
      expect(out).toEqual({ title: `[${expected[keyword]}]`, body: `x ${expected[keyword]} y` });
    }
  });

  it('replaces a keyword every time it appears, and keywords written back to back', () => {
    expect(render('#__ticket_number__ / #__ticket_number__')).toBe('#4711 / #4711');
    expect(render('__ticket_fname____ticket_lname__')).toBe('DanaWhitfield');
  });

  it('does not expand a keyword that is inside a value', () => {
    expect(render('__actor__ wrote: __note__', { note: 'Ask __actor__ about __ticket_number__' })).toBe('Sam Tech wrote: Ask __actor__ about __ticket_number__');
    expect(render('__ticket_subject__', { ticketSubject: '__note__' })).toBe('__note__');
  });

  it('keeps unknown keywords, upper-case look-alikes and lone underscores as written', () => {
    expect(render('__unknown__ and __TICKET_NUMBER__ and snake_case and __ and ____')).toBe('__unknown__ and __TICKET_NUMBER__ and snake_case and __ and ____');
    expect(render('__ticket_number_ #__ticket_number__')).toBe('__ticket_number_ #4711');
  });

  it('leaves a value with $ patterns untouched (no replacement-string expansion)', () => {
    expect(render('__note__', { note: "costs $& or $1 or $'" })).toBe("costs $& or $1 or $'");
  });

  it('names with one or three words, and no name at all', () => {
    expect(render('__ticket_fname__|__ticket_lname__|__ticket_name__', { name: 'Cher' })).toBe('Cher||Cher');
    expect(render('__ticket_fname__|__ticket_lname__', { name: 'Ana María Cruz' })).toBe('Ana|María Cruz');
    expect(render('Hi __ticket_fname__,|__ticket_lname__|', { name: '' })).toBe('Hi ,||');
    expect(render('Hi __ticket_fname__|', { name: '   ' })).toBe('Hi |');
  });

  it('renders every default template without leaving a keyword behind', () => {
    for (const kind of TICKET_EVENT_KINDS) {
      const out = renderTemplate(DEFAULT_NOTIFICATION_SETTINGS.templates[kind], values);
      expect(`${out.title} ${out.body}`).not.toMatch(/__[a-z_]+__/);
    }
  });
});

describe('splitName', () => {
  it('splits on the first run of whitespace and trims', () => {
    expect(splitName('Dana Whitfield')).toEqual({ first: 'Dana', last: 'Whitfield' });
    expect(splitName('Ana María de la Cruz')).toEqual({ first: 'Ana', last: 'María de la Cruz' });
    expect(splitName('  Mary   Ann\tSmith  ')).toEqual({ first: 'Mary', last: 'Ann Smith' });
    expect(splitName('Cher')).toEqual({ first: 'Cher', last: '' });
    expect(splitName('')).toEqual({ first: '', last: '' });
    expect(splitName(' \n ')).toEqual({ first: '', last: '' });
  });
});

describe('notificationSettingsSchema', () => {
  it('accepts the defaults and names the field of an empty or too long template', () => {
    expect(notificationSettingsSchema.parse(DEFAULT_NOTIFICATION_SETTINGS)).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    const bad = structuredClone(DEFAULT_NOTIFICATION_SETTINGS);
    bad.templates.status_changed.body = '   ';
    bad.templates.closed.title = 'x'.repeat(201);
    const result = notificationSettingsSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['templates.status_changed.body', 'must not be empty'],
        ['templates.closed.title', 'must be at most 200 characters'],
      ]),
    );
  });
});

describe('unknown keywords', () => {
  it('finds each mistyped keyword once, with the nearest real one', () => {
    expect(findUnknownKeywords('Ticket #__ticket_numbr__ opened, #__ticket_numbr__ again, by __actor__')).toEqual([
      { keyword: '__ticket_numbr__', suggestion: '__ticket_number__' },
    ]);
    expect(findUnknownKeywords('__TICKET_STATUS__ and __tciket_owner__')).toEqual([
      { keyword: '__TICKET_STATUS__', suggestion: '__ticket_status__' },
      { keyword: '__tciket_owner__', suggestion: '__ticket_owner__' },
    ]);
  });

  it('guesses nothing for a word unlike any keyword, and ignores divider lines and plain words', () => {
    expect(nearestKeyword('__frobnicate__')).toBeNull();
    expect(findUnknownKeywords('_______ snake_case and __init, __ alone')).toEqual([]);
  });

  it('accepts every default template and every listed keyword', () => {
    expect(templateKeywordProblems(DEFAULT_NOTIFICATION_SETTINGS.templates)).toEqual([]);
    expect(findUnknownKeywords(TEMPLATE_KEYWORDS.map((k) => k.keyword).join(' '))).toEqual([]);
  });
});
