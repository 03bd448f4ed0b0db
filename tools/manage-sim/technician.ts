/**
 * Admin endpoints that change a ticket the way a technician does in Manage's UI (no Manage
 * auth): POST /__sim/tickets/{id}/status|notes|owner and DELETE /__sim/tickets/{id}. Each
 * returns the change so the server can fire the ticket callbacks (never self-suppressed).
 */
import { z } from 'zod';
import type { SimTicketChange } from './callbacks';
import type { RouteResult, SimContext } from './context';
import { ManageApiError } from './errors';
import { addNote, closedFields, saveTicketChange } from './resources/tickets';
import type { SimMember, SimTicket } from './store';
import { isoSeconds } from './store';
import { parseId } from './validation';

/** Who acts when an admin call names no member: a technician in the demo data. */
export const DEFAULT_TECHNICIAN = 'jsmith';

const memberIdentifier = z.string().trim().min(1).max(30);

const statusBody = z
  .object({
    status: z.union([z.string().trim().min(1).max(50), z.number().int().positive()]),
    member: memberIdentifier.optional(),
  })
  .strict();

const noteBody = z
  .object({
    text: z.string().min(1),
    internal: z.boolean().optional(),
    resolution: z.boolean().optional(),
    member: memberIdentifier.optional(),
  })
  .strict();

const ownerBody = z
  .object({
    /** The new owner; also who acts unless `by` names someone else. */
    member: memberIdentifier,
    by: memberIdentifier.optional(),
  })
  .strict();

const TICKET_ADMIN_PATH = /^\/__sim\/tickets\/([^/]+)(?:\/(status|notes|owner))?$/;

export type TechnicianOutcome = { result: RouteResult; change: SimTicketChange | null };

function invalid(message: string): ManageApiError {
  return new ManageApiError(400, 'InvalidObject', message);
}

