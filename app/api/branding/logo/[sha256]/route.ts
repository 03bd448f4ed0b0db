import { withPublic } from '@/lib/api/with-public';
import { logoParamsSchema, serveBrandingLogo } from '@/lib/settings/branding';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The MSP's logo by its hash. Public: the press page and notification e-mails show it to end users. */
export const GET = withPublic({ params: logoParamsSchema }, ({ params, request }) => serveBrandingLogo(params.sha256, request));
