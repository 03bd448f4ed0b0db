import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { listAll, requireMaxLength, truncateText, writeOne } from './parsing';
import type { ManageHostedSetup } from './types';

const hostedSetupSchema = z.object({
  id: z.number(),
  screenId: z.number(),
  description: z.string(),
  url: z.string(),
  type: z.enum(['Tab', 'Pod', 'ToolbarButton']),
  origin: z.string().nullish(),
  podHeight: z.number().nullish(),
  disabledFlag: z.boolean().nullish(),
});

function toHostedSetup(raw: z.output<typeof hostedSetupSchema>): ManageHostedSetup {
  return {
    id: raw.id,
    screenId: raw.screenId,
    description: raw.description,
    url: raw.url,
    type: raw.type,
    origin: raw.origin ?? null,
    podHeight: raw.podHeight ?? null,
    disabled: raw.disabledFlag ?? false,
  };
}

export type CreateHostedSetupInput = {
  /** The Manage screen the pod or tab appears on (ConnectWiseHostedApiScreen). */
  screenId: number;
  description: string;
  /** May contain Manage's tokens `[cw_id]` and `[cw_screen]`. */
  url: string;
  type: 'Pod' | 'Tab';
  /** The origin Manage posts messages to; defaults to the URL's origin. */
  origin?: string;
  podHeight?: number;
  disabled?: boolean;
};

/**
 * A screen a pod or tab can be hosted on (`GET /system/connectWiseHostedScreens`). Not in the
 * official subset: the shape (`id`, `screenId` as a string, `name`) comes from the public
 * client libraries generated from Manage's full document. A hosted setup's `screenId` is this
 * record's `id`. Unverified: keep the mapping here, in one place.
 */
export type ManageHostedScreen = { id: number; screenId: string | null; name: string };

const hostedScreenSchema = z.object({
  id: z.number(),
  screenId: z.union([z.string(), z.number()]).nullish(),
  name: z.string().nullish(),
});

function toHostedScreen(raw: z.output<typeof hostedScreenSchema>): ManageHostedScreen {
  return { id: raw.id, screenId: raw.screenId === null || raw.screenId === undefined ? null : String(raw.screenId), name: raw.name ?? '' };
}

export async function listHostedSetups(client: ManageClient): Promise<ManageHostedSetup[]> {
  return listAll(client, '/system/connectwisehostedsetups', hostedSetupSchema, toHostedSetup);
}

/** The screens Manage can host a pod or tab on (Service Ticket, Company, ...). */
export async function listHostedScreens(client: ManageClient): Promise<ManageHostedScreen[]> {
  return listAll(client, '/system/connectWiseHostedScreens', hostedScreenSchema, toHostedScreen);
}

/** Manage's body for a create or a full replace (PUT), checked against its documented limits. */
function hostedSetupBody(input: CreateHostedSetupInput) {
  const url = requireMaxLength(input.url, 1024, 'Hosted setup url');
  let origin: string;
  try {
    origin = input.origin ?? new URL(url.replace(/\[cw_[a-z]+\]/g, 'x')).origin;
  } catch {
    throw new TypeError('The hosted setup url is not a valid URL');
  }
  const description = truncateText(input.description.trim(), 50);
  if (description === '') throw new TypeError('A hosted setup needs a description');
  return {
    screenId: input.screenId,
    description,
    url,
    type: input.type,
    origin: requireMaxLength(origin, 100, 'Hosted setup origin'),
    ...(input.podHeight === undefined ? {} : { podHeight: input.podHeight }),
    disabledFlag: input.disabled ?? false,
  };
}

export async function createHostedSetup(client: ManageClient, input: CreateHostedSetupInput): Promise<ManageHostedSetup> {
  return writeOne(client, 'POST', '/system/connectwisehostedsetups', hostedSetupBody(input), hostedSetupSchema, toHostedSetup);
}

/** Replaces one hosted setup (Manage's PUT): every field of the input, the id kept. */
export async function updateHostedSetup(client: ManageClient, id: number, input: CreateHostedSetupInput): Promise<ManageHostedSetup> {
  return writeOne(client, 'PUT', `/system/connectwisehostedsetups/${id}`, { id, ...hostedSetupBody(input) }, hostedSetupSchema, toHostedSetup);
}

export async function deleteHostedSetup(client: ManageClient, id: number): Promise<void> {
  await client.request({ method: 'DELETE', path: `/system/connectwisehostedsetups/${id}` });
}
