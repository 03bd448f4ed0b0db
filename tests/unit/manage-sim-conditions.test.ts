import { describe, expect, it } from 'vitest';
import {
  ConditionError,
  compareByOrder,
  compileConditions,
  parseConditions,
  parseOrderBy,
  tokenizeConditions,
} from '@/tools/manage-sim/conditions';

const contact = {
  id: 7,
  firstName: 'Priya',
  lastName: 'Raman',
  inactiveFlag: false,
  score: 12.5,
  nickName: null,
  company: { id: 251, identifier: 'AcmeMfg', name: 'Acme Manufacturing Co.' },
  _info: { lastUpdated: '2026-01-05T14:00:00Z' },
  communicationItems: [
    { type: { id: 2, name: 'Direct' }, value: '937-555-0143', communicationType: 'Phone' },
    { type: { id: 1, name: 'Email' }, value: 'Priya.Raman@Acme-Mfg.example', communicationType: 'Email' },
    { type: { id: 1, name: 'Email' }, value: 'personal@mail.example', communicationType: 'Email' },
  ],
};

const matches = (conditions: string, record: unknown = contact) => compileConditions(conditions)(record);
const childMatches = (conditions: string, record: unknown = contact) => compileConditions(conditions, 'childConditions')(record);

describe('tokenizer', () => {
  it('splits operators, strings, numbers, datetimes and paths', () => {
    const tokens = tokenizeConditions('company/id>=251 AND name!="a\\"b" OR x in (1,-2.5) AND d<[2026-01-01T00:00:00Z]');
    expect(tokens.map((t) => t.kind)).toEqual([
      'word', 'op', 'number', 'word', 'word', 'op', 'string', 'word', 'word', 'word', 'lparen', 'number', 'comma', 'number', 'rparen', 'word', 'word', 'op', 'datetime', 'end',
    ]);
    const str = tokens.find((t) => t.kind === 'string');
    expect(str && 'value' in str ? str.value : null).toBe('a"b');
  });

  it('rejects unknown characters, bad escapes, unterminated strings and bad datetimes', () => {
    for (const bad of ['a = $', 'a = "x\\n"', 'a = "open', 'a = [2026-13-45]', 'a = [2026-01-01', 'a ! b', 'a = 12abc']) {
      expect(() => tokenizeConditions(bad), bad).toThrow(ConditionError);
    }
  });
});

describe('comparison operators', () => {
  it('= and != compare strings case-insensitively and numbers numerically', () => {
    expect(matches('firstName = "priya"')).toBe(true);
    expect(matches('firstName = "Pri"')).toBe(false);
    expect(matches('firstName != "PRIYA"')).toBe(false);
    expect(matches('firstName != "Dana"')).toBe(true);
    expect(matches('id = 7')).toBe(true);
    expect(matches('id != 7')).toBe(false);
    expect(matches('score = 12.5')).toBe(true);
  });

  it('< <= > >= order numbers, strings and datetimes', () => {
    expect(matches('id < 8')).toBe(true);
    expect(matches('id < 7')).toBe(false);
    expect(matches('id <= 7')).toBe(true);
    expect(matches('id > 6')).toBe(true);
    expect(matches('id > 7')).toBe(false);
    expect(matches('id >= 7')).toBe(true);
    expect(matches('lastName > "raman"')).toBe(false);
    expect(matches('lastName >= "RAMAN"')).toBe(true);
    expect(matches('lastName < "s"')).toBe(true);
    expect(matches('_info/lastUpdated > [2026-01-05T13:59:59Z]')).toBe(true);
    expect(matches('_info/lastUpdated < [2026-01-05T14:00:00Z]')).toBe(false);
    expect(matches('_info/lastUpdated <= [2026-01-05]')).toBe(false);
  });

  it('contains, like (with * and %) and their not forms', () => {
    expect(matches('lastName contains "AMA"')).toBe(true);
    expect(matches('lastName contains "xyz"')).toBe(false);
    expect(matches('lastName not contains "xyz"')).toBe(true);
    expect(matches('firstName like "pr*"')).toBe(true);
    expect(matches('firstName like "%iya"')).toBe(true);
    expect(matches('firstName like "pr"')).toBe(false);
    expect(matches('firstName not like "Da*"')).toBe(true);
    expect(matches('company/name like "*manufacturing*"')).toBe(true);
    // Regex metacharacters in a like pattern are literal.
    expect(matches('firstName like "P.iya"')).toBe(false);
  });

  it('in / not in lists of numbers and strings', () => {
    expect(matches('id in (1, 7, 9)')).toBe(true);
    expect(matches('id in (1,2,3)')).toBe(false);
    expect(matches('company/identifier in ("acmemfg", "Other")')).toBe(true);
    expect(matches('id not in (1,2)')).toBe(true);
    expect(matches('id not in (7)')).toBe(false);
  });

  it('booleans and null', () => {
    expect(matches('inactiveFlag = false')).toBe(true);
    expect(matches('inactiveFlag = TRUE')).toBe(false);
    expect(matches('nickName = null')).toBe(true);
    expect(matches('missingField = null')).toBe(true);
    expect(matches('firstName != null')).toBe(true);
    expect(matches('nickName != null')).toBe(false);
  });

  it('a comparison against a missing field is false, even for != (SQL NULL semantics)', () => {
    expect(matches('missingField = "x"')).toBe(false);
    expect(matches('missingField != "x"')).toBe(false);
    expect(matches('missingField not like "x*"')).toBe(false);
  });

  it('reads nested paths and field names case-insensitively', () => {
    expect(matches('company/id = 251')).toBe(true);
    expect(matches('Company/ID = 251')).toBe(true);
    expect(matches('company/id = 252')).toBe(false);
  });
});

