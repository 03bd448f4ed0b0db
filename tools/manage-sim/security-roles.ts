/**
 * The seeded security roles and their settings, as `GET /system/securityRoles/{id}/settings`
 * answers them (official schema SecurityRoleSetting: one row per module/function with an
 * add/edit/delete/inquire level of None, My or All). The levels come from the same
 * PermissionTable that answers 403, so a permission a test denies shows as `None` in the role
 * AND is refused by the API: both ways of checking a permission see the same role.
 *
 * Module and function names follow Manage's security-role screen; the identifiers are
 * believable, NOT copied from a live Manage (ConnectWise does not publish them).
 */
import { SEED_TIME } from './constants';
import type { SimContext } from './context';
import type { PermissionTable, SimPermission, SimPermissionLevel, SimPermissionName } from './permissions';
import type { SimMember } from './store';

export const SECURITY_ROLES = {
  admin: { id: 1, name: 'Admin' },
  technician: { id: 5, name: 'Technician' },
  api: { id: 63, name: 'API Integration' },
  sales: { id: 9, name: 'Sales' },
} as const;
export type SimSecurityRole = (typeof SECURITY_ROLES)[keyof typeof SECURITY_ROLES];

/**
 * What a seeded security role lacks, on top of the test-set denials (which apply to everyone).
 * Sales sees companies but no service tickets: a pod member who may not read a ticket.
 */
const SECURITY_ROLE_DENIALS: Readonly<Record<number, readonly SimPermissionName[]>> = {
  [SECURITY_ROLES.sales.id]: ['service-desk/service-tickets', 'service-desk/service-ticket-dependencies'],
};

/** The permissions a member's security role denies (none for the seeded admin, technicians and API member). */
export function deniedByRole(member: SimMember): readonly SimPermissionName[] {
  const roleId = (member as { securityRole?: { id?: number } }).securityRole?.id;
  return roleId === undefined ? [] : (SECURITY_ROLE_DENIALS[roleId] ?? []);
}

export function findSecurityRole(id: number): SimSecurityRole | undefined {
  return Object.values(SECURITY_ROLES).find((role) => role.id === id);
}

type RoleFunction = {
  /** The permission the simulator enforces for it; null = a function no route needs. */
  permission: SimPermission | null;
  moduleIdentifier: string;
  moduleName: string;
  functionIdentifier: string;
  functionName: string;
  description: string;
  /** Whether Manage offers "My" besides None and All for this function. */
  myAllFlag: boolean;
  /** Whether the function has a customisable allow-list (Table Setup does). */
  customFlag: boolean;
};

const MODULES = {
  Company: { name: 'Companies', description: 'Companies, contacts and configurations' },
  Service: { name: 'Service Desk', description: 'Service tickets and boards' },
  System: { name: 'System', description: 'Setup and security' },
  Finance: { name: 'Finance', description: 'Invoicing and accounting' },
} as const;

function fn(
  permission: SimPermission | null,
  module: keyof typeof MODULES,
  functionIdentifier: string,
  functionName: string,
  description: string,
  flags: { my?: boolean; custom?: boolean } = {},
): RoleFunction {
  return {
    permission,
    moduleIdentifier: module,
    moduleName: MODULES[module].name,
    functionIdentifier,
    functionName,
    description,
    myAllFlag: flags.my ?? false,
    customFlag: flags.custom ?? false,
  };
}

/** In the order of Manage's security-role screen (sortOrder). */
const ROLE_FUNCTIONS: readonly RoleFunction[] = [
  fn('companies/company-maintenance', 'Company', 'CompanyMaintenance', 'Company Maintenance', 'Add, change and view companies', { my: true }),
  fn('companies/configurations', 'Company', 'Configurations', 'Configurations', 'Configurations of a company'),
  fn('companies/contacts', 'Company', 'Contacts', 'Contacts', 'Contacts of a company', { my: true }),
  fn('companies/manage-attachments', 'Company', 'ManageAttachments', 'Manage Attachments', 'Documents attached to any record'),
  fn('service-desk/service-tickets', 'Service', 'ServiceTickets', 'Service Tickets', 'Service tickets', { my: true }),
  fn('service-desk/service-ticket-dependencies', 'Service', 'ServiceTicketDependencies', 'Service Ticket - Dependencies', 'Notes, documents and configurations of a ticket'),
  fn(null, 'Finance', 'Invoicing', 'Invoicing', 'Invoices'),
  fn('system/member-maintenance', 'System', 'MemberMaintenance', 'Member Maintenance', 'Members and their settings'),
  fn('system/security-roles', 'System', 'SecurityRoles', 'Security Roles', 'Security roles and their settings'),
  fn('system/table-setup', 'System', 'TableSetup', 'Table Setup', 'Setup tables (boards, statuses, priorities, ...)', { custom: true }),
];

const LEVELS: readonly SimPermissionLevel[] = ['add', 'edit', 'delete', 'inquire'];
type Level = 'None' | 'My' | 'All';

function levelOf(role: SimSecurityRole, fnDef: RoleFunction, level: SimPermissionLevel, permissions: PermissionTable): Level {
  // A function no route enforces: only the Admin role has it, as a least-privilege MSP sets it up.
  if (fnDef.permission === null) return role.id === SECURITY_ROLES.admin.id ? 'All' : 'None';
  return permissions.allows(fnDef.permission, level, SECURITY_ROLE_DENIALS[role.id] ?? []) ? 'All' : 'None';
}

/** The role's settings rows (official SecurityRoleSetting fields only). */
export function securityRoleSettings(ctx: SimContext, role: SimSecurityRole): ({ id: number } & Record<string, unknown>)[] {
  return ROLE_FUNCTIONS.map((fnDef, index) => {
    const [addLevel, editLevel, deleteLevel, inquireLevel] = LEVELS.map((level) => levelOf(role, fnDef, level, ctx.permissions));
    return {
      id: role.id * 1000 + index + 1,
      addLevel,
      editLevel,
      deleteLevel,
      inquireLevel,
      moduleFunctionName: fnDef.functionName,
      moduleFunctionDescription: fnDef.description,
      myAllFlag: fnDef.myAllFlag,
      moduleFunctionIdentifier: fnDef.functionIdentifier,
      reportFlag: false,
      restrictFlag: false,
      customFlag: fnDef.customFlag,
      moduleDescription: MODULES[fnDef.moduleIdentifier as keyof typeof MODULES].description,
      moduleIdentifier: fnDef.moduleIdentifier,
      moduleName: fnDef.moduleName,
      sortOrder: index + 1,
      _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' },
    };
  });
}
