import 'server-only';
import { z } from 'zod';
import type { ManageClient } from './client';
import { getOne } from './parsing';
import type { ManageSystemInfo } from './types';

const infoSchema = z.object({
  version: z.string(),
  isCloud: z.boolean().nullish(),
  serverTimeZone: z.string().nullish(),
  cloudRegion: z.string().nullish(),
});

/** The cheapest authenticated call: used to test keys, clientId and reachability. */
export async function getSystemInfo(client: ManageClient): Promise<ManageSystemInfo> {
  return getOne(client, '/system/info', infoSchema, (raw) => ({
    version: raw.version,
    isCloud: raw.isCloud ?? false,
    serverTimeZone: raw.serverTimeZone ?? null,
    cloudRegion: raw.cloudRegion ?? null,
  }));
}
