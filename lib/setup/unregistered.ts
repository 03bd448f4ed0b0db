import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import type { ManageClient } from '@/lib/connectwise/client';
import { createCompany, findCompaniesByName, findCompanyByIdentifier, getCompany } from '@/lib/connectwise/companies';
import { createContact, findContactsByEmail } from '@/lib/connectwise/contacts';
import type { ManageCompany, ManageContact } from '@/lib/connectwise/types';
import { recordAudit } from '@/lib/audit/audit-log';
import { loadIntakeSettings, SETTING_KEYS, unregisteredSchema, type UnregisteredCatchAll } from '@/lib/settings/intake-settings';
import { writeSetting } from '@/lib/settings/settings-store';
import type { DeskbellDatabase } from '@/lib/store/database';
import { toSetupApiError, withSetupClient } from './manage-access';
import { recordSetupCheck } from './setup-checks';

/**
 * Step 3: the catch-all company and contact that tickets from unknown email addresses go
 * to (seed step 1). Found by the contact's email first, else the company by identifier or
 * name; created only after the admin confirmed, then their ids are stored in settings.
 */

export const CATCH_ALL_COMPANY = { identifier: 'UnregisteredUsers', name: 'Unregistered Users' } as const;
export const CATCH_ALL_CONTACT = { firstName: 'Unregistered', lastName: 'User' } as const;

export type CatchAllCompany = { id: number; identifier: string; name: string; statusName: string | null };
export type CatchAllContact = { id: number; name: string; companyId: number | null; inactive: boolean };

export type CatchAllLookup = { email: string; company: CatchAllCompany | null; contact: CatchAllContact | null };

export type CatchAllState = CatchAllLookup & {
  /** Both exist and their ids are stored. */
  ok: boolean;
  /** What still needs doing, or notes worth reading, in plain words. */
  notes: string[];
  stored: UnregisteredCatchAll;
};

function toCompany(c: ManageCompany): CatchAllCompany {
  return { id: c.id, identifier: c.identifier, name: c.name, statusName: c.statusName };
}

function toContact(c: ManageContact): CatchAllContact {
  return { id: c.id, name: `${c.firstName} ${c.lastName}`.trim(), companyId: c.companyId, inactive: c.inactive };
}

/** Reads only: the contact with `email`, and the catch-all company (the contact's, else by identifier or name). */
export async function findCatchAll(client: ManageClient, email: string): Promise<CatchAllLookup> {
  const contacts = await findContactsByEmail(client, email);
  const contact = contacts.find((c) => !c.inactive && c.companyId !== null) ?? contacts[0] ?? null;
  let company: ManageCompany | null = null;
  if (contact?.companyId != null) {
    company = await getCompany(client, contact.companyId);
  } else {
    company =
      (await findCompanyByIdentifier(client, CATCH_ALL_COMPANY.identifier)) ??
      (await findCompaniesByName(client, CATCH_ALL_COMPANY.name))[0] ??
      null;
  }
  return { email, company: company && toCompany(company), contact: contact && toContact(contact) };
}

function describeState(lookup: CatchAllLookup): string[] {
  const notes: string[] = [];
  if (!lookup.company) notes.push(`No catch-all company was found (identifier "${CATCH_ALL_COMPANY.identifier}" or name "${CATCH_ALL_COMPANY.name}").`);
  if (!lookup.contact) notes.push(`No contact has the email address ${lookup.email}.`);
  if (lookup.contact?.inactive) notes.push(`The contact with ${lookup.email} is inactive: make it active in Manage (Companies > Contacts).`);
  if (lookup.company?.statusName && lookup.company.statusName.toLowerCase() !== 'active') {
    notes.push(
      `The company "${lookup.company.name}" has the status "${lookup.company.statusName}": set it to Active in Manage (Companies > Companies > ${lookup.company.name} > Status), or tickets may be refused.`,
    );
  }
  return notes;
}

