import 'server-only';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import type { DeskbellDatabase } from '@/lib/store/database';
import { foldAscii, listPressBatch, type PressListRow } from './press-read-store';
import { msBetween, pressEndUser } from './stored-press';
import type { TicketLinker } from '@/lib/connectwise/ui-links';
import { loadTicketLinker } from '@/lib/settings/manage-site';
import { PRESS_STATUSES, type PressListItem, type PressListPage } from './types';
import { isNeedsAdminReason } from './needs-admin';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function blankToUndefined(value: unknown): unknown {
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

const day = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(DAY, { error: 'must be a date like 2026-11-28' })
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
      error: 'is not a calendar date',
    })
    .optional(),
);

/** The dashboard's filters as they appear in the URL (`?status=dead&q=printer&from=…&to=…&cursor=…`). */
export const pressListQuerySchema = z
  .object({
    status: z.preprocess(
      (v) => {
        const value = blankToUndefined(v);
        return value === 'all' ? undefined : value;
      },
      z.enum(PRESS_STATUSES, { error: `must be one of ${PRESS_STATUSES.join(', ')}` }).optional(),
    ),
    q: z.preprocess(blankToUndefined, z.string().trim().max(200, { error: 'must be at most 200 characters' }).optional()),
    from: day,
    to: day,
    cursor: z.preprocess(blankToUndefined, z.string().max(500).optional()),
    limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(25)),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { error: '"from" must not be after "to"', path: ['to'] });

export type PressListQuery = z.infer<typeof pressListQuerySchema>;

/** Reads URLSearchParams or Next's searchParams object into the query's input shape. */
export function searchParamsToObject(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, unknown> {
  if (params instanceof URLSearchParams) return Object.fromEntries(params.entries());
  return { ...params };
}

type Cursor = { receivedAt: string; id: string };

const cursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(100)]);

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const [receivedAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { receivedAt, id };
  } catch {
    throw new DeskbellApiError('unprocessable_entity', 'The page cursor is not valid; start again from the newest presses.', [
      { path: 'query.cursor', message: 'is not a cursor this server handed out' },
    ]);
  }
}

const SEARCH_BATCH = 200;
/** A search reads at most this many rows per request; a sparse match continues from the cursor. */
const SEARCH_SCAN_LIMIT = 2_000;

function matchesSearch(row: PressListRow, term: string): boolean {
  if (row.ticketNumber === term) return true;
  const payload = row.payload;
  if (!payload) return false;
  const wanted = foldAscii(term);
  return [payload.email, payload.name, payload.host.hostname, payload.message].some(
    (field) => field !== undefined && foldAscii(field).includes(wanted),
  );
}

function preview(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return oneLine.length > 140 ? `${oneLine.slice(0, 139)}…` : oneLine;
}

function toListItem(row: PressListRow, linkTicket: TicketLinker): PressListItem {
  const { payload, outcome } = row;
  return {
    id: row.id,
    status: row.status,
    receivedAt: row.receivedAt,
    companyName: outcome?.contact?.companyName ?? null,
    contactName: pressEndUser(payload, outcome).name,
    contactEmail: payload?.email ?? null,
    registered: outcome?.contact?.registered ?? null,
    hostname: payload?.host.hostname ?? null,
    messagePreview: payload ? preview(payload.message) : '(unreadable press)',
    ticketId: row.ticketId,
    ticketNumber: row.ticketNumber,
    ticketUrl: linkTicket(row.ticketId),
    ticketCreatedAt: row.ticketCreatedAt,
    msToTicket: msBetween(row.receivedAt, row.ticketCreatedAt),
    attempt: row.attempt,
    // Why it is waiting, only while it is: a finished press's last error is history.
    retryReason: row.status === 'retrying' || row.status === 'queued' ? row.lastError : null,
    nextAttemptAt: row.status === 'retrying' ? row.nextAttemptAt : null,
    needsAdminReason: row.status === 'dead' && isNeedsAdminReason(row.deadReason) ? row.deadReason : null,
  };
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/**
 * Newest first, keyset-paginated on (received_at, id). Status and dates filter in SQL; the
 * text search pre-filters in the store (LIKE over the payload JSON) and then checks the
 * exact fields in TypeScript, reading at most SEARCH_SCAN_LIMIT rows per call.
 */
export async function listPresses(
  db: DeskbellDatabase,
  query: PressListQuery,
  linkTicket: TicketLinker = () => null,
): Promise<PressListPage> {
  let after = query.cursor ? decodeCursor(query.cursor) : null;
  const term = query.q;
  const batchSize = term ? SEARCH_BATCH : query.limit + 1;
  const matched: PressListRow[] = [];
  let scanned = 0;
  let lastScanned: Cursor | null = null;
  let exhausted = false;

  while (matched.length <= query.limit && scanned < SEARCH_SCAN_LIMIT) {
    const rows = await listPressBatch(db, {
      status: query.status,
      from: query.from ? `${query.from}T00:00:00.000Z` : undefined,
      to: query.to ? nextDay(query.to) : undefined,
      term,
      after: after ?? undefined,
      limit: batchSize,
    });
    for (const row of rows) {
      scanned += 1;
      lastScanned = { receivedAt: row.receivedAt, id: row.id };
      if (!term || matchesSearch(row, term)) matched.push(row);
      if (matched.length > query.limit) break;
    }
    if (rows.length < batchSize) {
      exhausted = true;
      break;
    }
    after = lastScanned;
  }

  const page = matched.slice(0, query.limit);
  let nextCursor: string | null = null;
  if (matched.length > query.limit) {
    const last = page[page.length - 1]!;
    nextCursor = encodeCursor({ receivedAt: last.receivedAt, id: last.id });
  } else if (!exhausted && lastScanned) {
    // The scan budget ran out before the page filled: continue after the last row read.
    nextCursor = encodeCursor(lastScanned);
  }
  return { items: page.map((row) => toListItem(row, linkTicket)), nextCursor };
}

/** The dashboard's list with ticket links into this install's Manage. */
export async function listPressesForDashboard(db: DeskbellDatabase, query: PressListQuery): Promise<PressListPage> {
  return listPresses(db, query, await loadTicketLinker(db));
}

/** The filters of a query as URL parameters, without the cursor (for links and the live refresh). */
export function toFilterQuery(query: PressListQuery): string {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.q) params.set('q', query.q);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  return params.toString();
}

/**
 * For the page: filters that do not parse are dropped one by one (and reported) rather than
 * failing the whole page, so a bad date in a bookmarked URL still shows the list.
 */
export function readPressListQuery(raw: Record<string, unknown>): { query: PressListQuery; problems: string[] } {
  const first = pressListQuerySchema.safeParse(raw);
  if (first.success) return { query: first.data, problems: [] };
  const problems = first.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'filters'}: ${issue.message}`);
  const bad = new Set(first.error.issues.map((issue) => String(issue.path[0])));
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
  const second = pressListQuerySchema.safeParse(cleaned);
  return { query: second.success ? second.data : pressListQuerySchema.parse({}), problems };
}
