/**
 * A dead press whose reason starts with this waits for an admin (a Manage permission or the
 * connection), not for Manage to recover: pages can label it so, and its Retry finishes it once
 * the admin fixed the cause. No server code here: badges and tables may import it.
 */
export const NEEDS_ADMIN_PREFIX = 'Needs an admin:';

export function isNeedsAdminReason(reason: string | null | undefined): boolean {
  return typeof reason === 'string' && reason.startsWith(NEEDS_ADMIN_PREFIX);
}
