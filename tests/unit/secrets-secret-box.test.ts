import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseServerEnv } from '@/lib/env';
import { findSecretKey, openSecret, parseSecretKey, sealSecret, SecretOpenError } from '@/lib/secrets/secret-box';

const key = randomBytes(32);

describe('sealSecret / openSecret', () => {
  it('round-trips, with a fresh IV each time, and never shows the plaintext', () => {
    const a = sealSecret('DemoPrivKey00001', key);
    const b = sealSecret('DemoPrivKey00001', key);
    expect(a).not.toBe(b);
    expect(a).not.toContain('DemoPrivKey00001');
    expect(openSecret(a, key)).toBe('DemoPrivKey00001');
    expect(openSecret(sealSecret('ünïcode ✓', key), key)).toBe('ünïcode ✓');
  });

  it('writes a versioned format: v1.<96-bit iv>.<128-bit tag>.<ciphertext>', () => {
    const [version, iv, tag, data, ...rest] = sealSecret('x', key).split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(data!, 'base64url')).toHaveLength(1);
    expect(rest).toEqual([]);
  });

  it('refuses tampered ciphertext, tag or IV', () => {
    const sealed = sealSecret('secret value', key);
    const parts = sealed.split('.');
    for (const i of [1, 2, 3]) {
      const bytes = Buffer.from(parts[i]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(() => openSecret(tampered, key)).toThrow(SecretOpenError);
    }
    expect(() => openSecret(sealed.slice(0, -2), key)).toThrow(SecretOpenError);
  });

  it('refuses the wrong key with a message that names the key, not the secret', () => {
    const sealed = sealSecret('secret value', key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow(/DESKBELL_SECRET_KEY is not the key it was saved with/);
    try {
      openSecret(sealed, randomBytes(32));
    } catch (err) {
      expect(String(err)).not.toContain('secret value');
    }
  });

  it('binds a value to its purpose: sealed for one field, it does not open as another', () => {
    const sealed = sealSecret('clientid-guid', key, 'manage.connection.clientId');
    expect(openSecret(sealed, key, 'manage.connection.clientId')).toBe('clientid-guid');
    expect(() => openSecret(sealed, key, 'manage.connection.privateKey')).toThrow(SecretOpenError);
  });

  it('refuses an unknown format version and keys that are not 32 bytes', () => {
    const sealed = sealSecret('x', key);
    expect(() => openSecret(sealed.replace(/^v1/, 'v9'), key)).toThrow(/format v9/);
    expect(() => openSecret('not-sealed', key)).toThrow(SecretOpenError);
    expect(() => sealSecret('x', randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('parseSecretKey', () => {
  it('reads 32 bytes as hex, base64 or base64url', () => {
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(` ${key.toString('base64url')}\n`)).toEqual(key);
  });

  it('says what is wrong with a key of the wrong length or alphabet', () => {
    expect(() => parseSecretKey(randomBytes(16).toString('base64'))).toThrow(/decodes to 16 bytes/);
    expect(() => parseSecretKey('not a key!')).toThrow(/neither hex nor base64/);
    expect(() => parseSecretKey('not a key!')).toThrow(/openssl rand -base64 32/);
  });
});

describe('findSecretKey', () => {
  it('uses DESKBELL_SECRET_KEY and reports a malformed one at once', () => {
    expect(findSecretKey(parseServerEnv({ DESKBELL_SECRET_KEY: key.toString('hex') }))).toEqual(key);
    expect(() => findSecretKey(parseServerEnv({ DESKBELL_SECRET_KEY: 'abc' }))).toThrow(/DESKBELL_SECRET_KEY must be 32 bytes/);
  });

  it('has no key outside demo mode without DESKBELL_SECRET_KEY', () => {
    expect(findSecretKey(parseServerEnv({}))).toBeNull();
  });

  it('generates the demo key once into the data directory, readable by its owner only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskbell-key-'));
    try {
      const env = parseServerEnv({ DESKBELL_DEMO: '1', DESKBELL_DATA_DIR: dir });
      const first = findSecretKey(env);
      const second = findSecretKey(env);
      expect(first).toHaveLength(32);
      expect(second).toEqual(first);
      expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