async function storeIds(db: DeskbellDatabase, lookup: CatchAllLookup, actor: string, action: string, details: Record<string, unknown> = {}): Promise<UnregisteredCatchAll> {
  const value: UnregisteredCatchAll = {
    email: lookup.email,
    companyId: lookup.company?.id,
    contactId: lookup.contact?.id,
  };
  const current = (await loadIntakeSettings(db)).unregistered;
  const changed = current.email !== value.email || current.companyId !== value.companyId || current.contactId !== value.contactId;
  if (changed) {
    await writeSetting(db, SETTING_KEYS.unregistered, unregisteredSchema, value);
    await recordAudit(db, {
      actor,
      action,
      target: SETTING_KEYS.unregistered,
      details: { email: value.email, companyId: value.companyId ?? null, contactId: value.contactId ?? null, ...details },
    });
  }
  return value;
}

async function finish(db: DeskbellDatabase, lookup: CatchAllLookup, stored: UnregisteredCatchAll, extraNotes: string[] = []): Promise<CatchAllState> {
  const notes = [...extraNotes, ...describeState(lookup)];
  const ok = lookup.company !== null && lookup.contact !== null && !lookup.contact.inactive;
  await recordSetupCheck(db, 'unregistered', {
    ok,
    summary: ok ? `Catch-all contact ${lookup.email} (id ${lookup.contact?.id}) at ${lookup.company?.name} (id ${lookup.company?.id}).` : notes.join(' '),
  });
  return { ...lookup, ok, notes, stored };
}

/**
 * Looks the catch-all up live. When both exist their ids are stored (and audited) so
 * presses use exactly them; when something is missing, nothing is stored or created.
 */
export async function checkUnregisteredCatchAll(db: DeskbellDatabase, input: { email: string }, actor: string): Promise<CatchAllState> {
  let lookup: CatchAllLookup;
  try {
    lookup = await withSetupClient(db, (client) => findCatchAll(client, input.email));
  } catch (error) {
    throw toSetupApiError(error);
  }
  const current = (await loadIntakeSettings(db)).unregistered;
  const stored = lookup.company && lookup.contact ? await storeIds(db, lookup, actor, 'setup.unregistered.linked') : current;
  return finish(db, lookup, stored);
}

export type CreateCatchAllInput = {
  email: string;
  /** The admin said yes to creating records in Manage; refused without it. */
  confirm: boolean;
  /** Manage requires an address on a company: needed when the company must be created. */
  address?: { line1: string; city?: string; state?: string; zip?: string };
};

/** Creates whichever of the company and contact is missing (after confirmation), then stores their ids. */
export async function createUnregisteredCatchAll(db: DeskbellDatabase, input: CreateCatchAllInput, actor: string): Promise<CatchAllState> {
  if (input.confirm !== true) {
    throw new DeskbellApiError('bad_request', 'Confirm first: Deskbell creates records in Manage only after you say yes.', [
      { path: 'confirm', message: 'Tick the box to confirm that Deskbell may create the company and contact in Manage.' },
    ]);
  }
  const created: string[] = [];
  let lookup: CatchAllLookup;
  try {
    lookup = await withSetupClient(db, async (client) => {
      const found = await findCatchAll(client, input.email);
      let company = found.company;
      if (!company) {
        const address = input.address;
        if (!address || address.line1.trim() === '') {
          throw new DeskbellApiError('unprocessable_entity', 'Manage requires an address on the company.', [
            { path: 'address.line1', message: 'Manage requires an address: enter address line 1.' },
          ]);
        }
        company = toCompany(await createCompany(client, { identifier: CATCH_ALL_COMPANY.identifier, name: CATCH_ALL_COMPANY.name, address }));
        created.push(`company "${company.name}" (id ${company.id})`);
      }
      let contact = found.contact;
      if (!contact) {
        contact = toContact(
          await createContact(client, { firstName: CATCH_ALL_CONTACT.firstName, lastName: CATCH_ALL_CONTACT.lastName, companyId: company.id, email: input.email }),
        );
        created.push(`contact ${input.email} (id ${contact.id})`);
      }
      return { email: input.email, company, contact };
    });
  } catch (error) {
    throw toSetupApiError(error);
  }
  const stored = await storeIds(db, lookup, actor, 'setup.unregistered.created', { created });
  return finish(db, lookup, stored, created.length ? [`Created ${created.join(' and ')} in Manage.`] : ['Both already existed; nothing was created.']);
}
