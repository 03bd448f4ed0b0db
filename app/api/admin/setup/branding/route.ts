import { toErrorResponse } from '@/lib/api/errors';
import { requireAdminApi } from '@/lib/auth/admin-session';
import { pressPageFormSchema, savePressPageSettings } from '@/lib/settings/branding';
import { readJsonBody } from '@/lib/setup/request-schemas';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';
const noStore = { 'cache-control': 'no-store' };

/** Saves the press page's choices and the MSP's name and colour (the logo has its own upload), audited. */
export async function PUT(request: Request): Promise<Response> {
  try {
    const admin = await requireAdminApi();
    const form = await readJsonBody(request, pressPageFormSchema);
    const settings = await savePressPageSettings(await getDatabase(), form, admin.email);
    return Response.json({ settings }, { headers: noStore });
  } catch (err) {
    return toErrorResponse(err);
  }
}
