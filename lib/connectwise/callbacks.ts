import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { listAll, requireMaxLength, truncateText, writeOne } from './parsing';
import type { ManageCallback } from './types';

const callbackSchema = z.object({
  id: z.number(),
  url: z.string(),
  objectId: z.number(),
  type: z.string(),
  level: z.string(),
  description: z.string().nullish(),
  inactiveFlag: z.boolean().nullish(),
  isSelfSuppressedFlag: z.boolean().nullish(),
  payloadVersion: z.string().nullish(),
  memberId: z.number().nullish(),
});

function toCallback(raw: z.output<typeof callbackSchema>): ManageCallback {
  return {
    id: raw.id,
    url: raw.url,
    objectId: raw.objectId,
    type: raw.type,
    level: raw.level,
    description: raw.description ?? null,
    inactive: raw.inactiveFlag ?? false,
    selfSuppressed: raw.isSelfSuppressedFlag ?? false,
    payloadVersion: raw.payloadVersion ?? null,
    memberId: raw.memberId ?? null,
  };
}

export type CallbackInput = {
  /** Where Manage POSTs; Manage appends the record id, so end it with `?recordId=` or `&recordId=`. */
  url: string;
  /** The board id for level 'board'; 1 for level 'owner'. */
  objectId: number;
  type: string;
  level: string;
  description?: string;
  inactive?: boolean;
  /** Skip callbacks for changes this API member made itself. */
  selfSuppressed?: boolean;
  payloadVersion?: string;
};

function buildCallbackBody(input: CallbackInput): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new TypeError('The callback url is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('The callback url must be http(s)');
  if (!Number.isInteger(input.objectId)) throw new TypeError('objectId must be an integer');
  return {
    url: input.url,
    objectId: input.objectId,
    type: requireMaxLength(input.type, 100, 'Callback type'),
    level: requireMaxLength(input.level, 100, 'Callback level'),
    description: truncateText(input.description ?? 'Deskbell', 100),
    inactiveFlag: input.inactive ?? false,
    isSelfSuppressedFlag: input.selfSuppressed ?? false,
    ...(input.payloadVersion === undefined ? {} : { payloadVersion: input.payloadVersion }),
  };
}

export async function listCallbacks(client: ManageClient): Promise<ManageCallback[]> {
  return listAll(client, '/system/callbacks', callbackSchema, toCallback);
}

export async function createCallback(client: ManageClient, input: CallbackInput): Promise<ManageCallback> {
  return writeOne(client, 'POST', '/system/callbacks', buildCallbackBody(input), callbackSchema, toCallback);
}

/** Replaces the callback (PUT): every field of the input is written. */
export async function updateCallback(client: ManageClient, id: number, input: CallbackInput): Promise<ManageCallback> {
  return writeOne(client, 'PUT', `/system/callbacks/${id}`, { id, ...buildCallbackBody(input) }, callbackSchema, toCallback);
}

export async function deleteCallback(client: ManageClient, id: number): Promise<void> {
  await client.request({ method: 'DELETE', path: `/system/callbacks/${id}` });
}
