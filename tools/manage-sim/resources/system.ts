/** System endpoints: callbacks, hosted setups (pods/tabs), info, members, myMembers. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RouteDefinition, RouteRequest, SimContext } from '../context';
import { fieldError, invalidObject, notFound, type ManageFieldError } from '../errors';
import { listRecords } from '../listing';
import { memberDisplayName } from '../refs';
import { findSecurityRole, securityRoleSettings } from '../security-roles';
import type { SimCallback, SimHostedSetup, SimMember } from '../store';
import { isoSeconds } from '../store';
import { compact, flag, maxText, parseBody, parseId, recordOr404 } from '../validation';

const httpUrl = (max?: number) =>
  (max === undefined ? z.string() : z.string().max(max)).refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

const callbackInput = z.object({
  description: maxText(100),
  url: httpUrl(),
  objectId: z.number().int(),
  type: z.string().min(1),
  level: z.string().min(1),
  memberId: z.number().int().nullish(),
  payloadVersion: z.string().nullish(),
  inactiveFlag: flag,
  isSoapCallbackFlag: flag,
  isSelfSuppressedFlag: flag,
});

const hostedSetupInput = z.object({
  screenId: z.number().int().positive(),
  description: z.string().min(1).max(50),
  url: httpUrl(1024),
  type: z.enum(['Tab', 'Pod', 'ToolbarButton']),
  clientId: maxText(36),
  origin: maxText(100),
  podHeight: z.number().int().nullish(),
  toolbarButtonDialogHeight: z.number().int().nullish(),
  toolbarButtonDialogWidth: z.number().int().nullish(),
  toolbarButtonText: maxText(50),
  toolbarButtonToolTip: maxText(50),
  toolbarButtonIconDocumentId: z.number().int().nullish(),
  disabledFlag: flag,
  locationIds: z.array(z.number().int()).nullish(),
  locationsEnabledFlag: flag,
});

/** Drops null/undefined so records hold only what was set (Manage omits unset fields). */
function present<T extends Record<string, unknown>>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

function validateCallback(ctx: SimContext, req: RouteRequest) {
  const input = parseBody(callbackInput, req.body, 'callbackEntry');
  const errors: ManageFieldError[] = [];
  if (input.type.toLowerCase() === 'ticket' && input.level.toLowerCase() === 'board' && !ctx.store.boards.get(input.objectId)) {
    errors.push(fieldError('callbackEntry', 'objectId', 'InvalidField', `Board ${input.objectId} was not found.`));
  }
  if (input.memberId != null && !ctx.store.members.get(input.memberId)) {
    errors.push(fieldError('callbackEntry', 'memberId', 'InvalidField', `Member ${input.memberId} was not found.`));
  }
  if (errors.length > 0) throw invalidObject('callbackEntry', errors);
  return {
    ...present(input),
    memberId: input.memberId ?? req.member.id,
    inactiveFlag: input.inactiveFlag ?? false,
    isSoapCallbackFlag: input.isSoapCallbackFlag ?? false,
    isSelfSuppressedFlag: input.isSelfSuppressedFlag ?? false,
  };
}

function validateHostedSetup(req: RouteRequest) {
  const input = parseBody(hostedSetupInput, req.body, 'connectWiseHostedSetup');
  if (input.type === 'ToolbarButton' && !input.toolbarButtonText) {
    throw invalidObject('connectWiseHostedSetup', [
      fieldError('connectWiseHostedSetup', 'toolbarButtonText', 'MissingRequiredField', 'toolbarButtonText is required for a ToolbarButton.'),
    ]);
  }
  // "clientId: only required if not already set": Manage takes the integration's clientId from the call.
  const header = req.headers.clientid;
  const clientId = input.clientId ?? (Array.isArray(header) ? header[0] : header);
  return { ...present(input), ...(clientId ? { clientId } : {}), disabledFlag: input.disabledFlag ?? false };
}

