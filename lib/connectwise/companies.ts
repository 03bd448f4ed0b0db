import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { eq, renderCondition } from './conditions';
import { getOne, listAll, refSchema, requireMaxLength, truncateText, writeOne } from './parsing';
import type { ManageCompany } from './types';

const companySchema = z.object({
  id: z.number(),
  identifier: z.string(),
  name: z.string(),
  status: refSchema.nullish(),
  deletedFlag: z.boolean().nullish(),
});

function toCompany(raw: z.output<typeof companySchema>): ManageCompany {
  return {
    id: raw.id,
    identifier: raw.identifier,
    name: raw.name,
    statusName: raw.status?.name ?? null,
    deleted: raw.deletedFlag ?? false,
  };
}

export async function findCompanyByIdentifier(client: ManageClient, identifier: string): Promise<ManageCompany | null> {
  const found = await listAll(client, '/company/companies', companySchema, toCompany, {
    conditions: renderCondition(eq('identifier', identifier)),
  });
  return found.find((c) => !c.deleted) ?? null;
}

export async function findCompaniesByName(client: ManageClient, name: string): Promise<ManageCompany[]> {
  const found = await listAll(client, '/company/companies', companySchema, toCompany, {
    conditions: renderCondition(eq('name', name)),
  });
  return found.filter((c) => !c.deleted);
}

export async function getCompany(client: ManageClient, id: number): Promise<ManageCompany> {
  return getOne(client, `/company/companies/${id}`, companySchema, toCompany);
}

export type CreateCompanyInput = {
  /** Manage's short unique id for the company (max 156; not cut, since it is an identity). */
  identifier: string;
  name: string;
  /**
   * The contract asks for at least one address field; some Manage servers (and the
   * simulator) insist on addressLine1 in particular, so it is always required here.
   */
  address: { line1: string; line2?: string; city?: string; state?: string; zip?: string };
};

export async function createCompany(client: ManageClient, input: CreateCompanyInput): Promise<ManageCompany> {
  const identifier = requireMaxLength(input.identifier.trim(), 156, 'Company identifier');
  if (identifier === '') throw new TypeError('Company identifier is required');
  const name = truncateText(input.name.trim(), 156);
  if (name === '') throw new TypeError('Company name is required');
  const addressLine1 = input.address.line1.trim();
  if (addressLine1 === '') throw new TypeError('A company needs address line 1 (Manage requires an address)');
  const optional = {
    addressLine2: input.address.line2?.trim() || undefined,
    city: input.address.city?.trim() || undefined,
    state: input.address.state?.trim() || undefined,
    zip: input.address.zip?.trim() || undefined,
  };
  const body = { identifier, name, addressLine1, ...optional };
  for (const key of Object.keys(optional) as (keyof typeof optional)[]) if (body[key] === undefined) delete body[key];
  return writeOne(client, 'POST', '/company/companies', body, companySchema, toCompany);
}
