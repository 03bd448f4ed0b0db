import { describe, expect, it, vi } from 'vitest';

const { timingSafeEqual } = vi.hoisted(() => ({ timingSafeEqual: vi.fn() }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(actual.timingSafeEqual);
  return { ...actual, timingSafeEqual };
});
import { checkPasswordStrength, hashPassword, verifyPassword } from '@/lib/auth/passwords';

describe('hashPassword / verifyPassword', () => {
  it('stores a self-describing scrypt hash with its own salt and verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts each hash: the same password hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password here', b)).toBe(true);
  });

  it('treats Unicode forms of one password as the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait tous les jours');
    expect(await verifyPassword('cafe\u0301 au lait tous les jours', hash)).toBe(true);
  });

  it('refuses a tampered hash instead of throwing', async () => {
    const hash = await hashPassword('a long enough passphrase');
    const parts = hash.split('$');
    const flipped = Buffer.from(parts[5]!, 'base64');
    flipped[0] = flipped[0]! ^ 0xff;
    const tampered = [...parts.slice(0, 5), flipped.toString('base64')].join('$');
    expect(await verifyPassword('a long enough passphrase', tampered)).toBe(false);
    // Cheaper cost parameters, an absurd cost, a wrong scheme, a truncated row:
    expect(await verifyPassword('a long enough passphrase', hash.replace('$32768$', '$16384$'))).toBe(false);
    expect(await verifyPassword('a long enough passphrase', hash.replace('$32768$', '$1073741824$'))).toBe(false);
    expect(await verifyPassword('a long enough passphrase', hash.replace(/^scrypt/, 'bcrypt'))).toBe(false);
    expect(await verifyPassword('a long enough passphrase', parts.slice(0, 5).join('$'))).toBe(false);
    expect(await verifyPassword('a long enough passphrase', '')).toBe(false);
  });

  it('decides with a constant-time compare of equal-length keys', async () => {
    const hash = await hashPassword('timing test passphrase');
    timingSafeEqual.mockClear();
    expect(await verifyPassword('timing test passphrasf', hash)).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [a, b] = timingSafeEqual.mock.calls[0]! as [Buffer, Buffer];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
  });
});

describe('checkPasswordStrength', () => {
  it('asks for at least 12 characters and says how many were given', () => {
    expect(checkPasswordStrength('short pass')).toEqual({ ok: false, message: expect.stringMatching(/at least 12 characters \(this one has 10\)/) });
  });

  it('refuses common and patterned passwords that pass the length rule', () => {
    for (const weak of ['Password1234', 'qwertyuiop12', 'aaaaaaaaaaaaaa', 'abababababab', 'abcdefghijklm', '123456789012', 'DESKBELL1234']) {
      const check = checkPasswordStrength(weak);
      expect(check.ok, weak).toBe(false);
      if (!check.ok) expect(check.message).toMatch(/first an attacker would try/);
    }
  });

  it('refuses a password built on the email name, but not because of a short name', () => {
    expect(checkPasswordStrength('dana.whitfield2025!', { email: 'Dana.Whitfield@acme.example' }).ok).toBe(false);
    expect(checkPasswordStrength('jolly green tractor', { email: 'jo@acme.example' }).ok).toBe(true);
  });

  it('accepts a passphrase and refuses an absurdly long one', () => {
    expect(checkPasswordStrength('violet kettle marches north')).toEqual({ ok: true });
    expect(checkPasswordStrength('x'.repeat(300)).ok).toBe(false);
  });
});
