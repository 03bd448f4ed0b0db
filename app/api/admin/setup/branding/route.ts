import { withAdmin } from '@/lib/api/with-admin';
import { pressPageFormSchema, savePressPageSettings } from '@/lib/settings/branding';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Saves the press page's choices and the MSP's name and colour (the logo has its own upload), audited. */
export const PUT = withAdmin({ body: pressPageFormSchema }, async ({ db, admin, body }) => ({
  settings: await savePressPageSettings(db, body, admin.email),
}));
