import { describe, expect, it } from 'vitest';
import {
  createJsonPressSchema,
  createMultipartPressSchema,
  normalizeContentType,
  pickPressPayload,
} from '@/lib/intake/press-schema';
import { readStoredPressPayload } from '@/lib/presses/press-payload';
import { basePress } from '@/tests/support/press-fixtures';

const limits = { maxMessageChars: 32_000 };
const schema = createMultipartPressSchema(limits);

function issuesOf(input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the press to be rejected');
  return result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('press schema v1', () => {
  it('accepts a full press, trims text and fills defaults', () => {
    const press = schema.parse(basePress({ name: '  Dana  ', message: '\n  Help  \n' }));
    expect(press.name).toBe('Dana');
    expect(press.message).toBe('Help');
    expect(press.host.hostname).toBe('PC-1.corp.local');
    expect(press.screenshots).toBeUndefined();

    // No screenshot descriptions stays "not described": the reader then defaults each part's.
    const minimal = schema.parse({ v: 1, message: 'hi' });
    expect(minimal).toEqual({ v: 1, message: 'hi', selections: [], host: {}, append: [], custom: {} });
    expect(schema.parse({ v: 1, message: 'hi', screenshots: null }).screenshots).toBeUndefined();
    expect(schema.parse({ v: 1, message: 'hi', screenshots: [] }).screenshots).toEqual([]);
  });

  it('treats null and blank optional fields as absent', () => {
    const press = schema.parse({
      v: 1,
      message: 'hi',
      email: '   ',
      phone: null,
      name: '',
      host: null,
      selections: null,
      custom: null,
      append: null,
    });
    expect(press.email).toBeUndefined();
    expect(press.phone).toBeUndefined();
    expect(press.name).toBeUndefined();
    expect(press.host).toEqual({});
  });

  it('keeps emoji and right-to-left text exactly as sent', () => {
    const message = 'המדפסת לא עובדת 🖨️💥 — مرحبا بالعالم 👩🏽‍💻';
    const press = schema.parse(basePress({ message, name: 'דנה 🙂', selections: ['🔥 Urgent'] }));
    expect(press.message).toBe(message);
    expect(press.name).toBe('דנה 🙂');
    expect(press.selections).toEqual(['🔥 Urgent']);
  });

  it('refuses NUL characters in any text field, naming the field', () => {
    expect(issuesOf(basePress({ message: 'bad\u0000byte' }))).toEqual([
      { path: 'message', message: 'must not contain NUL characters (\\u0000)' },
    ]);
    expect(issuesOf(basePress({ host: { hostname: 'PC\u00001' } }))[0]?.path).toBe('host.hostname');
    expect(issuesOf(basePress({ append: ['ok', 'x\u0000'] }))[0]?.path).toBe('append.1');
    expect(issuesOf(basePress({ custom: { tag: 'a\u0000' } }))[0]?.path).toBe('custom.tag');
  });

  it('refuses lone surrogates that cannot be stored as UTF-8', () => {
    expect(issuesOf(basePress({ message: 'broken \ud83d text' }))[0]).toEqual({
      path: 'message',
      message: 'contains an invalid (lone surrogate) character',
    });
  });

  it('requires a non-empty message', () => {
    expect(issuesOf({ v: 1 })).toEqual([{ path: 'message', message: 'is required' }]);
    expect(issuesOf({ v: 1, message: '   \n ' })).toEqual([{ path: 'message', message: 'must not be empty' }]);
  });

  it('caps the message in characters, counting an emoji as one', () => {
    expect(issuesOf(basePress({ message: 'x'.repeat(100 * 1024) }))).toEqual([
      { path: 'message', message: 'must be at most 32000 characters' },
    ]);
    expect(schema.parse(basePress({ message: '😀'.repeat(32_000) })).message).toHaveLength(64_000);
    expect(issuesOf(basePress({ message: '😀'.repeat(32_001) }))[0]?.path).toBe('message');
  });

  it('is strict about types', () => {
    const issues = issuesOf(
      basePress({ message: 42, selections: 'Printing', host: { hostname: 7 }, custom: { a: { nested: true } } }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['custom.a', 'host.hostname', 'message', 'selections']);
    expect(issues.find((i) => i.path === 'message')?.message).toBe('must be text');
  });

  it('validates the schema version and the email when present', () => {
    expect(issuesOf(basePress({ v: 2 }))[0]).toEqual({
      path: 'v',
      message: 'must be 1: this server speaks press schema v1',
    });
    expect(issuesOf(basePress({ email: 'not-an-email' }))).toEqual([
      { path: 'email', message: 'is not a valid email address' },
    ]);
    expect(schema.parse(basePress({ email: '  dana@example.com ' })).email).toBe('dana@example.com');
  });

  it('accepts append as one text or a list, dropping blanks', () => {
    expect(schema.parse(basePress({ append: 'one text' })).append).toEqual(['one text']);
    expect(schema.parse(basePress({ append: ['a', '  ', 'b'] })).append).toEqual(['a', 'b']);
  });

  it('bounds custom fields by count and value size', () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(issuesOf(basePress({ custom: many }))[0]).toEqual({ path: 'custom', message: 'at most 50 custom fields' });
    expect(issuesOf(basePress({ custom: { long: 'x'.repeat(2001) } }))[0]?.path).toBe('custom.long');
    expect(schema.parse(basePress({ custom: { n: 1.5, b: true, s: 'x' } })).custom).toEqual({ n: 1.5, b: true, s: 'x' });
  });

  it('ignores unknown keys so newer v1 agents keep working', () => {
    const press = schema.parse(basePress({ futureField: 'x' }));
    expect(press).not.toHaveProperty('futureField');
  });

  it('needs a capture time with a zone and a monitor index for each screenshot', () => {
    const ok = schema.parse(basePress({ screenshots: [{ capturedAt: '2026-03-01T10:30:00.250+01:00', monitor: 1 }] }));
    expect(ok.screenshots).toEqual([{ capturedAt: '2026-03-01T09:30:00.250Z', monitor: 1 }]);
    const issues = issuesOf(basePress({ screenshots: [{ capturedAt: '2026-03-01 10:30', monitor: -1 }, {}] }));
    expect(issues.map((i) => i.path).sort()).toEqual([
      'screenshots.0.capturedAt',
      'screenshots.0.monitor',
      'screenshots.1.capturedAt',
      'screenshots.1.monitor',
    ]);
  });

  it('checks inline base64 files in the JSON form', () => {
    const json = createJsonPressSchema(limits);
    const good = json.parse(
      basePress({
        screenshots: [{ data: 'iVBO\nRw0K', capturedAt: '2026-03-01T09:30:00Z', monitor: 0 }],
        attachments: [{ filename: 'log.txt', data: 'aGVsbG8=' }],
      }),
    );
    expect(good.screenshots[0]?.data).toBe('iVBORw0K');
    const bad = json.safeParse(
      basePress({ attachments: [{ data: 'not base64!' }], screenshots: [{ data: '', capturedAt: 'x', monitor: 0 }] }),
    );
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'attachments.0.data',
      'attachments.0.filename',
      'screenshots.0.capturedAt',
      'screenshots.0.data',
    ]);
  });

  it('says a JSON file name is too long, not missing', () => {
    const json = createJsonPressSchema(limits);
    const tooLong = json.safeParse(basePress({ attachments: [{ filename: `${'x'.repeat(1_001)}.txt`, data: 'aGk=' }] }));
    expect(tooLong.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['attachments.0.filename', 'is too long (at most 1000 characters)']]);
    const missing = json.safeParse(basePress({ attachments: [{ data: 'aGk=' }] }));
    expect(missing.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['attachments.0.filename', 'is required']]);
    const shot = json.safeParse(basePress({ screenshots: [{ filename: 'y'.repeat(1_001), data: 'aGk=', capturedAt: '2026-03-01T09:30:00Z', monitor: 0 }] }));
    expect(shot.error?.issues.map((i) => i.message)).toEqual(['is too long (at most 1000 characters)']);
    expect(json.safeParse(basePress({ attachments: [{ filename: 'z'.repeat(115), data: 'aGk=' }] })).success).toBe(true);
  });

  it('stores only the press fields and reads them back', () => {
    const press = schema.parse(basePress({ screenshots: [{ capturedAt: '2026-03-01T09:30:00Z', monitor: 0 }] }));
    const payload = pickPressPayload(press);
    expect(payload).not.toHaveProperty('screenshots');
    expect(readStoredPressPayload(JSON.stringify(payload))).toEqual(JSON.parse(JSON.stringify(payload)));
  });
});

describe('normalizeContentType', () => {
  it('keeps well-formed types and replaces anything else', () => {
    expect(normalizeContentType('Text/Plain; charset=utf-8')).toBe('text/plain; charset=utf-8');
    expect(normalizeContentType(undefined)).toBe('application/octet-stream');
    expect(normalizeContentType('text/html\r\nX-Evil: 1')).toBe('application/octet-stream');
    expect(normalizeContentType('nonsense')).toBe('application/octet-stream');
  });
});
