/**
 * Manage's `conditions` / `childConditions` query language: tokenizer, recursive-descent
 * parser and a compiled evaluator. Grammar (keywords case-insensitive):
 *
 *   expr       := and ( OR and )*
 *   and        := unary ( AND unary )*
 *   unary      := NOT unary | '(' expr ')' | comparison
 *   comparison := path op value | path [NOT] (contains|like) string | path [NOT] IN '(' value (',' value)* ')'
 *   op         := = | != | < | <= | > | >=
 *   value      := "string" | number | true | false | null | [datetime]
 *
 * AND binds tighter than OR. String comparisons are case-insensitive because Manage runs
 * them against a case-insensitive SQL collation. A comparison against a missing/null field
 * is false (SQL NULL semantics) unless the literal itself is `null`.
 */

export class ConditionError extends Error {
  readonly position: number | null;
  constructor(message: string, position: number | null = null) {
    super(position === null ? message : `${message} (at position ${position})`);
    this.name = 'ConditionError';
    this.position = position;
  }
}

/** Bounds that keep a hostile condition string from costing more than a normal one. */
const MAX_CONDITION_LENGTH = 10_000;
const MAX_NESTING = 64;
const MAX_CHILD_COMBINATIONS = 10_000;

type Token =
  | { kind: 'lparen'; pos: number }
  | { kind: 'rparen'; pos: number }
  | { kind: 'comma'; pos: number }
  | { kind: 'op'; op: CompareOp; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'datetime'; value: number; text: string; pos: number }
  | { kind: 'word'; value: string; lower: string; pos: number }
  | { kind: 'end'; pos: number };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type ConditionLiteral =
  | { kind: 'string'; value: string; lower: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number; text: string };

export type ConditionNode =
  | { type: 'and' | 'or'; items: ConditionNode[] }
  | { type: 'not'; operand: ConditionNode }
  | { type: 'compare'; path: string[]; op: CompareOp; value: ConditionLiteral }
  | { type: 'contains'; path: string[]; value: string; negated: boolean }
  | { type: 'like'; path: string[]; pattern: string; regex: RegExp; negated: boolean }
  | { type: 'in'; path: string[]; values: ConditionLiteral[]; negated: boolean };

const KEYWORDS = new Set(['and', 'or', 'not', 'like', 'contains', 'in', 'true', 'false', 'null']);
const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_/]/;
const DIGIT = /[0-9]/;

export function tokenizeConditions(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const pos = i;
    if (ch === '(') {
      tokens.push({ kind: 'lparen', pos });
      i++;
    } else if (ch === ')') {
      tokens.push({ kind: 'rparen', pos });
      i++;
    } else if (ch === ',') {
      tokens.push({ kind: 'comma', pos });
      i++;
    } else if (ch === '=') {
      tokens.push({ kind: 'op', op: '=', pos });
      i++;
    } else if (ch === '!') {
      if (input[i + 1] !== '=') throw new ConditionError("Expected '=' after '!'", pos);
      tokens.push({ kind: 'op', op: '!=', pos });
      i += 2;
    } else if (ch === '<' || ch === '>') {
      const withEq = input[i + 1] === '=';
      const op = (withEq ? `${ch}=` : ch) as CompareOp;
      tokens.push({ kind: 'op', op, pos });
      i += withEq ? 2 : 1;
    } else if (ch === '"') {
      let value = '';
      i++;
      let closed = false;
      while (i < input.length) {
        const c = input[i]!;
        if (c === '\\') {
          const next = input[i + 1];
          if (next !== '"' && next !== '\\') {
            throw new ConditionError('Invalid escape in string (only \\" and \\\\ are allowed)', i);
          }
          value += next;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw new ConditionError('Unterminated string', pos);
      tokens.push({ kind: 'string', value, pos });
    } else if (ch === '[') {
      const end = input.indexOf(']', i + 1);
      if (end === -1) throw new ConditionError('Unterminated datetime', pos);
      const text = input.slice(i + 1, end).trim();
      const value = parseDatetimeLiteral(text);
      if (value === null) throw new ConditionError(`Invalid datetime [${text}]`, pos);
      tokens.push({ kind: 'datetime', value, text, pos });
      i = end + 1;
    } else if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(input[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < input.length && DIGIT.test(input[j]!)) j++;
      if (input[j] === '.' && DIGIT.test(input[j + 1] ?? '')) {
        j++;
        while (j < input.length && DIGIT.test(input[j]!)) j++;
      }
      if (j < input.length && WORD_CHAR.test(input[j]!)) {
        throw new ConditionError('Invalid number', pos);
      }
      tokens.push({ kind: 'number', value: Number(input.slice(i, j)), pos });
      i = j;
    } else if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < input.length && WORD_CHAR.test(input[j]!)) j++;
      const value = input.slice(i, j);
      if (value.endsWith('/') || value.includes('//')) throw new ConditionError(`Invalid field path '${value}'`, pos);
      tokens.push({ kind: 'word', value, lower: value.toLowerCase(), pos });
      i = j;
    } else {
      throw new ConditionError(`Unexpected character '${ch}'`, pos);
    }
  }
  tokens.push({ kind: 'end', pos: input.length });
  return tokens;
}

