import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { createConfigurationLinker, createTicketLinker } from '@/lib/connectwise/ui-links';
import { contentDisposition } from '@/lib/presses/press-files';
import { listTicketTimeline } from '@/lib/notifications/ticket-events';
import { findPressFile, readPressFileBytes } from '@/lib/presses/press-file-store';
import { loadPressReport, pressIdSchema, type FileUrlBuilder } from '@/lib/presses/press-report';
import { findNewestPressIdForTicket, findPressScope, listCompanyPresses } from '@/lib/presses/press-read-store';
import { pressEndUser } from '@/lib/presses/stored-press';
import { getPressFileThumbnail } from '@/lib/presses/thumbnails';
import { loadManageSite } from '@/lib/settings/manage-site';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { PodTokenClaims } from './pod-token';
import type { PodCompanyPress, PodCompanyPresses, PodPress, PodTicketResponse } from './types';

/**
 * What a pod token lets its holder read: the press of the token's ticket (with its files), or
 * the recent presses of the token's company. Every lookup starts from the token's scope, so a
 * valid token for one ticket never reaches another ticket's press, even with its file ids.
 */

export const podFileUrl: FileUrlBuilder = (pressId, fileId) =>
  `/api/pod/presses/${encodeURIComponent(pressId)}/files/${encodeURIComponent(fileId)}`;

export const podThumbnailUrl: FileUrlBuilder = (pressId, fileId) => `${podFileUrl(pressId, fileId)}/thumbnail`;

/** Types a browser may render inline; anything else is a sandboxed download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
/** How many of a company's newest presses the company tab (and its top hosts) looks at. */
const COMPANY_SCAN_LIMIT = 500;
const TOP_HOSTS = 5;

function forbidden(what: string): DeskbellApiError {
  return new DeskbellApiError('forbidden', `This pod session is for another ${what}: reopen it from that ${what} in Manage.`);
}

const noFile = () => new DeskbellApiError('not_found', 'There is no such file.');

/**
 * GET /api/pod/tickets/{ticketId}: the newest press filed as (or onto) that ticket, with pod
 * file URLs, thumbnails and Manage links; `{press: null}` for a ticket Deskbell did not create.
 */
export async function loadPodTicket(db: DeskbellDatabase, claims: PodTokenClaims, ticketId: number): Promise<PodTicketResponse> {
  if (claims.scope.screen !== 'ticket' || claims.scope.id !== ticketId) throw forbidden('ticket');
  const pressId = await findNewestPressIdForTicket(db, ticketId);
  if (!pressId) return { press: null };
  const site = await loadManageSite(db);
  const report = await loadPressReport(db, pressId, {
    ticketEvents: (id) => listTicketTimeline(db, id),
    fileUrl: podFileUrl,
    linkTicket: createTicketLinker(site),
  });
  if (!report) return { press: null };
  const linkConfiguration = createConfigurationLinker(site);
  const press: PodPress = {
    ...report,
    screenshots: report.screenshots.map((shot) =>
      shot.removedAt === null ? { ...shot, thumbnailSrc: podThumbnailUrl(report.id, shot.id) } : shot,
    ),
    configuration: report.configuration ? { ...report.configuration, url: linkConfiguration(report.configuration.id) } : null,
  };
  return { press };
}

/** Whether the press is inside the token's scope: its ticket, or (company tab) its company. */
async function pressInScope(db: DeskbellDatabase, claims: PodTokenClaims, pressId: string): Promise<boolean> {
  const press = await findPressScope(db, pressId);
  if (!press) return false;
  if (claims.scope.screen === 'ticket') return press.ticketId !== null && press.ticketId === claims.scope.id;
  return press.companyId !== null && press.companyId === claims.scope.id;
}

const fileHeaders = (contentType: string, size: number, disposition: string) => ({
  'content-type': contentType,
  'content-length': String(size),
  'content-disposition': disposition,
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  // A file never changes under its id; private keeps it out of shared caches, and the
  // short life keeps a cached copy from outliving the token that fetched it by much.
  'cache-control': 'private, max-age=300',
  vary: 'authorization',
});

