import 'server-only';
import type { DeskbellDatabase } from '@/lib/store/database';
import { loadBranding, readBrandingLogo, type Branding } from './branding';

/**
 * The MSP's header on notification e-mails: a bar in the brand colour with the logo and the
 * name, above the same text the plain part carries. The logo travels inside the message
 * (Content-ID), so it shows without the mail client fetching anything from Deskbell. SVG logos
 * are left out of e-mails: most mail clients do not draw SVG, so the name stands alone there.
 */

export type MailAttachment = { filename: string; content: Buffer; contentType: string; cid: string };
export type BrandedEmailParts = { html?: string; attachments?: MailAttachment[] };

const LOGO_CID = 'brand-logo@deskbell';
const LOGO_EXTENSION: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Pure: the HTML part for a branded e-mail, with the logo referenced by Content-ID when there is one. */
export function renderBrandedEmailHtml(branding: Branding, subject: string, text: string, withLogo: boolean): string {
  const logo = withLogo ? `<img src="cid:${LOGO_CID}" alt="${escapeHtml(branding.name)}" height="40" style="display:block;height:40px;max-width:200px;border:0">` : '';
  const name = branding.name ? `<span style="font-size:18px;font-weight:bold;color:${branding.textColour}">${escapeHtml(branding.name)}</span>` : '';
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f8fafc;font-family:Arial,Helvetica,sans-serif;color:#0f172a">',
    '<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:600px;margin:0 auto">',
    `<tr><td data-brand-header style="background:${branding.colour};color:${branding.textColour};padding:16px 24px">`,
    '<table role="presentation" cellspacing="0" cellpadding="0"><tr>',
    logo ? `<td style="padding-right:12px">${logo}</td>` : '',
    name ? `<td>${name}</td>` : '',
    '</tr></table></td></tr>',
    `<tr><td style="background:#ffffff;padding:24px;font-size:15px;line-height:1.5">${paragraphs}</td></tr>`,
    '</table></body></html>',
  ].join('');
}

/** The HTML part and inline logo for an e-mail, or nothing while the MSP has set no branding. */
export async function brandEmail(db: DeskbellDatabase, subject: string, text: string): Promise<BrandedEmailParts> {
  const branding = await loadBranding(db);
  if (!branding) return {};
  const logo = branding.logo && branding.logo.contentType !== 'image/svg+xml' ? await readBrandingLogo(db, branding.logo.sha256) : undefined;
  const html = renderBrandedEmailHtml(branding, subject, text, logo !== undefined);
  if (!logo) return { html };
  return {
    html,
    attachments: [{ filename: `logo.${LOGO_EXTENSION[logo.contentType] ?? 'img'}`, content: Buffer.from(logo.bytes), contentType: logo.contentType, cid: LOGO_CID }],
  };
}
