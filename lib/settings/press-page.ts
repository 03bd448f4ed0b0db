import 'server-only';
import { getDatabase } from '@/lib/store/database';
import { loadBranding } from './branding';
import { loadIntakeSettings } from './intake-settings';

/** What the web press page offers: the admin's choices (else DESKBELL_PRESS_SELECTIONS) and the branding. */
export async function loadPressPage() {
  const db = await getDatabase();
  const [{ selections }, branding] = await Promise.all([loadIntakeSettings(db), loadBranding(db)]);
  return { selections, branding };
}
