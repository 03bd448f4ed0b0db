import { z } from 'zod';

/**
 * The MSP's brand colour: a hex colour, stored as #rrggbb, and the text colour that goes on it.
 * Text is black or white, whichever contrasts more (WCAG 2 relative luminance); one of the
 * two always reaches AA for normal text (4.5:1), so any colour an admin picks stays readable.
 * Pure, so the admin page previews exactly what the press page and e-mails will show.
 */

export const WCAG_AA_NORMAL_TEXT = 4.5;
export const BLACK = '#000000';
export const WHITE = '#ffffff';

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** "#ABC", "abc", "#aabbcc" → "#aabbcc"; null for anything else. */
export function normalizeHexColour(input: string): string | null {
  const match = HEX.exec(input.trim());
  if (!match) return null;
  const digits = match[1]!.toLowerCase();
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return `#${full}`;
}

export const hexColourSchema = z
  .string()
  .max(20, 'Enter the colour as a hex code like #1d4ed8.')
  .transform((value, ctx) => {
    const hex = normalizeHexColour(value);
    if (hex === null) {
      ctx.addIssue({ code: 'custom', message: 'Enter the colour as a hex code like #1d4ed8 (or #14d).' });
      return z.NEVER;
    }
    return hex;
  });

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a #rrggbb colour, 0 (black) to 1 (white). */
export function relativeLuminance(hex: string): number {
  const normalized = normalizeHexColour(hex);
  if (normalized === null) throw new Error(`not a hex colour: ${hex}`);
  const n = Number.parseInt(normalized.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 0xff) + 0.7152 * channel((n >> 8) & 0xff) + 0.0722 * channel(n & 0xff);
}

/** WCAG 2 contrast ratio between two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export type BrandColours = { background: string; text: string; contrast: number; meetsAA: boolean };

/** The colour and the text colour (black or white) that reads best on it, with the ratio reached. */
export function pickTextColour(background: string): BrandColours {
  const bg = normalizeHexColour(background);
  if (bg === null) throw new Error(`not a hex colour: ${background}`);
  const onBlack = contrastRatio(bg, BLACK);
  const onWhite = contrastRatio(bg, WHITE);
  const text = onWhite >= onBlack ? WHITE : BLACK;
  const contrast = Math.max(onBlack, onWhite);
  return { background: bg, text, contrast, meetsAA: contrast >= WCAG_AA_NORMAL_TEXT };
}
