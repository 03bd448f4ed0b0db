import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { and, eq, renderCondition } from './conditions';
import { getOne, listAll, refSchema, writeOne } from './parsing';
import type { ManageContact } from './types';

const communicationItemSchema = z.object({
  value: z.string().nullish(),
  defaultFlag: z.boolean().nullish(),
  communicationType: z.string().nullish(),
  type: refSchema.partial().nullish(),
});

const contactSchema = z.object({
  id: z.number(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  company: refSchema.nullish(),
  inactiveFlag: z.boolean().nullish(),
  communicationItems: z.array(communicationItemSchema).nullish(),
});

function toContact(raw: z.output<typeof contactSchema>): ManageContact {
  const emails = (raw.communicationItems ?? [])
    .filter((item) => (item.communicationType ?? item.type?.name) === 'Email' && item.value)
    .sort((a, b) => Number(b.defaultFlag ?? false) - Number(a.defaultFlag ?? false))
    .map((item) => item.value as string);
  return {
    id: raw.id,
    firstName: raw.firstName ?? '',
    lastName: raw.lastName ?? '',
    companyId: raw.company?.id ?? null,
    companyName: raw.company?.name ?? null,
    emails,
    inactive: raw.inactiveFlag ?? false,
  };
}

/** Contacts with this email address (any of their email communication items). */
export async function findContactsByEmail(client: ManageClient, email: string): Promise<ManageContact[]> {
  const value = email.trim();
  if (value === '') throw new TypeError('email is required');
  return listAll(client, '/company/contacts', contactSchema, toContact, {
    childConditions: renderCondition(
      and(eq('communicationItems/value', value), eq('communicationItems/communicationType', 'Email')),
    ),
  });
}

export async function getContact(client: ManageClient, id: number): Promise<ManageContact> {
  return getOne(client, `/company/contacts/${id}`, contactSchema, toContact);
}

export type CreateContactInput = {
  firstName: string;
  lastName?: string;
  companyId: number;
  email: string;
  /** The instance's Email communication type id, when known; otherwise referenced by name. */
  emailTypeId?: number;
};

export async function createContact(client: ManageClient, input: CreateContactInput): Promise<ManageContact> {
  const firstName = input.firstName.trim();
  if (firstName === '') throw new TypeError('firstName is required');
  const email = input.email.trim();
  if (email === '') throw new TypeError('email is required');
  const body = {
    firstName,
    ...(input.lastName?.trim() ? { lastName: input.lastName.trim() } : {}),
    company: { id: input.companyId },
    communicationItems: [
      {
        type: input.emailTypeId === undefined ? { name: 'Email' } : { id: input.emailTypeId },
        value: email,
        communicationType: 'Email',
        defaultFlag: true,
      },
    ],
  };
  return writeOne(client, 'POST', '/company/contacts', body, contactSchema, toContact);
}
