/**
 * Service tickets, their notes and their configuration links: validation and reference
 * resolution the way Manage does it (board-scoped status/type/subtype/item/team, service
 * defaults of the API member, priority from the SLA impact x urgency matrix).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { NOTE_DISPLAY_ERROR } from '../constants';
import type { RouteDefinition, RouteRequest, SimContext } from '../context';
import { badRequest, fieldError, invalidObject, type ManageFieldError } from '../errors';
import { listRecords } from '../listing';
import type { JsonObject, Ref, SimBoardChild, SimMember, SimNote, SimTicket } from '../store';
import { isoSeconds } from '../store';
import {
  compact,
  describeRef,
  findByRef,
  flag,
  isEmptyRef,
  maxText,
  parseBody,
  recordOr404,
  refInput,
  text,
  type RefInput,
} from '../validation';

const level = z.enum(['Low', 'Medium', 'High']);

const ticketInput = z.object({
  summary: z.string().min(1).max(100),
  recordType: z.enum(['ServiceTicket']).nullish(),
  board: refInput.nullish(),
  status: refInput.nullish(),
  company: refInput,
  siteName: maxText(156),
  addressLine1: maxText(50),
  addressLine2: maxText(50),
  city: maxText(50),
  stateIdentifier: maxText(50),
  zip: maxText(12),
  contact: refInput.nullish(),
  contactName: maxText(62),
  contactPhoneNumber: maxText(20),
  contactPhoneExtension: maxText(15),
  contactEmailAddress: maxText(250),
  type: refInput.nullish(),
  subType: refInput.nullish(),
  item: refInput.nullish(),
  team: refInput.nullish(),
  owner: refInput.nullish(),
  priority: refInput.nullish(),
  source: refInput.nullish(),
  requiredDate: z.iso.datetime({ offset: true }).nullish(),
  budgetHours: z.number().nullish(),
  severity: level.nullish(),
  impact: level.nullish(),
  externalXRef: maxText(100),
  poNumber: maxText(50),
  allowAllClientsPortalView: flag,
  customerUpdatedFlag: flag,
  automaticEmailContactFlag: flag,
  automaticEmailResourceFlag: flag,
  automaticEmailCcFlag: flag,
  automaticEmailCc: maxText(1000),
  integratorTags: z.array(z.string()).nullish(),
  initialDescription: text,
  initialInternalAnalysis: text,
  initialResolution: text,
  initialDescriptionFrom: text,
  contactEmailLookup: text,
  processNotifications: flag,
  skipCallback: flag,
});
type TicketInput = z.infer<typeof ticketInput>;

/** Fields a PATCH may address (POST-only `initial*` and server-set fields excluded). */
const PATCHABLE = new Map(
  Object.keys(ticketInput.shape)
    .filter((key) => !key.startsWith('initial') && key !== 'contactEmailLookup' && key !== 'recordType')
    .map((key) => [key.toLowerCase(), key] as const),
);
const REFERENCE_FIELDS = ['board', 'status', 'company', 'contact', 'type', 'subType', 'item', 'team', 'owner', 'priority', 'source'] as const;

const noteInput = z.object({
  text: z.string().min(1),
  detailDescriptionFlag: flag,
  internalAnalysisFlag: flag,
  resolutionFlag: flag,
  issueFlag: flag,
  customerUpdatedFlag: flag,
  processNotifications: flag,
  internalFlag: flag,
  externalFlag: flag,
});
export type NoteInput = z.infer<typeof noteInput>;

const configurationLinkInput = z.object({
  id: z.number().int().nullish(),
  deviceIdentifier: z.string().nullish(),
});

const patchInput = z.array(z.object({ op: z.string(), path: z.string(), value: z.unknown().optional() }));

const URGENCY_KEY = { High: 'Hi', Medium: 'Med', Low: 'Low' } as const;
const IMPACT_KEY = { High: 'hi', Medium: 'med', Low: 'low' } as const;

function defaultEmail(ctx: SimContext, contactId: number): string | undefined {
  const items = ctx.store.contacts.get(contactId)?.communicationItems ?? [];
  const emails = items.filter((item) => item.communicationType === 'Email');
  return (emails.find((item) => item.defaultFlag) ?? emails[0])?.value;
}

function defaultPhone(ctx: SimContext, contactId: number): string | undefined {
  const items = ctx.store.contacts.get(contactId)?.communicationItems ?? [];
  const phones = items.filter((item) => item.communicationType === 'Phone');
  return (phones.find((item) => item.defaultFlag) ?? phones[0])?.value;
}

