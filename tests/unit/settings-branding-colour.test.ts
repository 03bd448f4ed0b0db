import { describe, expect, it } from 'vitest';
import { contrastRatio, hexColourSchema, normalizeHexColour, pickTextColour, relativeLuminance, WCAG_AA_NORMAL_TEXT } from '@/lib/settings/branding-colour';

describe('brand colour', () => {
  it('normalizes #rgb, #rrggbb, with or without #, any case', () => {
    expect(normalizeHexColour('#1D4ED8')).toBe('#1d4ed8');
    expect(normalizeHexColour('1d4ed8')).toBe('#1d4ed8');
    expect(normalizeHexColour(' #abc ')).toBe('#aabbcc');
  });

  it('refuses anything that is not a hex colour, with a message that shows the form', () => {
    for (const bad of ['', '#12345', '#1234567', 'blue', 'rgb(0,0,0)', '#ggg', '#12 345', 'javascript:alert(1)']) {
      expect(normalizeHexColour(bad)).toBeNull();
      const parsed = hexColourSchema.safeParse(bad);
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(parsed.error.issues[0]?.message).toMatch(/hex code like #1d4ed8/);
    }
    expect(hexColourSchema.parse('#FFF')).toBe('#ffffff');
  });

  it('computes WCAG luminance and contrast (known values)', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    // The classic example: #777777 on white is 4.48:1, just short of AA.
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#1d4ed8', '#ffffff')).toBeCloseTo(6.7, 1);
  });

  it('picks white text on dark colours and black text on light ones', () => {
    expect(pickTextColour('#1d4ed8')).toMatchObject({ background: '#1d4ed8', text: '#ffffff', meetsAA: true });
    expect(pickTextColour('#ffeb3b')).toMatchObject({ text: '#000000', meetsAA: true });
    // Mid grey: white would fail AA (4.48), black passes (4.69).
    expect(pickTextColour('#777777')).toMatchObject({ text: '#000000', meetsAA: true });
    expect(pickTextColour('#f59e0b').text).toBe('#000000');
  });

  it('reaches AA on every colour of a sweep of the whole cube', () => {
    let worst = 21;
    for (let r = 0; r <= 255; r += 15) {
      for (let g = 0; g <= 255; g += 15) {
        for (let b = 0; b <= 255; b += 15) {
          const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
          const picked = pickTextColour(hex);
          expect(picked.contrast).toBeCloseTo(contrastRatio(hex, picked.text), 10);
          worst = Math.min(worst, picked.contrast);
        }
      }
    }
    expect(worst).toBeGreaterThanOrEqual(WCAG_AA_NORMAL_TEXT);
  });
});
