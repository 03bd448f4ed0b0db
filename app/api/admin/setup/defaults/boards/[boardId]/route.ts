import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { boardIdSchema } from '@/lib/setup/request-schemas';
import { loadBoardOptions } from '@/lib/setup/ticket-defaults';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ boardId: boardIdSchema });

/** One board's statuses, types, subtypes, items and teams. */
export const GET = withAdmin({ params }, ({ db, params: { boardId } }) => loadBoardOptions(db, boardId));