/** Priority from the default SLA's impact x urgency (severity) matrix. */
function priorityFromMatrix(ctx: SimContext, impact: z.infer<typeof level>, severity: z.infer<typeof level>) {
  const sla = ctx.store.slas.find((s) => s.defaultFlag === true) ?? ctx.store.slas.list()[0];
  const cell = sla?.[`${IMPACT_KEY[impact]}Impact${URGENCY_KEY[severity]}Urgency`] as { id?: number } | undefined;
  return cell?.id === undefined ? undefined : ctx.store.priorities.get(cell.id);
}

function defaultPriority(ctx: SimContext) {
  return ctx.store.priorities.find((p) => p.defaultFlag === true);
}

type TicketFields = JsonObject & { summary: string; company: Ref };
type BuildOptions = { existing?: SimTicket; patchedKeys?: Set<string>; member: SimMember; now: string };

/**
 * Validates `input` and resolves every reference against the store. Returns the ticket's
 * writable fields in Manage's response shape, or throws Manage's 400.
 */
function resolveTicketFields(ctx: SimContext, input: TicketInput, options: BuildOptions): TicketFields {
  const { store, refs } = ctx;
  const errors: ManageFieldError[] = [];
  const creating = options.existing === undefined;
  const patched = options.patchedKeys ?? new Set<string>();
  const err = (field: string, message: string, code: 'InvalidField' | 'MissingRequiredField' = 'InvalidField') =>
    errors.push(fieldError('ticket', field, code, message));

  const company = findByRef(input.company, store.companies.list());
  if (isEmptyRef(input.company)) err('company', 'The company field is required.', 'MissingRequiredField');
  else if (!company || company.deletedFlag === true) err('company', `Company ${describeRef(input.company)} was not found.`);
  else if (company.status) {
    const status = store.companyStatuses.get(company.status.id);
    if (status?.disallowSavingFlag === true) err('company', `Company '${company.name}' has a status that does not allow saving.`);
  }

  let board;
  if (isEmptyRef(input.board)) {
    const fallback = options.member.serviceDefaultBoard;
    board = fallback ? store.boards.get(fallback.id) : undefined;
    if (!board) err('board', 'The board field is required (the API member has no default service board).', 'MissingRequiredField');
  } else {
    board = findByRef(input.board, store.boards.list());
    if (!board) err('board', `Board ${describeRef(input.board)} was not found.`);
    else if (board.inactiveFlag === true) err('board', `Board '${board.name}' is inactive.`);
  }
  const boardChanged = !creating && board !== undefined && options.existing?.board?.id !== board.id;

  // Board-scoped lookups: the same name exists on several boards with different ids.
  const onBoard = <T extends { board?: { id: number }; boardId?: number }>(list: readonly T[]) =>
    board ? list.filter((r) => (r.board?.id ?? r.boardId) === board.id) : [];
  const boardScoped = <T extends SimBoardChild & { inactive?: boolean }>(
    field: 'status' | 'type' | 'subType' | 'item' | 'team',
    ref: RefInput | null | undefined,
    list: readonly T[],
  ): T | undefined => {
    if (isEmptyRef(ref) || !board) return undefined;
    if (boardChanged && !patched.has(field)) return undefined;
    const found = findByRef(ref, onBoard(list));
    if (!found) err(field, `${field} ${describeRef(ref)} was not found on board '${board.name}'.`);
    else if (found.inactiveFlag === true || found.inactive === true) {
      err(field, `${field} '${found.name}' is inactive on board '${board.name}'.`);
    }
    return found;
  };

  let status = boardScoped('status', input.status, store.boardStatuses.list());
  if (!status && board && (isEmptyRef(input.status) || (boardChanged && !patched.has('status')))) {
    const statuses = onBoard(store.boardStatuses.list()).filter((s) => s.inactive !== true);
    status = statuses.find((s) => s.defaultFlag === true) ?? [...statuses].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))[0];
    if (!status) err('status', `Board '${board.name}' has no active status.`);
  }
  const type = boardScoped('type', input.type, store.boardTypes.list());
  const subType = boardScoped('subType', input.subType, store.boardSubTypes.list());
  const item = boardScoped('item', input.item, store.boardItems.list());
  const team = boardScoped('team', input.team, store.boardTeams.list());
  if (subType && type && subType.typeAssociationIds && subType.typeAssociationIds.length > 0 && !subType.typeAssociationIds.includes(type.id)) {
    err('subType', `Sub type '${subType.name}' is not associated with type '${type.name}'.`);
  }

  let contact;
  if (!isEmptyRef(input.contact)) {
    contact = findByRef(input.contact, store.contacts.list());
    if (!contact) err('contact', `Contact ${describeRef(input.contact)} was not found.`);
    else if (company && contact.company?.id !== company.id) {
      err('contact', `Contact ${contact.id} does not belong to company '${company.name}'.`);
    }
  } else if (creating && input.contactEmailLookup && company) {
    const wanted = input.contactEmailLookup.toLowerCase();
    contact = store.contacts.find(
      (c) =>
        c.company?.id === company.id &&
        (c.communicationItems ?? []).some((i) => i.communicationType === 'Email' && i.value?.toLowerCase() === wanted),
    );
  }

  let owner;
  if (!isEmptyRef(input.owner)) {
    owner = findByRef(input.owner, store.members.list());
    if (!owner) err('owner', `Member ${describeRef(input.owner)} was not found.`);
    else if (owner.inactiveFlag === true) err('owner', `Member '${owner.identifier}' is inactive.`);
  }

  let source;
  if (!isEmptyRef(input.source)) {
    source = findByRef(input.source, store.sources.list());
    if (!source) err('source', `Source ${describeRef(input.source)} was not found.`);
  } else if (creating) {
    source = store.sources.find((s) => s.defaultFlag === true);
  }

  const impact = input.impact ?? 'Medium';
  const severity = input.severity ?? 'Medium';
  let priority;
  if (!isEmptyRef(input.priority) && !(patched.size > 0 && !patched.has('priority') && (patched.has('impact') || patched.has('severity')))) {
    priority = findByRef(input.priority, store.priorities.list());
    if (!priority) err('priority', `Priority ${describeRef(input.priority)} was not found.`);
  } else {
    priority = priorityFromMatrix(ctx, impact, severity) ?? defaultPriority(ctx);
  }

  if (errors.length > 0) throw invalidObject('ticket', errors);

  const contactFields =
    contact === undefined
      ? {}
      : {
          contactName: input.contactName ?? refs.contact(contact).name,
          contactPhoneNumber: input.contactPhoneNumber ?? defaultPhone(ctx, contact.id),
          contactEmailAddress: input.contactEmailAddress ?? defaultEmail(ctx, contact.id),
        };
  const sla = ctx.store.slas.find((s) => s.defaultFlag === true);
  return compact<JsonObject>({
    summary: input.summary,
    recordType: 'ServiceTicket',
    board: board ? refs.board(board) : undefined,
    status: status ? refs.status(status) : undefined,
    company: company ? refs.company(company) : undefined,
    site: company?.site,
    siteName: input.siteName ?? (company?.site as { name?: string } | undefined)?.name,
    addressLine1: input.addressLine1 ?? (company?.addressLine1 as string | undefined),
    addressLine2: input.addressLine2 ?? (company?.addressLine2 as string | undefined),
    city: input.city ?? (company?.city as string | undefined),
    stateIdentifier: input.stateIdentifier ?? (company?.state as string | undefined),
    zip: input.zip ?? (company?.zip as string | undefined),
    country: company?.country,
    contact: contact ? refs.contact(contact) : undefined,
    contactName: input.contactName ?? undefined,
    contactPhoneNumber: input.contactPhoneNumber ?? undefined,
    contactPhoneExtension: input.contactPhoneExtension ?? undefined,
    contactEmailAddress: input.contactEmailAddress ?? undefined,
    ...compact(contactFields),
    type: type ? refs.boardChild('types', type) : undefined,
    subType: subType ? refs.boardChild('subtypes', subType) : undefined,
    item: item ? refs.boardChild('items', item) : undefined,
    team: team ? refs.boardChild('teams', team) : undefined,
    owner: owner ? refs.member(owner) : undefined,
    priority: priority ? refs.priority(priority) : undefined,
    source: source ? refs.source(source) : undefined,
    requiredDate: input.requiredDate ?? undefined,
    budgetHours: input.budgetHours ?? undefined,
    severity,
    impact,
    externalXRef: input.externalXRef ?? undefined,
    poNumber: input.poNumber ?? undefined,
    allowAllClientsPortalView: input.allowAllClientsPortalView ?? false,
    customerUpdatedFlag: input.customerUpdatedFlag ?? false,
    automaticEmailContactFlag: input.automaticEmailContactFlag ?? false,
    automaticEmailResourceFlag: input.automaticEmailResourceFlag ?? false,
    automaticEmailCcFlag: input.automaticEmailCcFlag ?? false,
    automaticEmailCc: input.automaticEmailCc ?? undefined,
    integratorTags: input.integratorTags ?? undefined,
    sla: sla ? refs.sla(sla) : undefined,
  }) as TicketFields;
}