/**
 * GET /api/pod/presses/{pressId}/files/{fileId}[/thumbnail]. Another scope's press, an
 * unknown id, another press's file and a file retention removed all get the same 404.
 */
export async function servePodFile(
  db: DeskbellDatabase,
  claims: PodTokenClaims,
  pressIdText: string,
  fileIdText: string,
  variant: 'full' | 'thumbnail',
): Promise<Response> {
  const pressId = pressIdSchema.safeParse(pressIdText);
  const fileId = pressIdSchema.safeParse(fileIdText);
  if (!pressId.success || !fileId.success) throw noFile();
  if (!(await pressInScope(db, claims, pressId.data))) throw noFile();
  const file = await findPressFile(db, pressId.data, fileId.data);
  if (!file || file.removedAt !== null) throw noFile();

  if (variant === 'thumbnail') {
    const thumbnail = await getPressFileThumbnail(db, fileId.data);
    if (!thumbnail) throw noFile();
    const name = `${file.filename.replace(/\.[^.]*$/, '')}-thumbnail.webp`;
    return new Response(new Uint8Array(thumbnail.bytes), {
      status: 200,
      headers: fileHeaders(thumbnail.contentType, thumbnail.bytes.byteLength, contentDisposition('inline', name)),
    });
  }
  const bytes = await readPressFileBytes(db, fileId.data);
  if (bytes === null) throw noFile();
  const inline = INLINE_TYPES.has(file.contentType.toLowerCase());
  return new Response(new Uint8Array(bytes), {
    status: 200,
    headers: fileHeaders(file.contentType, bytes.byteLength, contentDisposition(inline ? 'inline' : 'attachment', file.filename)),
  });
}

/**
 * GET /api/pod/companies/{companyId}/presses: the company's newest presses and the hosts that
 * press most often among its last COMPANY_SCAN_LIMIT (presses.company_id, indexed with the
 * time: the contact's company the press was filed under).
 */
export async function listPodCompanyPresses(
  db: DeskbellDatabase,
  claims: PodTokenClaims,
  companyId: number,
  limit: number,
): Promise<PodCompanyPresses> {
  if (claims.scope.screen !== 'company' || claims.scope.id !== companyId) throw forbidden('company');
  const rows = await listCompanyPresses(db, companyId, COMPANY_SCAN_LIMIT);
  const matched = rows
    .map((row) => ({ row, outcome: row.outcome, payload: row.payload }))
    .filter((entry) => entry.outcome?.contact?.companyId === companyId);

  const listed = matched.slice(0, limit);
  const ticketIds = [...new Set(listed.map((e) => e.row.ticketId).filter((id): id is number => id !== null))];
  const seenStatus = new Map<number, string | null>();
  if (ticketIds.length > 0) {
    const states = await db.selectFrom('ticket_states').select(['ticket_id', 'status_name']).where('ticket_id', 'in', ticketIds).execute();
    for (const state of states) seenStatus.set(state.ticket_id, state.status_name);
  }

  const presses: PodCompanyPress[] = listed.map(({ row, outcome, payload }) => ({
    id: row.id,
    receivedAt: row.receivedAt,
    name: pressEndUser(payload, outcome).name,
    email: payload?.email ?? null,
    hostname: payload?.host.hostname ?? null,
    ticketId: row.ticketId,
    ticketNumber: row.ticketNumber,
    status: row.status,
    ticketStatusName: (row.ticketId !== null ? seenStatus.get(row.ticketId) : null) ?? outcome?.ticket?.statusName ?? null,
  }));

  // Hostnames compare case-insensitively (Windows does); the newest spelling is shown.
  const hosts = new Map<string, { hostname: string; presses: number; order: number }>();
  matched.forEach(({ payload }, order) => {
    const hostname = payload?.host.hostname?.trim();
    if (!hostname) return;
    const key = hostname.toUpperCase();
    const entry = hosts.get(key);
    if (entry) entry.presses += 1;
    else hosts.set(key, { hostname, presses: 1, order });
  });
  const topHosts = [...hosts.values()]
    .sort((a, b) => b.presses - a.presses || a.order - b.order)
    .slice(0, TOP_HOSTS)
    .map(({ hostname, presses: count }) => ({ hostname, presses: count }));

  return { presses, topHosts };
}
