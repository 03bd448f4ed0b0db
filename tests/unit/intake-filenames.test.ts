import { describe, expect, it } from 'vitest';
import { toSafeFilename } from '@/lib/intake/read-press-request';

describe('toSafeFilename', () => {
  it('keeps only the last path segment, for either separator', () => {
    expect(toSafeFilename('../../etc/passwd', 'f')).toBe('passwd');
    expect(toSafeFilename('..\\..\\Windows\\system.ini', 'f')).toBe('system.ini');
    expect(toSafeFilename('/abs/path/shot.png', 'f')).toBe('shot.png');
  });

  it('falls back when nothing usable is left', () => {
    expect(toSafeFilename('..', 'screenshot-1.png')).toBe('screenshot-1.png');
    expect(toSafeFilename('dir/', 'attachment-2')).toBe('attachment-2');
    expect(toSafeFilename(undefined, 'attachment-1')).toBe('attachment-1');
    expect(toSafeFilename('\u0000\u0001', 'x')).toBe('x');
  });

  it('drops control characters and extension-disguising bidi overrides', () => {
    expect(toSafeFilename('inv\u0000oice\r\n.pdf', 'f')).toBe('invoice.pdf');
    expect(toSafeFilename('invoice\u202Egpj.exe', 'f')).toBe('invoicegpj.exe');
    expect(toSafeFilename('a<b>:c|d?.txt', 'f')).toBe('a_b__c_d_.txt');
    expect(toSafeFilename('.hidden', 'f')).toBe('hidden');
  });

  it('keeps Unicode names and bounds the length, keeping the extension', () => {
    expect(toSafeFilename('צילום מסך 😀.png', 'f')).toBe('צילום מסך 😀.png');
    const long = toSafeFilename(`${'é'.repeat(300)}.png`, 'f');
    expect(long).toHaveLength(100);
    expect(long.endsWith('.png')).toBe(true);
  });

  it('fits Manage\u2019s 100-character document title (UTF-16 units), never splitting an emoji', () => {
    const name = `${'a'.repeat(110)}.pdf`;
    expect(toSafeFilename(name, 'f')).toBe(`${'a'.repeat(96)}.pdf`);
    expect(toSafeFilename(`${'b'.repeat(100)}`, 'f')).toBe('b'.repeat(100));
    expect(toSafeFilename(`${'c'.repeat(101)}`, 'f')).toBe('c'.repeat(100));
    const emoji = toSafeFilename(`${'😀'.repeat(60)}.png`, 'f');
    expect(emoji.length).toBeLessThanOrEqual(100);
    expect(emoji).toBe(`${'😀'.repeat(48)}.png`);
    expect(toSafeFilename(`${'d'.repeat(120)}.averyverylongextension`, 'f')).toHaveLength(100);
  });
});