function ticketInfo(ctx: SimContext, id: number, enteredAt: string, enteredBy: string, updatedAt: string, updatedBy: string) {
  const base = `/service/tickets/${id}`;
  return {
    lastUpdated: updatedAt,
    updatedBy,
    dateEntered: enteredAt,
    enteredBy,
    activities_href: ctx.refs.href(`/sales/activities?conditions=ticket/id=${id}`),
    scheduleentries_href: ctx.refs.href(`/schedule/entries?conditions=type/id='S' AND objectId=${id}`),
    documents_href: ctx.refs.href(`/system/documents?recordType=Ticket&recordId=${id}`),
    configurations_href: ctx.refs.href(`${base}/configurations`),
    notes_href: ctx.refs.href(`${base}/notes`),
    timeentries_href: ctx.refs.href(`/time/entries?conditions=(chargeToType="ServiceTicket" OR chargeToType="ProjectTicket") AND chargeToId=${id}`),
  };
}

export function closedFields(ctx: SimContext, fields: JsonObject, previous: SimTicket | undefined, member: SimMember, now: string): JsonObject {
  const statusId = (fields.status as { id?: number } | undefined)?.id;
  const closed = statusId !== undefined && ctx.store.boardStatuses.get(statusId)?.closedStatus === true;
  if (!closed) return { closedFlag: false };
  if (previous?.closedFlag === true) {
    return compact({ closedFlag: true, closedDate: previous.closedDate as string | undefined, closedBy: previous.closedBy as string | undefined });
  }
  return { closedFlag: true, closedDate: now, closedBy: member.identifier };
}

