/** Companies (+ statuses, types), contacts and configurations. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RouteDefinition, RouteRequest, SimContext } from '../context';
import { fieldError, invalidObject, type ManageFieldError } from '../errors';
import { listRecords } from '../listing';
import type { SimCollection, SimCompany, SimContact, SimMember, SimNamed } from '../store';
import { isoSeconds } from '../store';
import { compact, describeRef, findByRef, flag, isEmptyRef, maxText, parseBody, recordOr404, refInput, text } from '../validation';

const companyInput = z.object({
  identifier: z.string().min(1).max(156),
  name: z.string().min(1).max(156),
  status: refInput.nullish(),
  addressLine1: maxText(50),
  addressLine2: maxText(50),
  city: maxText(50),
  state: maxText(50),
  zip: maxText(12),
  country: refInput.nullish(),
  phoneNumber: maxText(30),
  faxNumber: maxText(30),
  website: maxText(1024),
  accountNumber: text,
  leadSource: maxText(50),
  leadFlag: flag,
  unsubscribeFlag: flag,
  isVendorFlag: flag,
  numberOfEmployees: z.number().int().nullish(),
  types: z.array(refInput).nullish(),
  site: z.object({ name: z.string().nullish() }).nullish(),
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`userDefinedField${i + 1}`, maxText(50)])),
});

const communicationItemInput = z.object({
  type: refInput,
  value: z.string().min(1).max(250),
  extension: maxText(15),
  defaultFlag: flag,
  communicationType: z.enum(['Email', 'Fax', 'Phone']).nullish(),
});

const contactInput = z.object({
  // Not marked required in the OpenAPI document, but Manage refuses a contact without it.
  firstName: z.string().min(1).max(30),
  lastName: maxText(60),
  company: refInput.nullish(),
  addressLine1: maxText(50),
  addressLine2: maxText(50),
  city: maxText(50),
  state: maxText(50),
  zip: maxText(12),
  title: maxText(100),
  inactiveFlag: flag,
  defaultFlag: flag,
  disablePortalLoginFlag: flag,
  unsubscribeFlag: flag,
  communicationItems: z.array(communicationItemInput).nullish(),
  ignoreDuplicates: flag,
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`userDefinedField${i + 1}`, maxText(50)])),
});

const namedInput = z.object({
  name: z.string().min(1).max(50),
  defaultFlag: flag,
  inactiveFlag: flag,
  notifyFlag: flag,
  disallowSavingFlag: flag,
  notificationMessage: maxText(500),
  customNoteFlag: flag,
  cancelOpenTracksFlag: flag,
  vendorFlag: flag,
  serviceAlertFlag: flag,
  serviceAlertMessage: maxText(150),
});

const UNITED_STATES = { id: 1, identifier: 'US', name: 'United States' };
const EMAIL = /^[^\s@"]+@[^\s@"]+\.[^\s@"]+$/;

function info(member: SimMember, now: string, extra: Record<string, string> = {}): Record<string, string> {
  return { lastUpdated: now, updatedBy: member.identifier, dateEntered: now, enteredBy: member.identifier, ...extra };
}

function createCompany(ctx: SimContext, req: RouteRequest) {
  const { store, refs } = ctx;
  const input = parseBody(companyInput, req.body, 'company');
  const errors: ManageFieldError[] = [];
  const err = (field: string, message: string, code: 'InvalidField' | 'MissingRequiredField' | 'ObjectExists' = 'InvalidField') =>
    errors.push(fieldError('company', field, code, message));
  const wanted = input.identifier.toLowerCase();
  if (store.companies.find((c) => c.identifier.toLowerCase() === wanted)) {
    err('identifier', `A company with identifier '${input.identifier}' already exists.`, 'ObjectExists');
  }
  // The contract: "at least one address field is required -- addressLine1, addressLine2, city, state, zip and/or country".
  const addressFields = [input.addressLine1, input.addressLine2, input.city, input.state, input.zip];
  if (!addressFields.some((value) => value) && isEmptyRef(input.country)) {
    err(
      'addressLine1',
      'At least one address field is required -- addressLine1, addressLine2, city, state, zip and/or country.',
      'MissingRequiredField',
    );
  }
  let status = store.companyStatuses.find((s) => s.defaultFlag === true);
  if (!isEmptyRef(input.status)) {
    status = findByRef(input.status, store.companyStatuses.list());
    if (!status) err('status', `Company status ${describeRef(input.status)} was not found.`);
  }
  const types: SimNamed[] = [];
  for (const [index, ref] of (input.types ?? []).entries()) {
    const type = findByRef(ref, store.companyTypes.list());
    if (type) types.push(type);
    else err(`types/${index}`, `Company type ${describeRef(ref)} was not found.`);
  }
  if (types.length === 0) {
    const fallback = store.companyTypes.find((t) => t.defaultFlag === true);
    if (fallback) types.push(fallback);
  }
  if (errors.length > 0) throw invalidObject('company', errors);

  const now = isoSeconds();
  const id = store.companies.allocateId();
  const userFields = Object.fromEntries(Object.entries(input).filter(([key]) => key.startsWith('userDefinedField')));
  const company = store.companies.insert(
    compact({
      id,
      identifier: input.identifier,
      name: input.name,
      status: status ? refs.named(status) : undefined,
      addressLine1: input.addressLine1 ?? undefined,
      addressLine2: input.addressLine2 ?? undefined,
      city: input.city ?? undefined,
      state: input.state ?? undefined,
      zip: input.zip ?? undefined,
      country: isEmptyRef(input.country) || input.country.id === 1 ? UNITED_STATES : { id: input.country.id ?? undefined, name: input.country.name ?? undefined },
      phoneNumber: input.phoneNumber ?? undefined,
      faxNumber: input.faxNumber ?? undefined,
      website: input.website ?? undefined,
      accountNumber: input.accountNumber ?? undefined,
      leadSource: input.leadSource ?? undefined,
      numberOfEmployees: input.numberOfEmployees ?? undefined,
      dateAcquired: now,
      leadFlag: input.leadFlag ?? false,
      unsubscribeFlag: input.unsubscribeFlag ?? false,
      deletedFlag: false,
      mobileGuid: randomUUID(),
      isVendorFlag: input.isVendorFlag ?? false,
      types: types.map((t) => refs.named(t)),
      site: { id: 1000 + id, name: input.site?.name ?? 'Main' },
      ...compact(userFields),
      _info: info(req.member, now, { contacts_href: refs.href(`/company/contacts?conditions=company/id=${id}`) }),
      customFields: [],
    }) as SimCompany,
  );
  return { status: 201, body: company };
}

function createContact(ctx: SimContext, req: RouteRequest) {
  const { store, refs } = ctx;
  const input = parseBody(contactInput, req.body, 'contact');
  const errors: ManageFieldError[] = [];
  const err = (field: string, message: string) => errors.push(fieldError('contact', field, 'InvalidField', message));
  let company;
  if (!isEmptyRef(input.company)) {
    company = findByRef(input.company, store.companies.list());
    if (!company) err('company', `Company ${describeRef(input.company)} was not found.`);
  }
  const items: NonNullable<SimContact['communicationItems']> = [];
  for (const [index, item] of (input.communicationItems ?? []).entries()) {
    const type = findByRef(item.type, store.communicationTypes.list());
    if (!type) {
      err(`communicationItems/${index}/type`, `Communication type ${describeRef(item.type)} was not found.`);
      continue;
    }
    if (type.communicationType === 'Email' && !EMAIL.test(item.value)) {
      err(`communicationItems/${index}/value`, `'${item.value}' is not a valid email address.`);
      continue;
    }
    items.push(
      compact({
        id: store.settings.nextCommunicationItemId++,
        type: refs.named(type),
        value: item.value,
        extension: item.extension ?? undefined,
        defaultFlag: item.defaultFlag ?? false,
        communicationType: type.communicationType,
      }),
    );
  }
  // Manage keeps exactly one default per communication kind.
  for (const kind of ['Email', 'Phone', 'Fax']) {
    const ofKind = items.filter((i) => i.communicationType === kind);
    if (ofKind.length > 0 && !ofKind.some((i) => i.defaultFlag)) ofKind[0]!.defaultFlag = true;
  }
  if (errors.length > 0) throw invalidObject('contact', errors);

  const now = isoSeconds();
  const phone = items.find((i) => i.communicationType === 'Phone' && i.defaultFlag);
  const userFields = Object.fromEntries(Object.entries(input).filter(([key]) => key.startsWith('userDefinedField')));
  const contact = store.contacts.insert(
    compact({
      firstName: input.firstName,
      lastName: input.lastName ?? undefined,
      company: company ? refs.company(company) : undefined,
      site: company?.site,
      addressLine1: input.addressLine1 ?? undefined,
      addressLine2: input.addressLine2 ?? undefined,
      city: input.city ?? undefined,
      state: input.state ?? undefined,
      zip: input.zip ?? undefined,
      title: input.title ?? undefined,
      inactiveFlag: input.inactiveFlag ?? false,
      marriedFlag: false,
      childrenFlag: false,
      disablePortalLoginFlag: input.disablePortalLoginFlag ?? false,
      unsubscribeFlag: input.unsubscribeFlag ?? false,
      mobileGuid: randomUUID(),
      defaultPhoneType: phone?.type?.name,
      defaultPhoneNbr: phone?.value,
      defaultBillingFlag: false,
      defaultFlag: input.defaultFlag ?? false,
      ...compact(userFields),
      communicationItems: items,
      types: [],
      customFields: [],
      _info: info(req.member, now, {}),
    }) as Omit<SimContact, 'id'>,
  );
  contact._info = { ...(contact._info as Record<string, string>), communications_href: refs.href(`/company/contacts/${contact.id}/communications`) };
  return { status: 201, body: contact };
}

function createNamed(
  ctx: SimContext,
  req: RouteRequest,
  collection: SimCollection<SimNamed>,
  resource: string,
) {
  const input = parseBody(namedInput, req.body, resource);
  const wanted = input.name.toLowerCase();
  if (collection.find((r) => r.name.toLowerCase() === wanted)) {
    throw invalidObject(resource, [fieldError(resource, 'name', 'ObjectExists', `'${input.name}' already exists.`)]);
  }
  const now = isoSeconds();
  const known = Object.keys(namedInput.shape);
  const fields = Object.fromEntries(known.filter((k) => k in input && (input as Record<string, unknown>)[k] != null).map((k) => [k, (input as Record<string, unknown>)[k]]));
  const record = collection.insert({
    ...fields,
    name: input.name,
    defaultFlag: input.defaultFlag ?? false,
    _info: { lastUpdated: now, updatedBy: req.member.identifier },
  } as Omit<SimNamed, 'id'>);
  return { status: 201, body: record };
}

export const companyRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/company/companies', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.companies.list()) },
  { method: 'POST', path: '/company/companies', body: 'json', handler: createCompany },
  {
    method: 'GET',
    path: '/company/companies/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.companies, req.params.id, 'Company') }),
  },
  {
    method: 'GET',
    path: '/company/companies/statuses',
    body: 'none',
    handler: (ctx, req) => listRecords(ctx, req, ctx.store.companyStatuses.list()),
  },
  {
    method: 'POST',
    path: '/company/companies/statuses',
    body: 'json',
    handler: (ctx, req) => createNamed(ctx, req, ctx.store.companyStatuses, 'companyStatus'),
  },
  {
    method: 'GET',
    path: '/company/companies/types',
    body: 'none',
    handler: (ctx, req) => listRecords(ctx, req, ctx.store.companyTypes.list()),
  },
  {
    method: 'POST',
    path: '/company/companies/types',
    body: 'json',
    handler: (ctx, req) => createNamed(ctx, req, ctx.store.companyTypes, 'companyType'),
  },
  {
    method: 'GET',
    path: '/company/configurations',
    body: 'none',
    handler: (ctx, req) => listRecords(ctx, req, ctx.store.configurations.list()),
  },
  {
    method: 'GET',
    path: '/company/configurations/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.configurations, req.params.id, 'Configuration') }),
  },
  { method: 'GET', path: '/company/contacts', body: 'none', handler: (ctx, req) => listRecords(ctx, req, ctx.store.contacts.list()) },
  { method: 'POST', path: '/company/contacts', body: 'json', handler: createContact },
  {
    method: 'GET',
    path: '/company/contacts/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: recordOr404(ctx.store.contacts, req.params.id, 'Contact') }),
  },
];

