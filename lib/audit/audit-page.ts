import 'server-only';
import { getDatabase } from '@/lib/store/database';
import { AUDIT_PAGE_SIZE, listAuditEntries, type AuditEntry } from './audit-log';

/** One page of the audit log, newest first, and the cursor of the next older page if there is one. */
export async function loadAuditPage(before: string | undefined): Promise<{ entries: AuditEntry[]; olderCursor: string | undefined }> {
  // One extra row tells whether an older page exists.
  const rows = await listAuditEntries(await getDatabase(), { limit: AUDIT_PAGE_SIZE + 1, before });
  const entries = rows.slice(0, AUDIT_PAGE_SIZE);
  return { entries, olderCursor: rows.length > AUDIT_PAGE_SIZE ? entries.at(-1)?.id : undefined };
}
