/**
 * The API member's security role, reduced to what tests need: every permission is granted
 * unless a test denies it. Names follow Manage's security-role screen, module/function
 * (System > Security Roles > <role> > Companies > Configurations), as slugs, optionally with
 * one level: `companies/configurations` denies every level, `service-desk/service-tickets:add`
 * only the Add level. Manage checks the role before it reads the body or the record, so a
 * denied request answers 403 even when its content or record id is invalid.
 */
import { z } from 'zod';
import { FORBIDDEN_ERROR } from './constants';
import { ManageApiError } from './errors';

export const SIM_PERMISSIONS = [
  'companies/company-maintenance',
  'companies/contacts',
  'companies/configurations',
  'companies/manage-attachments',
  'service-desk/service-tickets',
  'service-desk/service-ticket-dependencies',
  'system/table-setup',
  'system/member-maintenance',
  'system/security-roles',
] as const;
export type SimPermission = (typeof SIM_PERMISSIONS)[number];
export type SimPermissionLevel = 'add' | 'edit' | 'delete' | 'inquire';
/** A permission, or a permission and one level: 'companies/contacts' or 'companies/contacts:add'. */
export type SimPermissionName = SimPermission | `${SimPermission}:${SimPermissionLevel}`;
export type SimPermissionSettings = { denied: SimPermissionName[] };

const LEVELS: readonly SimPermissionLevel[] = ['add', 'edit', 'delete', 'inquire'];
const NAME = new RegExp(`^(${SIM_PERMISSIONS.join('|').replace(/\//g, '\\/')})(:(${LEVELS.join('|')}))?$`);

export const permissionSettingsSchema = z
  .object({
    denied: z
      .array(z.string().regex(NAME, `must be one of ${SIM_PERMISSIONS.join(', ')}, optionally followed by :add, :edit, :delete or :inquire`))
      .max(100),
  })
  .strict();

const LEVEL_BY_METHOD: Record<string, SimPermissionLevel> = {
  GET: 'inquire',
  POST: 'add',
  PATCH: 'edit',
  PUT: 'edit',
  DELETE: 'delete',
};

/**
 * Which permission each route template needs; routes not listed need none the wizard checks
 * (system info, callbacks, hosted setups, the member's own record and session). Documents need two:
 * the seed names Service Ticket Dependencies for attachments, integrators report Companies >
 * Manage Attachments for uploads (unverified which one Manage enforces, so both are).
 */
function permissionsFor(method: string, template: string): SimPermission[] {
  const path = template.toLowerCase();
  if (path === '/company/companies/statuses' || path === '/company/companies/types') return ['system/table-setup'];
  if (path.startsWith('/company/companies')) return ['companies/company-maintenance'];
  if (path.startsWith('/company/contacts')) return ['companies/contacts'];
  if (path.startsWith('/company/configurations')) return ['companies/configurations'];
  if (path === '/service/tickets' || path === '/service/tickets/{id}') return ['service-desk/service-tickets'];
  if (path.startsWith('/service/tickets/')) return ['service-desk/service-ticket-dependencies'];
  if (path.startsWith('/system/documents')) {
    return method === 'GET'
      ? ['service-desk/service-ticket-dependencies']
      : ['service-desk/service-ticket-dependencies', 'companies/manage-attachments'];
  }
  if (path.startsWith('/service/')) return ['system/table-setup'];
  if (path === '/system/members' || path === '/system/members/{id}') return ['system/member-maintenance'];
  // Reading a role's settings is unverified against a live Manage: assumed to need System >
  // Security Roles (Inquire), like the role screen itself.
  if (path.startsWith('/system/securityroles')) return ['system/security-roles'];
  return [];
}

export class PermissionTable {
  private denied = new Set<string>();

  set(settings: SimPermissionSettings): void {
    const parsed = permissionSettingsSchema.parse(settings);
    this.denied = new Set(parsed.denied);
  }

  clear(): void {
    this.denied.clear();
  }

  describe(): SimPermissionSettings {
    return { denied: [...this.denied].sort() as SimPermissionName[] };
  }

  /** Whether the role (test-set denials plus `roleDenied`) grants `level` of `permission`. */
  allows(permission: SimPermission, level: SimPermissionLevel, roleDenied: readonly SimPermissionName[] = []): boolean {
    const isDenied = (name: string) => this.denied.has(name) || (roleDenied as readonly string[]).includes(name);
    return !isDenied(permission) && !isDenied(`${permission}:${level}`);
  }

  /**
   * Throws Manage's 403 when the role lacks what `method` on the route `template` needs.
   * `roleDenied` is what the calling member's own security role lacks (a pod member session).
   */
  check(method: string, template: string, roleDenied: readonly SimPermissionName[] = []): void {
    if (this.denied.size === 0 && roleDenied.length === 0) return;
    const level = LEVEL_BY_METHOD[method] ?? 'inquire';
    for (const permission of permissionsFor(method, template)) {
      if (!this.allows(permission, level, roleDenied)) throw new ManageApiError(403, FORBIDDEN_ERROR.code, FORBIDDEN_ERROR.message);
    }
  }
}
