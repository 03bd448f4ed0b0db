import 'server-only';
import { DeskbellApiError } from '@/lib/http/errors';
import { loadRulesPage } from '@/lib/rules/rules-page';
import { loadPressPageSettings } from '@/lib/settings/branding';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { getDatabase } from '@/lib/store/database';
import { listAgentTokensForAdmin } from './agents';
import { loadDefaultsPage, type DefaultsPageData } from './ticket-defaults';
import { loadWizardStatus, type WizardStatus } from './wizard-status';

/**
 * What each wizard page shows, one loader a page. Pages render; these resolve the database, so
 * app code never touches the store (app -> lib -> store).
 */

/** The wizard's status alone: the overview, and the steps whose forms load their own data. */
export async function loadWizardPage() {
  return { status: await loadWizardStatus(await getDatabase()) };
}

export async function loadAgentsStepPage() {
  const db = await getDatabase();
  const [status, tokens] = await Promise.all([loadWizardStatus(db), listAgentTokensForAdmin(db)]);
  return { status, tokens };
}

export async function loadBrandingStepPage() {
  const db = await getDatabase();
  const [status, settings] = await Promise.all([loadWizardStatus(db), loadPressPageSettings(db)]);
  return { status, settings };
}

export async function loadUnregisteredStepPage() {
  const db = await getDatabase();
  const [status, settings] = await Promise.all([loadWizardStatus(db), loadIntakeSettings(db)]);
  return { status, settings };
}

export async function loadRulesStepPage() {
  const db = await getDatabase();
  const [status, data] = await Promise.all([loadWizardStatus(db), loadRulesPage(db)]);
  return { status, data };
}

/** Manage's lists may be unavailable; the page then says why instead of failing. */
export async function loadDefaultsStepPage(): Promise<{ status: WizardStatus; data: DefaultsPageData | null; problem: string | null }> {
  const db = await getDatabase();
  const status = await loadWizardStatus(db);
  try {
    // Manage's lists come through the app's lookup-table cache: usually no Manage call at all.
    return { status, data: await loadDefaultsPage(db), problem: null };
  } catch (error) {
    if (!(error instanceof DeskbellApiError)) throw error;
    return { status, data: null, problem: error.message };
  }
}
