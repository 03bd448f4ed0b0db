import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { readLogoUpload, removeBrandingLogo, saveBrandingLogo } from '@/lib/settings/branding';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Uploads the MSP's logo: the body is the image file (PNG, JPEG, WebP or SVG; sniffed, size-capped), audited. */
export async function PUT(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const bytes = await readLogoUpload(request);
    const settings = await saveBrandingLogo(await getDatabase(), bytes, admin.email);
    return Response.json({ settings }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}

/** Removes the logo; the press page and e-mails then show the name alone. */
export async function DELETE(): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const settings = await removeBrandingLogo(await getDatabase(), admin.email);
    return Response.json({ settings }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
