import 'server-only';
import { PermanentJobError } from '@/lib/jobs/worker';
import { createPressPayloadSchema, type PressPayload } from './press-schema';
import type { HostDetails, RegistrationRequest } from './ticket-text';

/** What the pipeline needs from a stored press, in the shape ticket text and rules use. */
export type PressFacts = {
  message: string;
  name?: string;
  email?: string;
  selections: string[];
  append: string[];
  host: HostDetails;
  /** What the user typed about themselves, for "[User Registration Requested]". */
  registration: RegistrationRequest;
  custom: PressPayload['custom'];
};

// The stored payload passed the accept-time limits; re-reading must not fail on a limit
// an admin lowered later, so the message limit here is only a sanity bound.
const storedPayloadSchema = createPressPayloadSchema({ maxMessageChars: 10_000_000 });

export function pressFactsFromPayload(payload: unknown): PressFacts {
  const parsed = storedPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new PermanentJobError(`the stored press is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const p = parsed.data;
  return {
    message: p.message,
    name: p.name,
    email: p.email,
    selections: p.selections,
    append: p.append,
    host: p.host,
    registration: {
      name: p.name,
      email: p.email,
      phone: p.phone,
      extension: p.extension,
      cell: p.cell,
      businessName: p.businessName,
    },
    custom: p.custom,
  };
}
