import { withPod } from '@/lib/api/with-pod';
import { servePodFile } from '@/lib/pod/pod-data';
import { podFileParamsSchema } from '@/lib/pod/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A screenshot or attachment of a press in the pod token's scope (its ticket or company); 404 otherwise. */
export const GET = withPod({ params: podFileParamsSchema }, ({ db, claims, params }) => servePodFile(db, claims, params.pressId, params.fileId, 'full'));