/** ISO-8601 date or date-time; a missing zone means UTC (Manage stores UTC). */
function parseDatetimeLiteral(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!match) return null;
  const hasZone = match[7] !== undefined;
  const normalized = match[4] === undefined ? `${text}T00:00:00Z` : hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`;
  const value = Date.parse(normalized);
  return Number.isNaN(value) ? null : value;
}

class Parser {
  private index = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ConditionNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') throw new ConditionError(`Unexpected ${describe(next)}`, next.pos);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private take(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.lower === keyword;
  }

  private enter(pos: number): void {
    this.depth++;
    if (this.depth > MAX_NESTING) throw new ConditionError('Condition is nested too deeply', pos);
  }

  private parseOr(): ConditionNode {
    const items = [this.parseAnd()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.take();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  private parseAnd(): ConditionNode {
    const items = [this.parseUnary()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.take();
      items.push(this.parseUnary());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private parseUnary(): ConditionNode {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.take();
      this.enter(token.pos);
      const operand = this.parseUnary();
      this.depth--;
      return { type: 'not', operand };
    }
    if (token.kind === 'lparen') {
      this.take();
      this.enter(token.pos);
      const inner = this.parseOr();
      this.depth--;
      const close = this.take();
      if (close.kind !== 'rparen') throw new ConditionError(`Expected ')' but found ${describe(close)}`, close.pos);
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): ConditionNode {
    const fieldToken = this.take();
    if (fieldToken.kind !== 'word' || KEYWORDS.has(fieldToken.lower)) {
      throw new ConditionError(`Expected a field name but found ${describe(fieldToken)}`, fieldToken.pos);
    }
    const path = fieldToken.value.split('/');
    const opToken = this.take();
    if (opToken.kind === 'op') {
      const value = this.parseValue();
      checkOperatorAllowed(opToken.op, value, opToken.pos);
      return { type: 'compare', path, op: opToken.op, value };
    }
    if (opToken.kind !== 'word') {
      throw new ConditionError(`Expected an operator but found ${describe(opToken)}`, opToken.pos);
    }
    let negated = false;
    let opWord = opToken.lower;
    if (opWord === 'not') {
      negated = true;
      const next = this.take();
      if (next.kind !== 'word' || !['contains', 'like', 'in'].includes(next.lower)) {
        throw new ConditionError(`Expected contains, like or in after not, found ${describe(next)}`, next.pos);
      }
      opWord = next.lower;
    }
    if (opWord === 'contains' || opWord === 'like') {
      const valueToken = this.take();
      if (valueToken.kind !== 'string') {
        throw new ConditionError(`${opWord} needs a quoted string`, valueToken.pos);
      }
      if (opWord === 'contains') return { type: 'contains', path, value: valueToken.value.toLowerCase(), negated };
      return { type: 'like', path, pattern: valueToken.value, regex: likeToRegex(valueToken.value), negated };
    }
    if (opWord === 'in') {
      const open = this.take();
      if (open.kind !== 'lparen') throw new ConditionError(`Expected '(' after in`, open.pos);
      const values: ConditionLiteral[] = [];
      for (;;) {
        const value = this.parseValue();
        if (value.kind === 'null') throw new ConditionError('null is not allowed in an in list', open.pos);
        values.push(value);
        const sep = this.take();
        if (sep.kind === 'rparen') break;
        if (sep.kind !== 'comma') throw new ConditionError(`Expected ',' or ')' but found ${describe(sep)}`, sep.pos);
      }
      return { type: 'in', path, values, negated };
    }
    throw new ConditionError(`Unknown operator '${opToken.value}'`, opToken.pos);
  }

  private parseValue(): ConditionLiteral {
    const token = this.take();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value, lower: token.value.toLowerCase() };
      case 'number':
        return { kind: 'number', value: token.value };
      case 'datetime':
        return { kind: 'datetime', value: token.value, text: token.text };
      case 'word':
        if (token.lower === 'true' || token.lower === 'false') return { kind: 'boolean', value: token.lower === 'true' };
        if (token.lower === 'null') return { kind: 'null' };
        throw new ConditionError(`Expected a value but found '${token.value}' (strings need double quotes)`, token.pos);
      default:
        throw new ConditionError(`Expected a value but found ${describe(token)}`, token.pos);
    }
  }
}

function checkOperatorAllowed(op: CompareOp, value: ConditionLiteral, pos: number): void {
  if ((value.kind === 'null' || value.kind === 'boolean') && op !== '=' && op !== '!=') {
    throw new ConditionError(`${value.kind} can only be compared with = or !=`, pos);
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'word':
      return `'${token.value}'`;
    case 'string':
      return 'a string';
    case 'number':
      return `number ${token.value}`;
    case 'datetime':
      return 'a datetime';
    case 'op':
      return `'${token.op}'`;
    case 'lparen':
      return "'('";
    case 'rparen':
      return "')'";
    case 'comma':
      return "','";
  }
}

/** Manage's wildcard is `*`; `%` (the SQL spelling many clients send) means the same. */
function likeToRegex(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '%') source += '.*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

export function parseConditions(input: string): ConditionNode {
  if (input.length > MAX_CONDITION_LENGTH) {
    throw new ConditionError(`Condition is longer than ${MAX_CONDITION_LENGTH} characters`);
  }
  const tokens = tokenizeConditions(input);
  if (tokens.length === 1) throw new ConditionError('Condition is empty', 0);
  return new Parser(tokens).parse();
}

// ---------------------------------------------------------------------------------------
// Evaluation

export type ConditionMode = 'conditions' | 'childConditions';
export type ConditionPredicate = (record: unknown) => boolean;

/** Child-array bindings: lower-cased array path prefix -> the element being tried. */
type Bindings = Map<string, unknown> | null;

function readKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const obj = value as Record<string, unknown>;
  if (key in obj) return obj[key];
  // Manage resolves field names case-insensitively.
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

function resolvePath(record: unknown, path: string[], bindings: Bindings): unknown {
  let value: unknown = record;
  for (let i = 0; i < path.length; i++) {
    value = readKey(value, path[i]!);
    if (Array.isArray(value)) {
      const prefix = path.slice(0, i + 1).join('/').toLowerCase();
      if (bindings === null) {
        throw new ConditionError(`'${path.join('/')}' is a collection: filter it with childConditions`);
      }
      if (!bindings.has(prefix)) {
        throw new ConditionError(`'${path.join('/')}' is not bound to a child element`);
      }
      value = bindings.get(prefix);
    }
  }
  return value;
}

function compareLiteral(value: unknown, literal: ConditionLiteral): number | null {
  // Returns <0, 0, >0, or null when the two are not comparable.
  switch (literal.kind) {
    case 'number': {
      if (typeof value === 'number') return value - literal.value;
      if (typeof value === 'string') {
        const trimmed = value.trim();
        if (trimmed !== '' && !Number.isNaN(Number(trimmed))) return Number(trimmed) - literal.value;
        return compareStrings(value.toLowerCase(), String(literal.value));
      }
      return null;
    }
    case 'string': {
      if (typeof value === 'string') return compareStrings(value.toLowerCase(), literal.lower);
      if (typeof value === 'number') {
        const n = Number(literal.value);
        return literal.value.trim() !== '' && !Number.isNaN(n) ? value - n : null;
      }
      if (typeof value === 'boolean') return compareStrings(String(value), literal.lower);
      return null;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value === literal.value ? 0 : 1;
      if (typeof value === 'string') return value.toLowerCase() === String(literal.value) ? 0 : 1;
      return null;
    case 'datetime': {
      if (typeof value !== 'string') return null;
      const time = Date.parse(value);
      return Number.isNaN(time) ? null : time - literal.value;
    }
    case 'null':
      return null;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function applyCompare(op: CompareOp, value: unknown, literal: ConditionLiteral): boolean {
  if (literal.kind === 'null') {
    const isNull = value === null || value === undefined;
    return op === '=' ? isNull : !isNull;
  }
  if (value === null || value === undefined) return false;
  const cmp = compareLiteral(value, literal);
  if (cmp === null) return op === '!=';
  switch (op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
  }
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function evaluateNode(node: ConditionNode, record: unknown, bindings: Bindings): boolean {
  switch (node.type) {
    case 'and':
      for (const item of node.items) if (!evaluateNode(item, record, bindings)) return false;
      return true;
    case 'or':
      for (const item of node.items) if (evaluateNode(item, record, bindings)) return true;
      return false;
    case 'not':
      return !evaluateNode(node.operand, record, bindings);
    case 'compare':
      return applyCompare(node.op, resolvePath(record, node.path, bindings), node.value);
    case 'contains': {
      const text = textOf(resolvePath(record, node.path, bindings));
      if (text === null) return false;
      return text.toLowerCase().includes(node.value) !== node.negated;
    }
    case 'like': {
      const text = textOf(resolvePath(record, node.path, bindings));
      if (text === null) return false;
      return node.regex.test(text) !== node.negated;
    }
    case 'in': {
      const value = resolvePath(record, node.path, bindings);
      if (value === null || value === undefined) return false;
      const found = node.values.some((literal) => compareLiteral(value, literal) === 0);
      return found !== node.negated;
    }
  }
}

function collectPaths(node: ConditionNode, out: string[][]): void {
  switch (node.type) {
    case 'and':
    case 'or':
      for (const item of node.items) collectPaths(item, out);
      return;
    case 'not':
      collectPaths(node.operand, out);
      return;
    default:
      out.push(node.path);
  }
}

/** Finds, for one record, every array the expression's paths run through. */
function findChildArrays(record: unknown, paths: string[][]): Map<string, unknown[]> {
  const arrays = new Map<string, unknown[]>();
  for (const path of paths) {
    let value: unknown = record;
    for (let i = 0; i < path.length; i++) {
      value = readKey(value, path[i]!);
      if (Array.isArray(value)) {
        const prefix = path.slice(0, i + 1).join('/').toLowerCase();
        if (!arrays.has(prefix)) arrays.set(prefix, value);
        break;
      }
      if (value === null || value === undefined) break;
    }
  }
  return arrays;
}

/**
 * childConditions: the expression must hold for ONE child element (per referenced array),
 * like a SQL EXISTS over the child rows. `a/x="1" AND a/y="2"` therefore needs a single
 * element of `a` with both, not one element with x and another with y.
 */
function evaluateChild(node: ConditionNode, paths: string[][], record: unknown): boolean {
  const arrays = findChildArrays(record, paths);
  if (arrays.size === 0) return evaluateNode(node, record, new Map());
  const entries = [...arrays];
  let combinations = 1;
  for (const [, items] of entries) {
    if (items.length === 0) return false;
    combinations *= items.length;
  }
  if (combinations > MAX_CHILD_COMBINATIONS) {
    throw new ConditionError('childConditions reference too many child combinations');
  }
  const bindings = new Map<string, unknown>();
  const indexes = entries.map(() => 0);
  for (let n = 0; n < combinations; n++) {
    entries.forEach(([prefix, items], k) => bindings.set(prefix, items[indexes[k]!]));
    if (evaluateNode(node, record, bindings)) return true;
    for (let k = 0; k < indexes.length; k++) {
      indexes[k]!++;
      if (indexes[k]! < entries[k]![1].length) break;
      indexes[k] = 0;
    }
  }
  return false;
}

export function compileConditionNode(node: ConditionNode, mode: ConditionMode): ConditionPredicate {
  if (mode === 'conditions') return (record) => evaluateNode(node, record, null);
  const paths: string[][] = [];
  collectPaths(node, paths);
  return (record) => evaluateChild(node, paths, record);
}

/** Parses and compiles; throws ConditionError for any malformed input. */
export function compileConditions(input: string, mode: ConditionMode = 'conditions'): ConditionPredicate {
  return compileConditionNode(parseConditions(input), mode);
}

// ---------------------------------------------------------------------------------------
// orderBy

export type OrderByTerm = { path: string[]; descending: boolean };

export function parseOrderBy(input: string): OrderByTerm[] {
  const terms: OrderByTerm[] = [];
  for (const part of input.split(',')) {
    const words = part.trim().split(/\s+/);
    const field = words[0] ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/.test(field) || words.length > 2) {
      throw new ConditionError(`Invalid orderBy term '${part.trim()}'`);
    }
    const direction = (words[1] ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      throw new ConditionError(`Invalid orderBy direction '${words[1]}'`);
    }
    terms.push({ path: field.split('/'), descending: direction === 'desc' });
  }
  return terms;
}

function sortKey(value: unknown): { rank: number; value: number | string } {
  if (value === null || value === undefined) return { rank: 0, value: 0 };
  if (typeof value === 'boolean') return { rank: 1, value: value ? 1 : 0 };
  if (typeof value === 'number') return { rank: 1, value };
  if (typeof value === 'string') return { rank: 2, value: value.toLowerCase() };
  return { rank: 3, value: 0 };
}

/** A comparator for Array.sort; nulls sort first ascending, like SQL Server. */
export function compareByOrder(terms: OrderByTerm[]): (a: unknown, b: unknown) => number {
  return (a, b) => {
    for (const term of terms) {
      const ka = sortKey(resolvePathLoose(a, term.path));
      const kb = sortKey(resolvePathLoose(b, term.path));
      let cmp = ka.rank - kb.rank;
      if (cmp === 0 && ka.value !== kb.value) cmp = ka.value < kb.value ? -1 : 1;
      if (cmp !== 0) return term.descending ? -cmp : cmp;
    }
    return 0;
  };
}

function resolvePathLoose(record: unknown, path: string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    value = readKey(value, key);
    if (Array.isArray(value)) return undefined;
  }
  return value;
}
