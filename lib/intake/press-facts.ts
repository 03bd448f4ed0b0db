import 'server-only';
import { PermanentJobError } from '@/lib/jobs/worker';
import { parseStoredPressPayload, type PressPayload } from '@/lib/presses/press-payload';
import type { HostDetails, RegistrationRequest } from '@/lib/presses/types';

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

export function pressFactsFromPayload(payload: unknown): PressFacts {
  const parsed = parseStoredPressPayload(payload);
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