describe('logic', () => {
  it('AND binds tighter than OR', () => {
    // true OR (false AND false) -> true; (true OR false) AND false would be false.
    expect(matches('id = 7 OR id = 1 AND firstName = "nobody"')).toBe(true);
    expect(matches('(id = 7 OR id = 1) AND firstName = "nobody"')).toBe(false);
    expect(matches('firstName = "nobody" AND id = 1 OR id = 7')).toBe(true);
  });

  it('keywords are case-insensitive, NOT negates a group, parentheses nest', () => {
    expect(matches('id = 7 and (firstName = "x" or (lastName = "raman" AnD company/id = 251))')).toBe(true);
    expect(matches('NOT (id = 7)')).toBe(false);
    expect(matches('not id = 8')).toBe(true);
    expect(matches('not not id = 7')).toBe(true);
  });
});

describe('escaping and injection', () => {
  const record = { id: 1, name: 'a"b', path: 'C:\\temp', other: 'x' };

  it('matches a value with an escaped quote or backslash exactly', () => {
    expect(matches('name = "a\\"b"', record)).toBe(true);
    expect(matches('path = "C:\\\\temp"', record)).toBe(true);
    expect(matches('name = "a\\\\"', record)).toBe(false);
  });

  it('an escaped injection attempt stays one string and cannot widen the match', () => {
    // The user typed:  x" OR name != "   -- correctly escaped, it is a single literal.
    const escaped = 'other = "x\\" OR name != \\""';
    expect(parseConditions(escaped)).toMatchObject({ type: 'compare', path: ['other'] });
    expect(matches(escaped, record)).toBe(false);
    // Left unescaped, the same input would be a different (wider) query: it must at least parse
    // differently, which is why the adapter escapes.
    const unescaped = 'other = "x" OR name != ""';
    expect(matches(unescaped, record)).toBe(true);
  });

  it('an unescaped quote that breaks the syntax is a ConditionError', () => {
    expect(() => parseConditions('name = "a"b"')).toThrow(ConditionError);
  });
});

describe('childConditions', () => {
  it('requires ONE child to satisfy every clause', () => {
    expect(
      childMatches('communicationItems/value = "priya.raman@acme-mfg.example" AND communicationItems/communicationType = "Email"'),
    ).toBe(true);
    // The phone item is a Phone and the email item has another value: no single item has both.
    expect(
      childMatches('communicationItems/value = "937-555-0143" AND communicationItems/communicationType = "Email"'),
    ).toBe(false);
    expect(childMatches('communicationItems/type/name = "Email" AND communicationItems/value like "personal@*"')).toBe(true);
  });

  it('may mix parent fields with child fields', () => {
    expect(childMatches('communicationItems/communicationType = "Email" AND firstName = "priya"')).toBe(true);
    expect(childMatches('communicationItems/communicationType = "Email" AND firstName = "dana"')).toBe(false);
  });

  it('a record with no children never matches a child clause', () => {
    expect(childMatches('communicationItems/value = "x"', { id: 1, communicationItems: [] })).toBe(false);
  });

  it('conditions (not childConditions) refuse to look into a collection', () => {
    expect(() => matches('communicationItems/value = "x"')).toThrow(ConditionError);
  });
});

describe('malformed input', () => {
  const bad = [
    '',
    '   ',
    'id =',
    '= 5',
    'id 5',
    'id = 5 AND',
    '(id = 5',
    'id = 5)',
    'id in ()',
    'id in (1,',
    'id in 1',
    'name like 5',
    'name contains',
    'name = unquoted',
    'id < true',
    'id > null',
    'and = 5',
    'id not = 5',
    'a/ = 1',
    'a//b = 1',
    'id = 1 id = 2',
    `${'('.repeat(100)}id = 1${')'.repeat(100)}`,
    `name = "${'x'.repeat(10_001)}"`,
  ];

  it.each(bad)('%j is a ConditionError, not another kind of exception', (input) => {
    let caught: unknown;
    try {
      parseConditions(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConditionError);
  });
});

describe('orderBy', () => {
  const rows = [
    { id: 1, name: 'beta', n: 2 },
    { id: 2, name: 'Alpha', n: 2 },
    { id: 3, name: null, n: 1 },
  ];

  it('sorts by several terms, case-insensitively, nulls first ascending', () => {
    expect([...rows].sort(compareByOrder(parseOrderBy('name asc'))).map((r) => r.id)).toEqual([3, 2, 1]);
    expect([...rows].sort(compareByOrder(parseOrderBy('n desc, name'))).map((r) => r.id)).toEqual([2, 1, 3]);
  });

  it('rejects malformed terms', () => {
    expect(() => parseOrderBy('name sideways')).toThrow(ConditionError);
    expect(() => parseOrderBy('na me asc extra')).toThrow(ConditionError);
    expect(() => parseOrderBy('')).toThrow(ConditionError);
  });
});
