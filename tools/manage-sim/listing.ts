/**
 * GET-list behaviour shared by every collection endpoint: conditions, childConditions,
 * orderBy, and page/pageSize or forward-only (pageId) pagination with Manage's Link header.
 */
import { API_PREFIX, DEFAULT_PAGE_SIZE } from './constants';
import {
  ConditionError,
  compareByOrder,
  compileConditions,
  parseOrderBy,
  type ConditionMode,
  type ConditionPredicate,
} from './conditions';
import type { RouteRequest, RouteResult, SimContext } from './context';
import { ManageApiError, badRequest, fieldError } from './errors';

/** Benchmarks repeat the same few condition strings: parse each once. */
const PREDICATE_CACHE_LIMIT = 500;
const predicateCache = new Map<string, ConditionPredicate>();

function predicateFor(text: string, mode: ConditionMode): ConditionPredicate {
  const key = `${mode}\u0000${text}`;
  let predicate = predicateCache.get(key);
  if (!predicate) {
    predicate = compileConditions(text, mode);
    if (predicateCache.size >= PREDICATE_CACHE_LIMIT) predicateCache.clear();
    predicateCache.set(key, predicate);
  }
  return predicate;
}

function conditionFailure(parameter: string, error: ConditionError): ManageApiError {
  return badRequest(`Invalid ${parameter}: ${error.message}`, [
    fieldError(parameter, parameter, 'InvalidField', error.message),
  ]);
}

function parseIntParam(query: URLSearchParams, name: string, min: number): number | null {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return null;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw badRequest(`${name} must be an integer`, [fieldError(name, name, 'InvalidField', `${name} must be an integer`)]);
  }
  const value = Number(raw);
  if (value < min || !Number.isSafeInteger(value)) {
    throw badRequest(`${name} must be at least ${min}`, [
      fieldError(name, name, 'InvalidField', `${name} must be at least ${min}`),
    ]);
  }
  return value;
}

/** Applies the query's filters; throws 400 for malformed conditions. */
export function filterRecords<T>(req: RouteRequest, records: readonly T[]): T[] {
  const filters: { parameter: string; predicate: ConditionPredicate }[] = [];
  for (const [parameter, mode] of [
    ['conditions', 'conditions'],
    ['childConditions', 'childConditions'],
  ] as const) {
    const text = req.query.get(parameter);
    if (text === null || text.trim() === '') continue;
    try {
      filters.push({ parameter, predicate: predicateFor(text, mode) });
    } catch (error) {
      if (error instanceof ConditionError) throw conditionFailure(parameter, error);
      throw error;
    }
  }
  if (filters.length === 0) return [...records];
  const out: T[] = [];
  for (const record of records) {
    let keep = true;
    for (const { parameter, predicate } of filters) {
      try {
        if (!predicate(record)) {
          keep = false;
          break;
        }
      } catch (error) {
        if (error instanceof ConditionError) throw conditionFailure(parameter, error);
        throw error;
      }
    }
    if (keep) out.push(record);
  }
  return out;
}

function linkUrl(req: RouteRequest, changes: Record<string, string>, drop: string[]): string {
  const params = new URLSearchParams(req.query);
  for (const name of drop) params.delete(name);
  for (const [name, value] of Object.entries(changes)) params.set(name, value);
  return `<${req.origin}${API_PREFIX}${req.path}?${params.toString()}>`;
}

export function listRecords<T extends { id: number }>(
  ctx: SimContext,
  req: RouteRequest,
  records: readonly T[],
  present: (record: T) => unknown = (record) => record,
): RouteResult {
  const requestedSize = parseIntParam(req.query, 'pageSize', 1);
  // Manage caps pageSize at 1000 silently instead of refusing a larger value.
  const pageSize = Math.min(requestedSize ?? DEFAULT_PAGE_SIZE, ctx.pageSizeMax);
  const matched = filterRecords(req, records);
  const orderBy = req.query.get('orderBy');

  if (req.forwardOnly) {
    if (orderBy !== null && orderBy.trim() !== '') {
      throw badRequest('orderBy is not supported with forward-only pagination', [
        fieldError('orderBy', 'orderBy', 'InvalidField', 'orderBy cannot be used with pagination-type forward-only'),
      ]);
    }
    const pageId = parseIntParam(req.query, 'pageId', 0) ?? 0;
    const page: T[] = [];
    for (const record of matched) {
      if (record.id > pageId) page.push(record);
      if (page.length === pageSize) break;
    }
    const headers: Record<string, string> = {};
    // Keyset paging cannot know whether more rows follow: a full page always links onward.
    const last = page[page.length - 1];
    if (page.length === pageSize && last) {
      headers.link = `${linkUrl(req, { pageSize: String(pageSize), pageId: String(last.id) }, ['page'])}; rel="next"`;
    }
    return { status: 200, body: page.map(present), headers };
  }

  if (orderBy !== null && orderBy.trim() !== '') {
    try {
      matched.sort(compareByOrder(parseOrderBy(orderBy)));
    } catch (error) {
      if (error instanceof ConditionError) throw conditionFailure('orderBy', error);
      throw error;
    }
  }
  const page = parseIntParam(req.query, 'page', 1) ?? 1;
  const lastPage = Math.max(1, Math.ceil(matched.length / pageSize));
  const slice = matched.slice((page - 1) * pageSize, page * pageSize);
  const links: string[] = [];
  const at = (n: number) => linkUrl(req, { pageSize: String(pageSize), page: String(n) }, ['pageId']);
  if (page > 1) {
    links.push(`${at(1)}; rel="first"`);
    links.push(`${at(Math.min(page - 1, lastPage))}; rel="prev"`);
  }
  if (page < lastPage) {
    links.push(`${at(page + 1)}; rel="next"`);
    links.push(`${at(lastPage)}; rel="last"`);
  }
  const headers: Record<string, string> = links.length > 0 ? { link: links.join(', ') } : {};
  return { status: 200, body: slice.map(present), headers };
}
