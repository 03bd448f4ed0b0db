/** Documents: multipart upload attached to a record, list by record, metadata, download. */
import { randomUUID } from 'node:crypto';
import type { RouteDefinition, RouteRequest, SimContext } from '../context';
import { ManageApiError, badRequest, fieldError, invalidObject, type ManageFieldError } from '../errors';
import { listRecords } from '../listing';
import type { SimDocument } from '../store';
import { isoSeconds } from '../store';
import { parseId, recordOr404 } from '../validation';

/** Record types a document may be attached to; those we hold records for are checked. */
const RECORD_TYPES = new Map(
  ['Ticket', 'ProjectTicket', 'Company', 'Contact', 'Configuration', 'Opportunity', 'Agreement', 'Project', 'Member', 'Activity', 'PurchaseOrder', 'SalesOrder', 'Expense'].map(
    (t) => [t.toLowerCase(), t] as const,
  ),
);

const IMAGE_TYPES = /^image\/(png|jpeg|gif|bmp|webp)$/i;

export function presentDocument(doc: SimDocument) {
  const { recordType: _recordType, recordId: _recordId, content: _content, contentType: _contentType, ...info } = doc;
  return info;
}

function parseFlag(value: string | undefined): boolean | null {
  if (value === undefined || value === '') return null;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return null;
}

function recordExists(ctx: SimContext, recordType: string, recordId: number): boolean {
  switch (recordType) {
    case 'Ticket':
      return ctx.store.tickets.get(recordId) !== undefined;
    case 'Company':
      return ctx.store.companies.get(recordId) !== undefined;
    case 'Contact':
      return ctx.store.contacts.get(recordId) !== undefined;
    case 'Configuration':
      return ctx.store.configurations.get(recordId) !== undefined;
    case 'Member':
      return ctx.store.members.get(recordId) !== undefined;
    default:
      return true;
  }
}

function uploadDocument(ctx: SimContext, req: RouteRequest) {
  const form = req.multipart;
  if (!form) throw new ManageApiError(415, 'UnsupportedMediaType', 'Documents must be sent as multipart/form-data.');
  const errors: ManageFieldError[] = [];
  const err = (field: string, message: string, code: 'InvalidField' | 'MissingRequiredField' = 'InvalidField') =>
    errors.push(fieldError('document', field, code, message));

  const recordType = RECORD_TYPES.get((form.fields.recordType ?? '').toLowerCase());
  if (!form.fields.recordType) err('recordType', 'The recordType field is required.', 'MissingRequiredField');
  else if (!recordType) err('recordType', `'${form.fields.recordType}' is not a valid record type.`);
  const recordId = parseId(form.fields.recordId);
  if (form.fields.recordId === undefined) err('recordId', 'The recordId field is required.', 'MissingRequiredField');
  else if (recordId === null) err('recordId', 'recordId must be a positive integer.');
  if (recordType && recordId !== null && !recordExists(ctx, recordType, recordId)) {
    err('recordId', `${recordType} ${recordId} was not found.`);
  }
  const file = form.files.find((f) => f.field === 'file');
  const url = form.fields.url;
  if (!file && !url) err('file', 'A file (or a url) is required.', 'MissingRequiredField');
  const privateFlag = parseFlag(form.fields.privateFlag);
  if (form.fields.privateFlag !== undefined && privateFlag === null) err('privateFlag', 'privateFlag must be true or false.');
  const readOnlyRaw = form.fields.readOnlyFlay ?? form.fields.readOnlyFlag;
  const readOnly = parseFlag(readOnlyRaw);
  if (readOnlyRaw !== undefined && readOnly === null) err('readOnlyFlay', 'readOnlyFlay must be true or false.');
  const title = form.fields.title ?? file?.filename ?? url ?? '';
  if (title.length > 100) err('title', 'The field title must be a string with a maximum length of 100.');
  if (errors.length > 0 || !recordType || recordId === null) throw invalidObject('document', errors);

  const now = isoSeconds();
  const guid = randomUUID();
  const fileName = file?.filename ?? '';
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(fileName)?.[0] ?? '';
  const bytes = file?.bytes ?? Buffer.alloc(0);
  const contentType = file?.contentType || 'application/octet-stream';
  const id = ctx.store.documents.allocateId();
  const doc = ctx.store.documents.insert({
    id,
    title,
    fileName,
    serverFileName: `${guid}${extension}`,
    owner: req.member.identifier,
    linkFlag: false,
    imageFlag: IMAGE_TYPES.test(contentType),
    publicFlag: !(privateFlag ?? false),
    htmlTemplateFlag: false,
    readOnlyFlag: readOnly ?? false,
    size: bytes.length,
    urlFlag: !file && Boolean(url),
    createdOnDate: now,
    documentType: { id: 7, name: 'Document' },
    guid,
    _info: {
      lastUpdated: now,
      updatedBy: req.member.identifier,
      download_href: ctx.refs.href(`/system/documents/${id}/download`),
    },
    recordType,
    recordId,
    content: bytes,
    contentType,
  });
  return { status: 201, body: presentDocument(doc) };
}

function listDocuments(ctx: SimContext, req: RouteRequest) {
  const rawType = req.query.get('recordType');
  const rawId = req.query.get('recordId');
  const recordType = RECORD_TYPES.get((rawType ?? '').toLowerCase());
  const recordId = parseId(rawId ?? undefined);
  if (!recordType || recordId === null) {
    throw badRequest('recordType and recordId are required to list documents', [
      fieldError('document', recordType ? 'recordId' : 'recordType', 'MissingRequiredField', 'recordType and recordId are required.'),
    ]);
  }
  const docs = ctx.store.documents.filter((d) => d.recordType === recordType && d.recordId === recordId);
  return listRecords(ctx, req, docs, presentDocument);
}

export const documentRoutes: RouteDefinition[] = [
  { method: 'GET', path: '/system/documents', body: 'none', handler: listDocuments },
  { method: 'POST', path: '/system/documents', body: 'multipart', handler: uploadDocument },
  {
    method: 'GET',
    path: '/system/documents/{id}',
    body: 'none',
    handler: (ctx, req) => ({ status: 200, body: presentDocument(recordOr404(ctx.store.documents, req.params.id, 'Document')) }),
  },
  {
    method: 'GET',
    path: '/system/documents/{id}/download',
    body: 'none',
    handler: (ctx, req) => {
      const doc = recordOr404(ctx.store.documents, req.params.id, 'Document');
      const name = doc.fileName || 'download';
      // Header values must be Latin-1: an ASCII fallback plus the RFC 5987 UTF-8 form.
      const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return {
        status: 200,
        bytes: doc.content,
        contentType: 'application/octet-stream',
        headers: {
          'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        },
      };
    },
  },
];
