import { describe, expect, it } from 'vitest';
import {
  and,
  contains,
  eq,
  ge,
  gt,
  inList,
  le,
  like,
  lt,
  ne,
  not,
  or,
  quoteString,
  renderCondition,
} from '@/lib/connectwise/conditions';

/**
 * Counts comparisons and AND/OR joins outside string literals. String literals are removed
 * first with the escaping rule Manage uses (backslash escapes the next character), so a
 * value that managed to break out of its quotes would show up as extra operators here.
 */
function shape(rendered: string): { comparisons: number; joins: number; leftover: string } {
  const outside = rendered.replace(/"(?:[^"\\]|\\.)*"/g, 'S');
  const comparisons = outside.match(/!=|<=|>=|=|<|>|\b(?:contains|like|in)\b/gi) ?? [];
  const joins = outside.match(/\b(?:AND|OR)\b/gi) ?? [];
  return { comparisons: comparisons.length, joins: joins.length, leftover: outside };
}

describe('condition values', () => {
  it('escapes an injection-shaped email into one comparison', () => {
    const rendered = renderCondition(eq('communicationItems/value', 'a"or id>0 or "@x.com'));
    expect(rendered).toBe('communicationItems/value="a\\"or id>0 or \\"@x.com"');
    expect(shape(rendered)).toEqual({ comparisons: 1, joins: 0, leftover: 'communicationItems/value=S' });
  });

  it('escapes backslashes before quotes, so a trailing backslash cannot eat the closing quote', () => {
    expect(quoteString('C:\\temp\\')).toBe('"C:\\\\temp\\\\"');
    const rendered = renderCondition(eq('name', 'x\\" OR id>0 OR name="'));
    expect(rendered).toBe('name="x\\\\\\" OR id>0 OR name=\\""');
    expect(shape(rendered).comparisons).toBe(1);
    expect(shape(rendered).joins).toBe(0);
  });

  it('renders numbers and booleans bare, and rejects numbers Manage cannot read', () => {
    expect(renderCondition(eq('company/id', 42))).toBe('company/id=42');
    expect(renderCondition(gt('budgetHours', 1.5))).toBe('budgetHours>1.5');
    expect(renderCondition(eq('activeFlag', true))).toBe('activeFlag=true');
    expect(renderCondition(ne('closedFlag', false))).toBe('closedFlag!=false');
    expect(() => eq('id', Number.NaN)).toThrow(TypeError);
    expect(() => eq('id', Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => eq('id', 1e21)).toThrow(TypeError);
  });

  it('renders dates in brackets without milliseconds', () => {
    const when = new Date('2016-08-20T18:04:26.123Z');
    expect(renderCondition(ge('lastUpdated', when))).toBe('lastUpdated>=[2016-08-20T18:04:26Z]');
    expect(renderCondition(lt('lastUpdated', when))).toBe('lastUpdated<[2016-08-20T18:04:26Z]');
    expect(renderCondition(le('id', 5))).toBe('id<=5');
    expect(() => eq('lastUpdated', new Date('nope'))).toThrow(TypeError);
  });

  it('renders null', () => {
    expect(renderCondition(eq('parentTicketId', null))).toBe('parentTicketId=null');
    expect(renderCondition(ne('owner/id', null))).toBe('owner/id!=null');
  });

  it('renders in-lists of numbers and escaped strings', () => {
    expect(renderCondition(inList('board/id', [3, 2, 4]))).toBe('board/id in (3,2,4)');
    const rendered = renderCondition(inList('name', ['a"b', 'c']));
    expect(rendered).toBe('name in ("a\\"b","c")');
    expect(shape(rendered).comparisons).toBe(1);
    expect(() => inList('board/id', [])).toThrow(TypeError);
  });

  it('renders contains and like with escaped values', () => {
    expect(renderCondition(contains('summary', 'disk "full"'))).toBe('summary contains "disk \\"full\\""');
    expect(renderCondition(like('name', 'PC-*'))).toBe('name like "PC-*"');
  });
});

describe('field names', () => {
  it.each(['name"=1 OR "', 'name ', 'a.b', '', 'id;drop'])('rejects %j', (field) => {
    expect(() => eq(field, 1)).toThrow(/Not a Manage field name/);
  });

  it('accepts nested references', () => {
    expect(renderCondition(eq('company/id', 1))).toBe('company/id=1');
  });
});

describe('and / or / not', () => {
  it('renders the configuration lookup with parentheses around the OR group', () => {
    const rendered = renderCondition(
      and(eq('company/id', 7), eq('activeFlag', true), or(eq('name', 'PC-1'), eq('deviceIdentifier', 'PC-1'))),
    );
    expect(rendered).toBe('company/id=7 AND activeFlag=true AND (name="PC-1" OR deviceIdentifier="PC-1")');
  });

  it('nests groups to any depth', () => {
    const rendered = renderCondition(or(and(eq('a', 1), or(eq('b', 2), eq('c', 3))), eq('d', 4)));
    expect(rendered).toBe('(a=1 AND (b=2 OR c=3)) OR d=4');
  });

  it('collapses a group of one and refuses an empty group', () => {
    expect(renderCondition(and(eq('a', 1)))).toBe('a=1');
    expect(() => or()).toThrow(TypeError);
  });

  it('negates with documented operators only (De Morgan for groups)', () => {
    expect(renderCondition(not(eq('a', 1)))).toBe('a!=1');
    expect(renderCondition(not(inList('board/id', [1, 2])))).toBe('board/id not in (1,2)');
    expect(renderCondition(not(like('name', 'x*')))).toBe('name not like "x*"');
    expect(renderCondition(not(and(eq('a', 1), or(lt('b', 2), contains('c', 'z')))))).toBe(
      'a!=1 OR (b>=2 AND c not contains "z")',
    );
    expect(renderCondition(not(not(gt('a', 1))))).toBe('a>1');
  });
});
