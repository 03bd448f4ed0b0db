import { sniffImage } from '@/lib/images/sniff-image';

/**
 * What an uploaded logo is, decided from its bytes alone (never the name or declared type):
 * PNG, JPEG, WebP or SVG, within a size and pixel cap. An SVG must be a plain SVG document:
 * no DOCTYPE or entities (entity expansion), no scripts, event handlers or foreign objects.
 * It is shown only through <img> (scripts never run there) and served with a CSP that forbids
 * them anyway; refusing them here says so to the admin instead of storing a dead feature.
 */

export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_MAX_DIMENSION = 4096;

export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/svg+xml';
export type SniffedLogo =
  | { ok: true; contentType: LogoType; width: number | null; height: number | null }
  | { ok: false; reason: 'too_large' | 'invalid'; message: string };

// A DOCTYPE is let through here only so the check below can name it as the reason for refusing.
const SVG_PROLOGUE = /^(?:\s+|<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*/i;
const SVG_ROOT = /^<svg[\s>/]/i;
const SVG_NAMESPACE = /xmlns\s*=\s*["']http:\/\/www\.w3\.org\/2000\/svg["']/;
const SVG_FORBIDDEN: [RegExp, string][] = [
  [/<!DOCTYPE|<!ENTITY/i, 'a DOCTYPE or entity declarations'],
  [/<script[\s>/]/i, 'a script'],
  [/<foreignObject[\s>/]/i, 'a foreignObject (embedded HTML)'],
  [/\son[a-z]+\s*=/i, 'event handler attributes (on...=)'],
  [/javascript\s*:/i, 'a javascript: link'],
];

function kib(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

function sniffSvg(bytes: Uint8Array): SniffedLogo | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  const body = text.replace(/^\uFEFF/, '').replace(SVG_PROLOGUE, '');
  if (!SVG_ROOT.test(body)) return null;
  for (const [pattern, what] of SVG_FORBIDDEN) {
    if (pattern.test(text)) return { ok: false, reason: 'invalid', message: `This SVG contains ${what}. Export it as a plain SVG (or a PNG) and upload that.` };
  }
  if (!SVG_NAMESPACE.test(body)) {
    return { ok: false, reason: 'invalid', message: 'This SVG has no xmlns="http://www.w3.org/2000/svg" on its <svg> element, so browsers would not draw it as an image.' };
  }
  return { ok: true, contentType: 'image/svg+xml', width: null, height: null };
}

export function sniffLogo(bytes: Uint8Array): SniffedLogo {
  if (bytes.byteLength === 0) return { ok: false, reason: 'invalid', message: 'The file is empty.' };
  if (bytes.byteLength > LOGO_MAX_BYTES) {
    return { ok: false, reason: 'too_large', message: `The logo is ${kib(bytes.byteLength)}; a logo may be at most ${kib(LOGO_MAX_BYTES)}. Export it smaller (a logo is shown about 48 pixels high).` };
  }
  const image = sniffImage(bytes);
  if (image.ok) {
    if (image.width > LOGO_MAX_DIMENSION || image.height > LOGO_MAX_DIMENSION) {
      return { ok: false, reason: 'invalid', message: `The logo is ${image.width}\u00d7${image.height} pixels; at most ${LOGO_MAX_DIMENSION} pixels each way.` };
    }
    return { ok: true, contentType: image.type, width: image.width, height: image.height };
  }
  if (image.type) return { ok: false, reason: 'invalid', message: `The file starts like a ${image.type.slice(6).toUpperCase()} but its header is ${image.reason === 'truncated' ? 'cut short' : 'damaged'}.` };
  return sniffSvg(bytes) ?? { ok: false, reason: 'invalid', message: 'The logo must be a PNG, JPEG, WebP or SVG image (its content decides, not its name).' };
}
