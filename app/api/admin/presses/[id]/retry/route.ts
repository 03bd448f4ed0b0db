import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { retryDeadPress } from '@/lib/intake/retry-press';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100) });

/** Retry a dead press: its job is revived and the press is queued again (audited). */
export const POST = withAdmin({ params }, ({ db, admin, params: { id } }) => retryDeadPress(db, { pressId: id, actor: admin.email }));
