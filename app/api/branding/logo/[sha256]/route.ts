import { DeskbellApiError, toErrorResponse } from '@/lib/api/errors';
import { logoParamsSchema, readBrandingLogo, toLogoResponse } from '@/lib/settings/branding';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The MSP's logo by its hash. Public: the press page and notification e-mails show it to end users. */
export async function GET(request: Request, context: { params: Promise<{ sha256: string }> }): Promise<Response> {
  try {
    const { sha256 } = logoParamsSchema.parse(await context.params);
    const file = await readBrandingLogo(await getDatabase(), sha256);
    if (!file) throw new DeskbellApiError('not_found', 'There is no such logo; the MSP may have replaced it.');
    return toLogoResponse(file, request);
  } catch (err) {
    return toErrorResponse(err);
  }
}