export function addNote(
  ctx: SimContext,
  ticketId: number,
  input: NoteInput,
  member: SimMember,
  now: string,
): SimNote {
  const internal = input.internalAnalysisFlag === true;
  return ctx.store.ticketNotes.insert(
    compact({
      ticketId,
      text: input.text,
      detailDescriptionFlag: input.detailDescriptionFlag ?? false,
      internalAnalysisFlag: internal,
      resolutionFlag: input.resolutionFlag ?? false,
      issueFlag: input.issueFlag ?? false,
      member: ctx.refs.member(member),
      customerUpdatedFlag: input.customerUpdatedFlag ?? false,
      processNotifications: input.processNotifications ?? undefined,
      dateCreated: now,
      createdBy: member.identifier,
      internalFlag: input.internalFlag ?? internal,
      externalFlag: input.externalFlag ?? !internal,
      _info: { lastUpdated: now, updatedBy: member.identifier },
    }) as Omit<SimNote, 'id'>,
  );
}

/**
 * Creates a ticket as POST /service/tickets does; exported for demo seeding. `lastUpdated`
 * defaults to `now` (the API route passes the simulator's change clock).
 */
export function createTicket(ctx: SimContext, body: unknown, member: SimMember, now = isoSeconds(), lastUpdated = now): SimTicket {
  const input = parseBody(ticketInput, body, 'ticket');
  const fields = resolveTicketFields(ctx, input, { member, now });
  const id = ctx.store.tickets.allocateId();
  const ticket = ctx.store.tickets.insert({
    id,
    ...fields,
    ...closedFields(ctx, fields, undefined, member, now),
    approved: true,
    estimatedExpenseCost: 0,
    estimatedExpenseRevenue: 0,
    estimatedProductCost: 0,
    estimatedProductRevenue: 0,
    estimatedTimeCost: 0,
    estimatedTimeRevenue: 0,
    actualHours: 0,
    billTime: 'NoDefault',
    billExpenses: 'NoDefault',
    billProducts: 'NoDefault',
    billTicketSeparately: false,
    billTicketOnlyAfterClosed: false,
    billUnapprovedTimeAndExpenses: false,
    isInSla: true,
    hasChildTicket: false,
    hasMergedChildTicketFlag: false,
    requestForChangeFlag: false,
    mobileGuid: randomUUID(),
    _info: ticketInfo(ctx, id, now, member.identifier, lastUpdated, member.identifier),
    customFields: [],
  });
  // Manage turns the POST-only initial* texts into the ticket's first notes.
  const initialNotes: [string | null | undefined, NoteInput][] = [
    [input.initialDescription, { text: '', detailDescriptionFlag: true }],
    [input.initialInternalAnalysis, { text: '', internalAnalysisFlag: true }],
    [input.initialResolution, { text: '', resolutionFlag: true }],
  ];
  for (const [noteText, flags] of initialNotes) {
    if (noteText) addNote(ctx, id, { ...flags, text: noteText }, member, now);
  }
  return ticket;
}

