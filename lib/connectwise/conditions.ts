/**
 * Builds Manage `conditions` / `childConditions` strings. Values (emails, hostnames, names
 * that come from users) are escaped here and only here, so a `"` or `\` in them can never
 * change the meaning of the query. Field names come from our code, never from users, and
 * are checked against a strict pattern.
 */

export type ConditionValue = string | number | boolean | Date | null;
type SymbolOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';
type WordOperator = 'contains' | 'not contains' | 'like' | 'not like' | 'in' | 'not in';
type Operator = SymbolOperator | WordOperator;

export type Condition =
  | { readonly type: 'cmp'; readonly field: string; readonly op: Operator; readonly value: string }
  | { readonly type: 'and' | 'or'; readonly items: readonly Condition[] };

const fieldPattern = /^[A-Za-z0-9_/]+$/;

function checkField(field: string): string {
  if (!fieldPattern.test(field)) throw new TypeError(`Not a Manage field name: ${JSON.stringify(field)}`);
  return field;
}

/** A string literal in double quotes with `\` and `"` escaped by a backslash. */
export function quoteString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function formatValue(value: ConditionValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    const text = String(value);
    // Exponent notation (1e21, 1e-7) is not a Manage number literal.
    if (!Number.isFinite(value) || /e/i.test(text)) throw new TypeError(`Not a usable number in a condition: ${text}`);
    return text;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('Invalid date in a condition');
    return `[${value.toISOString().replace(/\.\d{3}Z$/, 'Z')}]`;
  }
  throw new TypeError(`Unsupported condition value: ${typeof value}`);
}

function cmp(field: string, op: Operator, value: string): Condition {
  return { type: 'cmp', field: checkField(field), op, value };
}

export const eq = (field: string, value: ConditionValue): Condition => cmp(field, '=', formatValue(value));
export const ne = (field: string, value: ConditionValue): Condition => cmp(field, '!=', formatValue(value));
export const lt = (field: string, value: number | Date): Condition => cmp(field, '<', formatValue(value));
export const le = (field: string, value: number | Date): Condition => cmp(field, '<=', formatValue(value));
export const gt = (field: string, value: number | Date): Condition => cmp(field, '>', formatValue(value));
export const ge = (field: string, value: number | Date): Condition => cmp(field, '>=', formatValue(value));
export const contains = (field: string, value: string): Condition => cmp(field, 'contains', formatValue(value));
/** Manage's `like` treats `*` in the value as a wildcard; quotes and backslashes are still escaped. */
export const like = (field: string, value: string): Condition => cmp(field, 'like', formatValue(value));

export function inList(field: string, values: readonly (string | number)[]): Condition {
  if (values.length === 0) throw new TypeError(`inList(${field}) needs at least one value`);
  return cmp(field, 'in', `(${values.map(formatValue).join(',')})`);
}

function group(type: 'and' | 'or', items: readonly Condition[]): Condition {
  if (items.length === 0) throw new TypeError(`${type}() needs at least one condition`);
  if (items.length === 1 && items[0] !== undefined) return items[0];
  return { type, items };
}

export const and = (...items: Condition[]): Condition => group('and', items);
export const or = (...items: Condition[]): Condition => group('or', items);

const negated: Record<Operator, Operator> = {
  '=': '!=',
  '!=': '=',
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
  contains: 'not contains',
  'not contains': 'contains',
  like: 'not like',
  'not like': 'like',
  in: 'not in',
  'not in': 'in',
};

/**
 * Negation expressed with Manage's documented operators only (`!=`, `not like`, `not in`...):
 * groups are negated by De Morgan's laws rather than a prefix NOT.
 */
export function not(condition: Condition): Condition {
  if (condition.type === 'cmp') return { ...condition, op: negated[condition.op] };
  return { type: condition.type === 'and' ? 'or' : 'and', items: condition.items.map(not) };
}

export function renderCondition(condition: Condition): string {
  if (condition.type === 'cmp') {
    const { field, op, value } = condition;
    return /^[a-z]/.test(op) ? `${field} ${op} ${value}` : `${field}${op}${value}`;
  }
  const joiner = condition.type === 'and' ? ' AND ' : ' OR ';
  return condition.items
    .map((item) => (item.type === 'cmp' ? renderCondition(item) : `(${renderCondition(item)})`))
    .join(joiner);
}
