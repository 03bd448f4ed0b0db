import 'server-only';
import type { AdminNames } from '@/lib/audit/audit-sentence';
import { getDatabase } from '@/lib/store/database';
import { hasAnyAdmin, listAdminUsers } from './admin-users';

/** True on a fresh install: no admin exists yet, so sign-in offers the first-admin form. */
export async function isFirstRun(): Promise<boolean> {
  return !(await hasAnyAdmin(await getDatabase()));
}

/** Admins' display names by email, so the audit log says who rather than which address. */
export async function loadAdminNames(): Promise<AdminNames> {
  const admins = await listAdminUsers(await getDatabase());
  return new Map(admins.flatMap((admin) => (admin.name ? [[admin.email, admin.name] as const] : [])));
}
