import { describe, expect, it } from 'vitest';
import { PERMISSION_PROBES } from '@/lib/connectwise/permissions';

// Words from the project's own planning that mean nothing to an MSP admin reading a setup page.
const JARGON = /later features?|original list|Shown on the device|\(s\)/i;

describe('admin-facing wording', () => {
  it('every permission line says why in plain words', () => {
    expect(PERMISSION_PROBES.length).toBeGreaterThan(5);
    for (const probe of PERMISSION_PROBES) {
      expect(JSON.stringify(probe), probe.id).not.toMatch(JARGON);
    }
  });
});
