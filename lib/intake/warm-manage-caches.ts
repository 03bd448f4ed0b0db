import 'server-only';
import type { IntakeSettings } from '@/lib/settings/intake-settings';
import { isManageDefault } from '@/lib/settings/intake-settings';
import type { ManageContext } from '@/lib/manage-client/manage-context';
import { resolveContact } from './process-press';

/**
 * Loads what every press reads from Manage's lookup tables before the first press arrives:
 * the shared tables, the default board's statuses, types, subtypes, items and teams, and the
 * unregistered catch-all contact. Without it the first press after a start pays an extra
 * sequential round trip (the board-scoped lookups wait for the board list).
 * Best effort: whatever fails is simply loaded by the press that needs it.
 */
export async function warmManageCaches(context: ManageContext, settings: IntakeSettings): Promise<void> {
  const { tables } = context;
  await Promise.allSettled([
    tables.warm(),
    resolveContact(context, settings, undefined),
    (async () => {
      if (isManageDefault(settings.defaults.board)) return;
      const wanted = settings.defaults.board.trim().toLowerCase();
      const board = (await tables.boards()).find((b) => b.name.trim().toLowerCase() === wanted);
      if (!board) return;
      await Promise.allSettled([
        tables.boardStatuses(board.id),
        tables.boardTypes(board.id),
        tables.boardSubTypes(board.id),
        tables.boardItems(board.id),
        tables.boardTeams(board.id),
      ]);
    })(),
  ]);
}