function parse<S extends z.ZodType>(schema: S, json: unknown, jsonError: boolean, shape: string): z.output<S> {
  if (jsonError) throw invalid('The body is not valid JSON.');
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw invalid(`Body must be ${shape}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function memberOrThrow(ctx: SimContext, identifier: string | undefined): SimMember {
  const wanted = (identifier ?? DEFAULT_TECHNICIAN).toLowerCase();
  const member = ctx.store.members.find((m) => m.identifier.toLowerCase() === wanted);
  if (!member) throw invalid(`Member '${identifier ?? DEFAULT_TECHNICIAN}' was not found.`);
  if (member.inactiveFlag === true) throw invalid(`Member '${member.identifier}' is inactive.`);
  return member;
}

function changeOf(action: SimTicketChange['action'], ticket: SimTicket, actor: SimMember): SimTicketChange {
  return { action, ticketId: ticket.id, ticket, actor, byApiMember: false };
}

function setStatus(ctx: SimContext, ticket: SimTicket, json: unknown, jsonError: boolean): TechnicianOutcome {
  const input = parse(statusBody, json, jsonError, '{"status": "<name>" | <id>, "member"?: "<identifier>"}');
  const member = memberOrThrow(ctx, input.member);
  const boardId = (ticket.board as { id?: number } | undefined)?.id;
  const onBoard = ctx.store.boardStatuses.filter((s) => s.board.id === boardId);
  const status =
    typeof input.status === 'number'
      ? onBoard.find((s) => s.id === input.status)
      : onBoard.find((s) => s.name.toLowerCase() === (input.status as string).toLowerCase());
  if (!status) throw invalid(`Status ${JSON.stringify(input.status)} is not a status of board ${boardId ?? '(none)'}.`);
  if (status.inactive === true) throw invalid(`Status '${status.name}' is inactive.`);
  const statusRef = ctx.refs.status(status);
  const next: SimTicket = { ...ticket, status: statusRef };
  delete next.closedDate;
  delete next.closedBy;
  Object.assign(next, closedFields(ctx, { status: statusRef }, ticket, member, isoSeconds()));
  const saved = saveTicketChange(ctx, next, member);
  return { result: { status: 200, body: saved }, change: changeOf('updated', saved, member) };
}

function addTechnicianNote(ctx: SimContext, ticket: SimTicket, json: unknown, jsonError: boolean): TechnicianOutcome {
  const input = parse(noteBody, json, jsonError, '{"text": "...", "internal"?: boolean, "resolution"?: boolean, "member"?: "<identifier>"}');
  const member = memberOrThrow(ctx, input.member);
  const internal = input.internal === true;
  const note = addNote(
    ctx,
    ticket.id,
    { text: input.text, detailDescriptionFlag: !internal, internalAnalysisFlag: internal, resolutionFlag: input.resolution === true },
    member,
    isoSeconds(),
  );
  const saved = saveTicketChange(ctx, { ...ticket }, member);
  return { result: { status: 201, body: note }, change: changeOf('updated', saved, member) };
}

function setOwner(ctx: SimContext, ticket: SimTicket, json: unknown, jsonError: boolean): TechnicianOutcome {
  const input = parse(ownerBody, json, jsonError, '{"member": "<identifier>", "by"?: "<identifier>"}');
  const owner = memberOrThrow(ctx, input.member);
  const actor = input.by === undefined ? owner : memberOrThrow(ctx, input.by);
  const saved = saveTicketChange(ctx, { ...ticket, owner: ctx.refs.member(owner) }, actor);
  return { result: { status: 200, body: saved }, change: changeOf('updated', saved, actor) };
}

function deleteTicket(ctx: SimContext, ticket: SimTicket, query: URLSearchParams): TechnicianOutcome {
  const actor = memberOrThrow(ctx, query.get('member') ?? undefined);
  const { store } = ctx;
  for (const note of store.ticketNotes.filter((n) => n.ticketId === ticket.id)) store.ticketNotes.delete(note.id);
  for (const link of store.ticketConfigurations.filter((l) => l.ticketId === ticket.id)) store.ticketConfigurations.delete(link.id);
  for (const doc of store.documents.filter((d) => d.recordType.toLowerCase() === 'ticket' && d.recordId === ticket.id)) {
    store.documents.delete(doc.id);
  }
  store.tickets.delete(ticket.id);
  return { result: { status: 204 }, change: changeOf('deleted', ticket, actor) };
}

/**
 * Handles /__sim/tickets/... (lowerPath is the lower-cased path without a trailing slash).
 * Returns null when the path is not one of these endpoints.
 */
export function handleTechnicianAdmin(
  ctx: SimContext,
  method: string,
  lowerPath: string,
  json: unknown,
  jsonError: boolean,
  query: URLSearchParams,
): TechnicianOutcome | null {
  const match = TICKET_ADMIN_PATH.exec(lowerPath);
  if (!match) return null;
  const [, rawId, action] = match as unknown as [string, string, string | undefined];
  const allowed = action === undefined ? 'DELETE' : 'POST';
  if (method !== allowed) {
    return { result: { status: 405, headers: { allow: allowed }, body: { code: 'MethodNotAllowed', message: `Use ${allowed} ${lowerPath}` } }, change: null };
  }
  try {
    const id = parseId(rawId);
    const ticket = id === null ? undefined : ctx.store.tickets.get(id);
    if (!ticket) throw new ManageApiError(404, 'NotFound', `Ticket ${rawId} not found`);
    switch (action) {
      case 'status':
        return setStatus(ctx, ticket, json, jsonError);
      case 'notes':
        return addTechnicianNote(ctx, ticket, json, jsonError);
      case 'owner':
        return setOwner(ctx, ticket, json, jsonError);
      default:
        return deleteTicket(ctx, ticket, query);
    }
  } catch (error) {
    if (error instanceof ManageApiError) return { result: { status: error.status, body: error.toBody() }, change: null };
    throw error;
  }
}
