import 'server-only';
import { z } from 'zod';
import { ticketDefaultsSchema } from '@/lib/settings/intake-settings';

/**
 * Bodies of the setup API, validated at the boundary. Field paths in zod's errors match the
 * form fields' names, so the pages put each message next to its field.
 */

const MAX_FIELD = 2_000;

export const connectionFormSchema = z.object({
  endpoint: z.string().max(MAX_FIELD, 'The endpoint is too long.'),
  /** Empty keeps the stored key (the browser never receives it). */
  apiKey: z.string().max(MAX_FIELD, 'The API key is too long.').optional(),
  /** Empty keeps the stored clientId. */
  clientId: z.string().max(MAX_FIELD, 'The clientId is too long.').optional(),
});

export const saveConnectionSchema = connectionFormSchema.extend({
  saveAnyway: z.boolean().optional(),
});

export const catchAllEmailSchema = z.object({
  email: z.email('Enter an email address like unregistered@helpdeskbuttons.com.').max(250),
});

export const createCatchAllSchema = catchAllEmailSchema.extend({
  confirm: z.literal(true, 'Tick the box to confirm that Deskbell may create the company and contact in Manage.'),
  /** Needed only when the company has to be created (Manage requires an address on a company). */
  address: z.object({
    line1: z.string().trim().min(1, 'Manage requires an address: enter address line 1.').max(50, 'Address line 1 is at most 50 characters.'),
    city: z.string().trim().max(50, 'The city is at most 50 characters.').optional(),
    state: z.string().trim().max(50, 'The state is at most 50 characters.').optional(),
    zip: z.string().trim().max(12, 'The zip code is at most 12 characters.').optional(),
  }).optional(),
});

export const ticketDefaultsBodySchema = ticketDefaultsSchema;

export const previewBodySchema = z.object({
  defaults: ticketDefaultsSchema,
  sample: z.object({
    message: z.string().trim().min(1, 'Type a sample message, as an end user would.').max(4_000, 'Keep the sample message under 4,000 characters.'),
    email: z.union([z.literal(''), z.email('Enter an email address, or leave it empty.')]).optional().transform((v) => v || undefined),
    name: z.string().trim().max(62, 'The name is at most 62 characters.').optional().transform((v) => v || undefined),
    hostname: z.string().trim().max(100, 'The computer name is at most 100 characters.').optional().transform((v) => v || undefined),
  }),
});

export const agentTokenBodySchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name, for example the customer or computer it is for.').max(100, 'A token name is at most 100 characters.'),
});

export const boardIdSchema = z.coerce.number().int().positive();

export const tokenIdSchema = z.uuid();
