import { withAdmin } from '@/lib/api/with-admin';
import { readLogoUpload, removeBrandingLogo, saveBrandingLogo } from '@/lib/settings/branding';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Uploads the MSP's logo: the body is the image file itself (PNG, JPEG, WebP or SVG; sniffed,
 * size-capped), audited. The admin wrapper's origin check still guards it; only the JSON
 * content-type rule does not apply to a file body.
 */
export const PUT = withAdmin({ rawBody: true }, async ({ db, admin, request }) => ({
  settings: await saveBrandingLogo(db, await readLogoUpload(request), admin.email),
}));

/** Removes the logo; the press page and e-mails then show the name alone. */
export const DELETE = withAdmin({}, async ({ db, admin }) => ({ settings: await removeBrandingLogo(db, admin.email) }));
