import { z } from 'zod';
import { withAdmin } from '@/lib/api/with-admin';
import { servePressFile } from '@/lib/presses/press-files';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const params = z.object({ id: z.string().max(100), fileId: z.string().max(100) });

/** A press's screenshot or attachment, for signed-in admins only. */
export const GET = withAdmin({ params }, ({ db, params: { id, fileId } }) => servePressFile(db, id, fileId));
