import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { eq, renderCondition } from './conditions';
import { listAll } from './parsing';
import type { ManageMember } from './types';

const memberSchema = z.object({
  id: z.number(),
  identifier: z.string(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  primaryEmail: z.string().nullish(),
  officeEmail: z.string().nullish(),
  inactiveFlag: z.boolean().nullish(),
  licenseClass: z.string().nullish(),
});

function toMember(raw: z.output<typeof memberSchema>): ManageMember {
  return {
    id: raw.id,
    identifier: raw.identifier,
    firstName: raw.firstName ?? null,
    lastName: raw.lastName ?? null,
    email: raw.primaryEmail ?? raw.officeEmail ?? null,
    inactive: raw.inactiveFlag ?? false,
    licenseClass: raw.licenseClass ?? null,
  };
}

export async function listMembers(client: ManageClient): Promise<ManageMember[]> {
  return listAll(client, '/system/members', memberSchema, toMember);
}

export async function findMemberByIdentifier(client: ManageClient, identifier: string): Promise<ManageMember | null> {
  const wanted = identifier.trim();
  if (wanted === '') return null;
  const found = await listAll(client, '/system/members', memberSchema, toMember, {
    conditions: renderCondition(eq('identifier', wanted)),
  });
  return found.find((m) => m.identifier.toLowerCase() === wanted.toLowerCase()) ?? null;
}
