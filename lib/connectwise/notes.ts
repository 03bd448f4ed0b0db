import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { listAll, writeOne } from './parsing';
import type { ManageTicketNote } from './types';

const noteSchema = z.object({
  id: z.number(),
  ticketId: z.number().nullish(),
  text: z.string().nullish(),
  detailDescriptionFlag: z.boolean().nullish(),
  internalAnalysisFlag: z.boolean().nullish(),
  resolutionFlag: z.boolean().nullish(),
  createdBy: z.string().nullish(),
  dateCreated: z.string().nullish(),
});

function toNote(raw: z.output<typeof noteSchema>): ManageTicketNote {
  return {
    id: raw.id,
    ticketId: raw.ticketId ?? null,
    text: raw.text ?? '',
    detail: raw.detailDescriptionFlag ?? false,
    internal: raw.internalAnalysisFlag ?? false,
    resolution: raw.resolutionFlag ?? false,
    createdBy: raw.createdBy ?? null,
    dateCreated: raw.dateCreated ?? null,
  };
}

export type AddTicketNoteInput = {
  /** Plain text; `\n` line breaks are kept by Manage. */
  text: string;
  /** Discussion (visible to the customer). */
  detail?: boolean;
  /** Internal analysis (technicians only). */
  internal?: boolean;
  resolution?: boolean;
  processNotifications?: boolean;
};

export async function addTicketNote(client: ManageClient, ticketId: number, input: AddTicketNoteInput): Promise<ManageTicketNote> {
  if (input.text.trim() === '') throw new TypeError('A note needs text');
  if (!input.detail && !input.internal && !input.resolution) {
    throw new TypeError('A note must be detail, internal or resolution (Manage needs at least one flag)');
  }
  const body = {
    text: input.text,
    detailDescriptionFlag: input.detail === true,
    internalAnalysisFlag: input.internal === true,
    resolutionFlag: input.resolution === true,
    ...(input.processNotifications === undefined ? {} : { processNotifications: input.processNotifications }),
  };
  return writeOne(client, 'POST', `/service/tickets/${ticketId}/notes`, body, noteSchema, toNote);
}

export async function listTicketNotes(client: ManageClient, ticketId: number): Promise<ManageTicketNote[]> {
  return listAll(client, `/service/tickets/${ticketId}/notes`, noteSchema, toNote);
}
