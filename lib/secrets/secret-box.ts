import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serverEnv, type ServerEnv } from '@/lib/env';

/**
 * AES-256-GCM for secrets at rest (the Manage private key and clientId).
 * Sealed format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The version prefix lets a
 * later format (or key rotation) coexist with rows written today.
 */

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** Raised when a sealed value cannot be opened: wrong key, tampered or truncated data. */
export class SecretOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretOpenError';
  }
}

/** Raised when a secret must be stored but no key is configured. The message tells the admin what to do. */
export class SecretKeyMissingError extends Error {
  constructor() {
    super(
      'Deskbell cannot store secrets without an encryption key. Set DESKBELL_SECRET_KEY to 32 random bytes ' +
        '(generate one with `openssl rand -base64 32`) and restart Deskbell.',
    );
    this.name = 'SecretKeyMissingError';
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`A secret key is ${SECRET_KEY_BYTES} bytes; this one is ${key.length}.`);
}

/**
 * `context` is bound as additional authenticated data: a value sealed for one purpose
 * (say the clientId) cannot be swapped into another field without failing to open.
 */
export function sealSecret(plaintext: string, key: Buffer, context = ''): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export function openSecret(sealed: string, key: Buffer, context = ''): string {
  assertKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4) throw new SecretOpenError('The stored secret is not in a format Deskbell knows.');
  const [version, ivText, tagText, dataText] = parts as [string, string, string, string];
  if (version !== FORMAT_VERSION) throw new SecretOpenError(`The stored secret uses format ${version}; this Deskbell reads ${FORMAT_VERSION}.`);
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretOpenError('The stored secret is damaged.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // GCM does not say whether the key or the data is wrong; neither does this message.
    throw new SecretOpenError('The stored secret cannot be decrypted: DESKBELL_SECRET_KEY is not the key it was saved with, or the data was changed.');
  }
}

/** Accepts 64 hex characters or base64/base64url of exactly 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(value)
      ? // Node's base64 decoder also reads the base64url alphabet.
        Buffer.from(value, 'base64')
      : null;
  if (!key || key.length !== SECRET_KEY_BYTES) {
    throw new Error(
      `DESKBELL_SECRET_KEY must be ${SECRET_KEY_BYTES} bytes written as 64 hex characters or 44 base64 characters ` +
        `(generate one with \`openssl rand -base64 32\`); the value given ${key ? `decodes to ${key.length} bytes` : 'is neither hex nor base64'}.`,
    );
  }
  return key;
}

export function demoSecretKeyPath(env: ServerEnv): string {
  return path.resolve(env.DESKBELL_DATA_DIR, 'secret.key');
}

/** Demo mode keeps one generated key in the data directory, readable by its owner only. */
function loadOrCreateDemoKey(file: string): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseSecretKey(fs.readFileSync(file, 'utf8'));
}

/** The key from the environment, or in demo mode the generated one; null when neither exists. */
export function findSecretKey(env: ServerEnv = serverEnv()): Buffer | null {
  if (env.DESKBELL_SECRET_KEY !== undefined) return parseSecretKey(env.DESKBELL_SECRET_KEY);
  if (env.DESKBELL_DEMO) return loadOrCreateDemoKey(demoSecretKeyPath(env));
  return null;
}

let cachedKey: Buffer | undefined;

/** The app's secret key. Throws SecretKeyMissingError outside demo mode without DESKBELL_SECRET_KEY. */
export function loadSecretKey(): Buffer {
  if (!cachedKey) {
    const key = findSecretKey();
    if (!key) throw new SecretKeyMissingError();
    cachedKey = key;
  }
  return cachedKey;
}