export function ticketOr404(ctx: SimContext, raw: string | undefined): SimTicket {
  return recordOr404(ctx.store.tickets, raw, 'Ticket');
}

/**
 * Stores `next` (a changed copy of a ticket) with `_info.lastUpdated` from the change clock
 * and `_info.updatedBy` = the member who changed it.
 */
export function saveTicketChange(ctx: SimContext, next: SimTicket, member: SimMember): SimTicket {
  const info = (next._info ?? {}) as Record<string, string>;
  next._info = { ...info, lastUpdated: ctx.changeTime(info.lastUpdated), updatedBy: member.identifier };
  return ctx.store.tickets.replace(next);
}

function setPath(target: JsonObject, path: string[], value: unknown): void {
  let node: JsonObject = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[path[path.length - 1]!] = value;
}

function removePath(target: JsonObject, path: string[]): void {
  let node: unknown = target;
  for (let i = 0; i < path.length - 1; i++) {
    node = (node as JsonObject | undefined)?.[path[i]!];
    if (node === null || typeof node !== 'object') return;
  }
  delete (node as JsonObject)[path[path.length - 1]!];
}

function patchTicket(ctx: SimContext, ticket: SimTicket, body: unknown, member: SimMember): SimTicket {
  const parsed = patchInput.safeParse(body);
  if (!parsed.success) {
    throw badRequest('The patch body must be an array of operations like [{"op":"replace","path":"summary","value":"..."}]');
  }
  const input: JsonObject = {};
  for (const key of PATCHABLE.values()) {
    if (ticket[key] !== undefined) input[key] = structuredClone(ticket[key]);
  }
  const patchedKeys = new Set<string>();
  const errors: ManageFieldError[] = [];
  for (const operation of parsed.data) {
    const segments = operation.path.replace(/^\//, '').split('/').filter((s) => s.length > 0);
    const canonical = PATCHABLE.get((segments[0] ?? '').toLowerCase());
    if (!canonical) {
      errors.push(fieldError('ticket', operation.path, 'InvalidField', `Cannot patch '${operation.path}': not a writable ticket field.`));
      continue;
    }
    const path = [canonical, ...segments.slice(1)];
    const op = operation.op.toLowerCase();
    if (op === 'replace' || op === 'add') {
      // Replacing a reference by id drops the stale name so the id decides.
      if (path.length === 2 && path[1] === 'id' && input[canonical] && typeof input[canonical] === 'object') {
        input[canonical] = { id: operation.value };
      } else {
        setPath(input, path, operation.value);
      }
    } else if (op === 'remove') {
      removePath(input, path);
    } else {
      errors.push(fieldError('ticket', operation.path, 'InvalidField', `Unsupported patch op '${operation.op}'.`));
      continue;
    }
    patchedKeys.add(canonical);
  }
  if (errors.length > 0) throw invalidObject('ticket', errors);
  // A reference replaced with {id} must be resolved by that id alone.
  for (const key of REFERENCE_FIELDS) {
    const value = input[key];
    if (patchedKeys.has(key) && value && typeof value === 'object' && 'id' in value && (value as { id: unknown }).id != null) {
      input[key] = { id: (value as { id: unknown }).id };
    }
  }
  const validated = parseBody(ticketInput, input, 'ticket');
  const now = isoSeconds();
  const fields = resolveTicketFields(ctx, validated, { existing: ticket, patchedKeys, member, now });
  const next: SimTicket = { ...ticket };
  for (const key of PATCHABLE.values()) delete next[key];
  for (const key of ['site', 'country', 'sla', 'recordType']) delete next[key];
  Object.assign(next, fields);
  delete next.closedDate;
  delete next.closedBy;
  Object.assign(next, closedFields(ctx, fields, ticket, member, now));
  return saveTicketChange(ctx, next, member);
}

function linkConfiguration(ctx: SimContext, ticket: SimTicket, body: unknown) {
  const input = parseBody(configurationLinkInput, body, 'configuration');
  let configuration;
  if (input.id != null) {
    configuration = ctx.store.configurations.get(input.id);
  } else if (input.deviceIdentifier) {
    const wanted = input.deviceIdentifier.toLowerCase();
    configuration =
      ctx.store.configurations.find((c) => c.deviceIdentifier?.toLowerCase() === wanted) ??
      ctx.store.configurations.find((c) => c.name.toLowerCase() === wanted);
  } else {
    throw invalidObject('configuration', [
      fieldError('configuration', 'id', 'MissingRequiredField', 'id or deviceIdentifier is required.'),
    ]);
  }
  if (!configuration) {
    throw invalidObject('configuration', [
      fieldError('configuration', input.id != null ? 'id' : 'deviceIdentifier', 'InvalidField', 'Configuration was not found.'),
    ]);
  }
  const configurationId = configuration.id;
  // Unverified: Manage's exact answer to linking the same configuration twice.
  if (ctx.store.ticketConfigurations.find((l) => l.ticketId === ticket.id && l.configurationId === configurationId)) {
    throw invalidObject('configuration', [
      fieldError('configuration', 'id', 'ObjectExists', `Configuration ${configurationId} is already attached to ticket ${ticket.id}.`),
    ]);
  }
  ctx.store.ticketConfigurations.insert({ ticketId: ticket.id, configurationId });
  return ctx.refs.configuration(configuration);
}

function listTicketConfigurations(ctx: SimContext, req: RouteRequest, ticket: SimTicket) {
  const refs = ctx.store.ticketConfigurations
    .filter((link) => link.ticketId === ticket.id)
    .flatMap((link) => {
      const configuration = ctx.store.configurations.get(link.configurationId);
      return configuration ? [ctx.refs.configuration(configuration)] : [];
    });
  return listRecords(ctx, req, refs);
}

export const ticketRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/service/tickets',
    body: 'none',
    handler: (ctx, req) => listRecords(ctx, req, ctx.store.tickets.list()),
  },
  {
    method: 'POST',
    path: '/service/tickets',
    body: 'json',
    handler: (ctx, req) => ({ status: 201, body: createTicket(ctx, req.body, req.member, isoSeconds(), ctx.changeTime()) }),
  },
  {
    method: 'GET',
    path: '/service/tickets/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: ticketOr404(ctx, req.params.id) }),
  },
  {
    method: 'PATCH',
    path: '/service/tickets/{id}',
    body: 'json',
    handler: (ctx, req) => ({ status: 200, body: patchTicket(ctx, ticketOr404(ctx, req.params.id), req.body, req.member) }),
  },
  {
    method: 'GET',
    path: '/service/tickets/{parentId}/configurations',
    body: 'none',
    handler: (ctx, req) => listTicketConfigurations(ctx, req, ticketOr404(ctx, req.params.parentId)),
  },
  {
    method: 'POST',
    path: '/service/tickets/{parentId}/configurations',
    body: 'json',
    handler: (ctx, req) => ({ status: 201, body: linkConfiguration(ctx, ticketOr404(ctx, req.params.parentId), req.body) }),
  },
  {
    method: 'GET',
    path: '/service/tickets/{parentId}/notes',
    body: 'none',
    handler: (ctx, req) => {
      const ticket = ticketOr404(ctx, req.params.parentId);
      return listRecords(ctx, req, ctx.store.ticketNotes.filter((note) => note.ticketId === ticket.id));
    },
  },
  {
    method: 'POST',
    path: '/service/tickets/{parentId}/notes',
    body: 'json',
    handler: (ctx, req) => {
      const ticket = ticketOr404(ctx, req.params.parentId);
      const input = parseBody(noteInput, req.body, 'serviceNote');
      if (!input.detailDescriptionFlag && !input.internalAnalysisFlag && !input.resolutionFlag) {
        throw invalidObject('serviceNote', [
          fieldError('serviceNote', NOTE_DISPLAY_ERROR.field, NOTE_DISPLAY_ERROR.code, NOTE_DISPLAY_ERROR.message),
        ]);
      }
      const note = addNote(ctx, ticket.id, input, req.member, isoSeconds());
      // A note is a change to its ticket (lastUpdated/updatedBy; the ticket callback fires).
      saveTicketChange(ctx, { ...ticket }, req.member);
      return { status: 201, body: note };
    },
  },
];

