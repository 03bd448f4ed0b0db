import 'server-only';
import type { PressOutcome } from './press-outcome';
import type { PressPayload } from './press-payload';
import { personName } from './person-name';

/** Small readings of a stored press shared by the dashboard, the report, the pod and notifications. */

export function msBetween(from: string, to: string | null): number | null {
  if (to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** The end user of a stored press: the name typed on it, else the matched Manage contact's. */
export function pressEndUser(payload: PressPayload | null, outcome: PressOutcome | null): { name: string | null; email: string | null } {
  return { name: personName(payload?.name, outcome?.contact), email: payload?.email?.trim() || null };
}
