/**
 * Manage's web UI deep links, `/{codebase}ConnectWise.aspx?routeTo=<screen>&recid=<id>`, the
 * links Deskbell puts on tickets, configurations and companies. Manage opens the record's
 * screen; the simulator has no screens of its own, so it sends the browser to the demo Manage
 * screens Deskbell serves in demo mode (`/demo/manage/ticket/{id}`, `/demo/manage/company/{id}`)
 * when it knows Deskbell's URL, and otherwise answers a page saying what the link opens in a
 * real Manage. Screen names as ConnectWise documents them for URL navigation: ServiceFV
 * (service ticket), CompanyFV (company), ContactFV (contact), ConfigFV (configuration).
 */
import type { SimStore } from './store';

export type UiLinkResult = { status: number; headers: Record<string, string>; html: string | null };

const SCREENS: Record<string, { what: string; kind: 'ticket' | 'company' | 'contact' | 'configuration' }> = {
  servicefv: { what: 'the service ticket', kind: 'ticket' },
  companyfv: { what: 'the company', kind: 'company' },
  contactfv: { what: 'the contact', kind: 'contact' },
  configfv: { what: 'the configuration', kind: 'configuration' },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(status: number, title: string, paragraphs: string[]): UiLinkResult {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  return {
    status,
    headers: { 'cache-control': 'no-store' },
    html: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1e293b}h1{font-size:1.25rem}code{background:#f1f5f9;padding:0 .25rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>`,
  };
}

/** Where the demo shows a record: the ticket screen, or the company screen for the rest. */
function demoTarget(store: SimStore, kind: string, id: number): { path: string; label: string } | null {
  if (kind === 'ticket') return store.tickets.get(id) ? { path: `/demo/manage/ticket/${id}`, label: `ticket #${id}` } : null;
  if (kind === 'company') return store.companies.get(id) ? { path: `/demo/manage/company/${id}`, label: `company ${id}` } : null;
  // The demo has no configuration or contact screen: their company's screen lists what they belong to.
  const owner = kind === 'configuration' ? store.configurations.get(id)?.company : store.contacts.get(id)?.company;
  return owner?.id !== undefined ? { path: `/demo/manage/company/${owner.id}`, label: `the company of ${kind} ${id}` } : null;
}

export function handleUiLink(store: SimStore, method: string, query: URLSearchParams, deskbellUrl: string | null): UiLinkResult {
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { allow: 'GET, HEAD' }, html: null };
  }
  const routeTo = (query.get('routeTo') ?? '').toLowerCase();
  const screen = SCREENS[routeTo];
  const recid = query.get('recid') ?? query.get('recId') ?? '';
  const id = /^\d{1,10}$/.test(recid) ? Number(recid) : NaN;
  if (!screen || !Number.isSafeInteger(id) || id <= 0) {
    return page(400, 'Manage simulator: unknown link', [
      `This simulator understands Manage's deep links <code>ConnectWise.aspx?routeTo=ServiceFV&amp;recid=&lt;ticket id&gt;</code> (also <code>CompanyFV</code>, <code>ContactFV</code>, <code>ConfigFV</code>).`,
      `This one names ${routeTo ? `the screen <code>${escapeHtml(query.get('routeTo') ?? '')}</code>` : 'no screen'} and ${recid ? `the record <code>${escapeHtml(recid)}</code>` : 'no record'}.`,
    ]);
  }
  const inRealManage = `In a real ConnectWise Manage this link opens ${screen.what} screen of record ${id}.`;
  if (!deskbellUrl) {
    return page(200, `Manage simulator: ${screen.what} ${id}`, [
      inRealManage,
      'This simulator has no screens of its own. Started by <code>npm run demo</code>, it sends this link to Deskbell\u2019s demo Manage screens instead.',
    ]);
  }
  const target = demoTarget(store, screen.kind, id);
  if (!target) {
    return page(404, `Manage simulator: no ${screen.kind} ${id}`, [inRealManage, `The simulator has no ${screen.kind} with id ${id}.`]);
  }
  return { status: 302, headers: { location: `${deskbellUrl.replace(/\/$/, '')}${target.path}`, 'cache-control': 'no-store' }, html: null };
}