/**
 * The screens a pod or tab can be hosted on (`GET /system/connectWiseHostedScreens`, not in the
 * official subset). Built into Manage, not data, so every seed has them. Shape from the public
 * client libraries (`id`, `screenId` as a string, `name`); the ids and names are believable, not
 * copied from a live Manage. A hosted setup's `screenId` is a screen's `id`.
 */
export const HOSTED_SCREENS: readonly { id: number; screenId: string; name: string }[] = [
  { id: 1, screenId: 'activity', name: 'Activity' },
  { id: 2, screenId: 'agreement', name: 'Agreement' },
  { id: 3, screenId: 'company', name: 'Company' },
  { id: 4, screenId: 'configuration', name: 'Configuration' },
  { id: 5, screenId: 'contact', name: 'Contact' },
  { id: 6, screenId: 'invoice', name: 'Invoice' },
  { id: 7, screenId: 'opportunity', name: 'Opportunity' },
  { id: 8, screenId: 'project', name: 'Project' },
  { id: 9, screenId: 'projectTicket', name: 'Project Ticket' },
  { id: 10, screenId: 'purchaseOrder', name: 'Purchase Order' },
  { id: 11, screenId: 'ticket', name: 'Service Ticket' },
  { id: 12, screenId: 'timeEntry', name: 'Time Entry' },
];

function writeInfo(member: SimMember, now: string) {
  return { lastUpdated: now, updatedBy: member.identifier };
}

function myMember(member: SimMember) {
  const allowed = new Set([
    'id', 'identifier', 'firstName', 'middleInitial', 'lastName', 'title', 'licenseClass', 'disableOnlineFlag',
    'enableMobileFlag', 'type', 'timeZone', 'country', 'serviceBoardTeamIds', 'enableMobileGpsFlag', 'inactiveDate',
    'inactiveFlag', 'lastLogin', 'officeEmail', 'officePhone', 'officeExtension', 'mobileEmail', 'mobilePhone',
    'defaultEmail', 'defaultPhone', 'securityRole', 'adminFlag', 'defaultLocation', 'defaultDepartment', 'reportsTo',
    'workRole', 'workType', 'dailyCapacity', 'hireDate', 'serviceDefaultLocation', 'serviceDefaultDepartment',
    'serviceDefaultBoard', 'excludedServiceBoardIds', 'requireTimeSheetEntryFlag', 'requireExpenseEntryFlag', '_info',
  ]);
  return Object.fromEntries(Object.entries(member).filter(([key]) => allowed.has(key)));
}

function myMemberInfo(member: SimMember) {
  return compact({
    id: member.id,
    identifier: member.identifier,
    firstName: member.firstName,
    lastName: member.lastName,
    fullName: memberDisplayName(member),
    defaultEmail: member.officeEmail,
    licenseClass: member.licenseClass,
    inactiveFlag: member.inactiveFlag ?? false,
    timeZone: member.timeZone,
    defaultLocation: member.defaultLocation,
    defaultDepartment: member.defaultDepartment,
    workRole: member.workRole,
    dailyCapacity: member.dailyCapacity,
    serviceDefaultBoard: member.serviceDefaultBoard,
    excludedServiceBoardIds: member.excludedServiceBoardIds ?? [],
    ssoSessionFlag: false,
    _info: member._info,
  });
}

