import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { getOne, listAll } from './parsing';
import type { ManageOwnMember, ManageSecurityLevel, ManageSecurityRoleSetting } from './types';

/**
 * The API member's own security role, read the way Manage documents it: `GET /system/myMembers`
 * names the member the keys belong to and its `securityRole` (official MyMember schema), and
 * `GET /system/securityRoles/{id}/settings` lists the role's module/function levels. Either
 * call may be refused (403) when the role itself may not read roles.
 */

const ownMemberSchema = z.object({
  id: z.number(),
  identifier: z.string(),
  securityRole: z.object({ id: z.number(), name: z.string().nullish() }).nullish(),
});

// Manage's level enum; anything else (a future level) is kept out of the decision as null.
const levelSchema = z
  .string()
  .nullish()
  .transform((value): ManageSecurityLevel | null => (value === 'None' || value === 'My' || value === 'All' ? value : null));

const settingSchema = z.object({
  addLevel: levelSchema,
  editLevel: levelSchema,
  deleteLevel: levelSchema,
  inquireLevel: levelSchema,
  moduleIdentifier: z.string().nullish(),
  moduleName: z.string().nullish(),
  moduleFunctionIdentifier: z.string().nullish(),
  moduleFunctionName: z.string().nullish(),
  customFlag: z.boolean().nullish(),
});

export async function getOwnMember(client: ManageClient): Promise<ManageOwnMember> {
  return getOne(client, '/system/myMembers', ownMemberSchema, (raw) => ({
    id: raw.id,
    identifier: raw.identifier,
    securityRole: raw.securityRole ? { id: raw.securityRole.id, name: raw.securityRole.name ?? null } : null,
  }));
}

export async function listSecurityRoleSettings(client: ManageClient, roleId: number): Promise<ManageSecurityRoleSetting[]> {
  if (!Number.isInteger(roleId) || roleId < 1) throw new TypeError('A security role id is a positive integer');
  return listAll(client, `/system/securityRoles/${roleId}/settings`, settingSchema, (raw) => ({
    moduleIdentifier: raw.moduleIdentifier ?? null,
    moduleName: raw.moduleName ?? null,
    functionIdentifier: raw.moduleFunctionIdentifier ?? null,
    functionName: raw.moduleFunctionName ?? null,
    add: raw.addLevel,
    edit: raw.editLevel,
    delete: raw.deleteLevel,
    inquire: raw.inquireLevel,
    customized: raw.customFlag ?? false,
  }));
}
