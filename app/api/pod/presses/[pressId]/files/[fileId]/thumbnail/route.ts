import { withPod } from '@/lib/api/with-pod';
import { servePodFile } from '@/lib/pod/pod-data';
import { podFileParamsSchema } from '@/lib/pod/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A screenshot's WebP thumbnail (made once, then served stored), same scope rule as the file itself. */
export const GET = withPod({ params: podFileParamsSchema }, ({ db, claims, params }) =>
  servePodFile(db, claims, params.pressId, params.fileId, 'thumbnail'),
);
