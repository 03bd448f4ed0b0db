import { describe, expect, it } from 'vitest';
import { generateSetupCode, normalizeSetupCode } from '@/lib/auth/setup-code';

describe('setup code format', () => {
  it('is three groups of four unambiguous characters, different every time', () => {
    const codes = new Set(Array.from({ length: 200 }, generateSetupCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });

  it('forgives case, spaces and missing dashes when typed', () => {
    expect(normalizeSetupCode(' abcd efgh-jkLM ')).toBe('ABCDEFGHJKLM');
  });
});
