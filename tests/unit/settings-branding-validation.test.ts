import { describe, expect, it } from 'vitest';
import { pressPageFormSchema } from '@/lib/settings/branding';
import { LOGO_MAX_BYTES, sniffLogo } from '@/lib/settings/branding-logo';
import { buildPng, buildWebpLossless } from '@/tests/support/press-fixtures';

const paths = (input: unknown) => {
  const parsed = pressPageFormSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('press page form', () => {
  it('trims, drops blank lines, normalizes the colour', () => {
    expect(pressPageFormSchema.parse({ name: ' Harbor IT ', colour: 'ABC', selections: [' Printing ', '  ', 'VPN'] })).toEqual({
      name: 'Harbor IT',
      colour: '#aabbcc',
      selections: ['Printing', 'VPN'],
    });
  });

  it('names the field of each problem', () => {
    expect(paths({ name: 'ok', colour: 'red', selections: [] })).toEqual(['colour']);
    expect(paths({ name: 'ok', colour: '#000', selections: ['A', 'B', 'a'] })).toEqual(['selections.2']);
    expect(paths({ name: 'tab\there', colour: '#000', selections: [] })).toEqual(['name']);
    expect(paths({ name: 'ok', colour: '#000', selections: ['x'.repeat(201)] })).toEqual(['selections.0']);
    expect(paths({ name: 'ok', colour: '#000', selections: ['bell\u0007'] })).toEqual(['selections.0']);
  });
});

describe('logo sniffing', () => {
  it('recognises PNG and WebP by their bytes, with their size', () => {
    expect(sniffLogo(buildPng({ width: 30, height: 20 }))).toEqual({ ok: true, contentType: 'image/png', width: 30, height: 20 });
    expect(sniffLogo(buildWebpLossless({ width: 12, height: 7 }))).toMatchObject({ ok: true, contentType: 'image/webp' });
  });

  it('accepts a plain SVG after a BOM, an XML declaration and comments', () => {
    const svg = '\uFEFF<?xml version="1.0" encoding="UTF-8"?><!-- made by hand --><svg\nxmlns="http://www.w3.org/2000/svg"/>';
    expect(sniffLogo(Buffer.from(svg))).toEqual({ ok: true, contentType: 'image/svg+xml', width: null, height: null });
  });

  it('refuses active or external content in an SVG, and HTML that merely mentions svg', () => {
    const ns = 'xmlns="http://www.w3.org/2000/svg"';
    for (const svg of [
      `<svg ${ns}><script href="x.js"/></svg>`,
      `<svg ${ns}><foreignObject><div/></foreignObject></svg>`,
      `<svg ${ns}><a href="javascript:alert(1)"><rect/></a></svg>`,
      `<svg ${ns}><rect ONCLICK="x()"/></svg>`,
    ]) {
      expect(sniffLogo(Buffer.from(svg))).toMatchObject({ ok: false, reason: 'invalid' });
    }
    expect(sniffLogo(Buffer.from('<html><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>'))).toMatchObject({ ok: false, message: /PNG, JPEG, WebP or SVG/ });
    expect(sniffLogo(new Uint8Array([0xff, 0xfe, 0x3c, 0x00]))).toMatchObject({ ok: false });
  });

  it('caps the size before looking at the content', () => {
    const big = new Uint8Array(LOGO_MAX_BYTES + 1);
    big.set(buildPng({ width: 1, height: 1 }));
    expect(sniffLogo(big)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(sniffLogo(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
