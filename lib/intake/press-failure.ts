import 'server-only';
import { isManageError, needsManageAdmin, type ManageError } from '@/lib/connectwise/errors';
import { permissionForManageCall } from '@/lib/connectwise/permissions';
import { PermanentJobError } from '@/lib/jobs/worker';
import { NEEDS_ADMIN_PREFIX } from '@/lib/presses/needs-admin';

/**
 * How a failed press attempt reads to people (the dashboard, the report, the agent's status)
 * and whether retrying can help. A refusal only an admin can lift (Manage's 403 for a missing
 * security-role permission, 401 for keys Manage no longer accepts) is not retried: eight tries
 * over three minutes would change nothing and hide the fix behind "retrying".
 */

/** The press waits for an admin; its message is the whole sentence the admin reads, fix included. */
export class PressNeedsAdminError extends PermanentJobError {
  constructor(
    message: string,
    /** What Manage said, in Manage's terms: the press's last error, beside the fix. */
    readonly refusal: string,
  ) {
    super(message);
    this.name = 'PressNeedsAdminError';
  }
}

const RETRY_HINT = 'then press Retry on this press in the presses dashboard (/presses) and the ticket is created.';

/** The admin's sentence for a refusal that needs them: what Manage refused, why, and the fix. */
export function describeAdminFix(error: ManageError): string {
  const at = `${error.method} ${error.path}`;
  if (error.status === 403) {
    const probe = permissionForManageCall(error.method, error.path);
    const lacks = probe
      ? `the API member's security role lacks ${probe.permission} (${probe.purpose.replace(/\.$/, '')}). Fix: in Manage set ${probe.fix}`
      : `the API member's security role does not allow ${at}. Fix: run the setup wizard's Permissions step (/setup/permissions) to see which permission is missing and grant it in Manage under System > Security Roles`;
    return `${NEEDS_ADMIN_PREFIX} Manage refused ${at} (403): ${lacks}, ${RETRY_HINT}`;
  }
  return `${NEEDS_ADMIN_PREFIX} Manage refused Deskbell's API key or clientId on ${at} (401). Fix: correct the connection in the setup wizard (/setup/connection) and test it, ${RETRY_HINT}`;
}

/**
 * The error the job worker should see: a refusal only an admin can lift becomes permanent
 * (no retries) with the fix as its reason; anything else is passed on to be retried.
 */
export function classifyPressFailure(error: unknown): unknown {
  if (isManageError(error) && needsManageAdmin(error)) return new PressNeedsAdminError(describeAdminFix(error), error.message);
  return error;
}

/** One sentence for a person, never a class name: Manage's messages already say what happened. */
export function describePressFailure(error: unknown): string {
  if (error instanceof PressNeedsAdminError) return error.refusal;
  if (isManageError(error)) return error.message;
  if (error instanceof Error) return error.message || 'An unexpected error stopped this attempt.';
  return String(error);
}
