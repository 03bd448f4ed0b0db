import { withPod } from '@/lib/api/with-pod';
import { listPodCompanyPresses } from '@/lib/pod/pod-data';
import { podCompanyParamsSchema, podCompanyQuerySchema } from '@/lib/pod/request-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A company's recent presses and its most frequent hosts, for a pod token scoped to that company (the company tab). */
export const GET = withPod({ params: podCompanyParamsSchema, query: podCompanyQuerySchema }, ({ db, claims, params, query }) =>
  listPodCompanyPresses(db, claims, params.companyId, query.limit),
);