export const systemRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/system/callbacks', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.callbacks.list()) },
  {
    method: 'POST',
    path: '/system/callbacks',
    body: 'json',
    handler: (ctx, req) => {
      const now = isoSeconds();
      const record = ctx.store.callbacks.insert({
        ...validateCallback(ctx, req),
        connectWiseID: randomUUID(),
        _info: writeInfo(req.member, now),
      } as Omit<SimCallback, 'id'>);
      return { status: 201, body: record };
    },
  },
  {
    method: 'GET',
    path: '/system/callbacks/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.callbacks, req.params.id, 'Callback') }),
  },
  {
    method: 'PUT',
    path: '/system/callbacks/{id}',
    body: 'json',
    handler: (ctx, req) => {
      const existing = recordOr404(ctx.store.callbacks, req.params.id, 'Callback');
      const record = ctx.store.callbacks.replace({
        ...validateCallback(ctx, req),
        id: existing.id,
        connectWiseID: existing.connectWiseID,
        _info: writeInfo(req.member, isoSeconds()),
      } as SimCallback);
      return { status: 200, body: record };
    },
  },
  {
    method: 'DELETE',
    path: '/system/callbacks/{id}',
    body: 'none',
    handler: (ctx, req) => {
      ctx.store.callbacks.delete(recordOr404(ctx.store.callbacks, req.params.id, 'Callback').id);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/system/connectwisehostedsetups',
    body: 'none',
    handler: (ctx, req) => listRecords(ctx, req, ctx.store.hostedSetups.list()),
  },
  {
    method: 'POST',
    path: '/system/connectwisehostedsetups',
    body: 'json',
    handler: (ctx, req) => {
      const now = isoSeconds();
      const record = ctx.store.hostedSetups.insert({
        ...validateHostedSetup(req),
        createdBy: req.member.identifier,
        dateCreated: now,
        connectWiseId: randomUUID(),
        _info: writeInfo(req.member, now),
      } as Omit<SimHostedSetup, 'id'>);
      return { status: 201, body: record };
    },
  },
  {
    method: 'GET',
    path: '/system/connectwisehostedsetups/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.hostedSetups, req.params.id, 'ConnectWiseHostedSetup') }),
  },
  {
    method: 'PUT',
    path: '/system/connectwisehostedsetups/{id}',
    body: 'json',
    handler: (ctx, req) => {
      const existing = recordOr404(ctx.store.hostedSetups, req.params.id, 'ConnectWiseHostedSetup');
      const record = ctx.store.hostedSetups.replace({
        ...validateHostedSetup(req),
        id: existing.id,
        createdBy: existing.createdBy,
        dateCreated: existing.dateCreated,
        connectWiseId: existing.connectWiseId,
        _info: writeInfo(req.member, isoSeconds()),
      } as SimHostedSetup);
      return { status: 200, body: record };
    },
  },
  {
    method: 'DELETE',
    path: '/system/connectwisehostedsetups/{id}',
    body: 'none',
    handler: (ctx, req) => {
      ctx.store.hostedSetups.delete(recordOr404(ctx.store.hostedSetups, req.params.id, 'ConnectWiseHostedSetup').id);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/system/connectWiseHostedScreens',
    body: 'none',
    handler: (ctx, req) => listRecords(ctx, req, HOSTED_SCREENS.map((screen) => ({ ...screen }))),
  },
  { method: 'GET', path: '/system/info', body: 'none', handler: (ctx) => ({ status: 200, body: ctx.store.settings.systemInfo }) },
  { method: 'GET', path: '/system/members', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.members.list()) },
  {
    method: 'GET',
    path: '/system/members/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.members, req.params.id, 'Member') }),
  },
  {
    method: 'GET',
    path: '/system/securityRoles/{parentId}/settings',
    body: 'none',
    handler: (ctx, req) => {
      const id = parseId(req.params.parentId);
      const role = id === null ? undefined : findSecurityRole(id);
      if (!role) throw notFound(`SecurityRole ${req.params.parentId ?? ''} not found`);
      return listRecords(ctx, req, securityRoleSettings(ctx, role));
    },
  },
  { method: 'GET', path: '/system/myMembers', body: 'none', handler: (_ctx, req) => ({ status: 200, body: myMember(req.member) }) },
  { method: 'GET', path: '/system/myMembers/info', body: 'none', handler: (_ctx, req) => ({ status: 200, body: myMemberInfo(req.member) }) },
];
