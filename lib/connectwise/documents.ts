import 'server-only';
import { FormData } from 'undici';
import { z } from 'zod';
import type { ManageClient } from './client';
import { listAll, parseManageData } from './parsing';
import type { ManageDocument } from './types';

const documentSchema = z.object({
  id: z.number(),
  title: z.string().nullish(),
  fileName: z.string().nullish(),
  size: z.number().nullish(),
  publicFlag: z.boolean().nullish(),
  imageFlag: z.boolean().nullish(),
});

function toDocument(raw: z.output<typeof documentSchema>): ManageDocument {
  return {
    id: raw.id,
    title: raw.title ?? null,
    fileName: raw.fileName ?? null,
    size: raw.size ?? null,
    publicFlag: raw.publicFlag ?? null,
    imageFlag: raw.imageFlag ?? false,
  };
}

export type UploadTicketDocumentInput = {
  ticketId: number;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  title?: string;
  /** Hide the document from the customer portal. */
  privateFlag?: boolean;
};

/** Keeps only the last path segment and drops control characters a header cannot carry. */
function cleanFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return clean === '' ? 'attachment' : clean;
}

/** Uploads a file to a ticket as multipart/form-data with the form fields of DocumentFormData. */
export async function uploadTicketDocument(client: ManageClient, input: UploadTicketDocumentInput): Promise<ManageDocument> {
  const filename = cleanFilename(input.filename);
  const form = new FormData();
  // Blob copies the bytes; any ArrayBufferView is accepted at run time.
  form.append('file', new Blob([input.bytes as BlobPart], { type: input.contentType }), filename);
  form.append('recordType', 'Ticket');
  form.append('recordId', String(input.ticketId));
  form.append('title', input.title?.trim() || filename);
  form.append('privateFlag', input.privateFlag === true ? 'true' : 'false');
  const path = '/system/documents';
  const res = await client.request({ method: 'POST', path, form });
  return toDocument(parseManageData(documentSchema, res.data, 'POST', path));
}

export async function listTicketDocuments(client: ManageClient, ticketId: number): Promise<ManageDocument[]> {
  return listAll(client, '/system/documents', documentSchema, toDocument, { recordType: 'Ticket', recordId: ticketId });
}

export async function downloadDocument(client: ManageClient, documentId: number): Promise<Uint8Array> {
  const res = await client.requestBytes({ method: 'GET', path: `/system/documents/${documentId}/download` });
  return res.data;
}
