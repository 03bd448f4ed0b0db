import 'server-only';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The known-device cookie: proof that this browser once signed in as a given admin. A sign-in
 * from a known device is throttled on its own count (lib/auth/login-throttle.ts), so a
 * stranger who hammers an admin's email cannot lock that admin out of the devices they use.
 *
 * Value: `v1.<device id>.<issued, unix seconds>.<mac>`, the mac an HMAC-SHA256 over the id, the
 * issue time and the admin's email under a key derived from the session secret. The email is
 * not in the cookie; the mac only verifies for the email it was issued for, so the cookie of
 * one admin (or of an attacker's own account) is worth nothing for another email.
 */

export const KNOWN_DEVICE_COOKIE = 'deskbell.known-device';
export const KNOWN_DEVICE_MAX_AGE_SECONDS = 90 * 24 * 60 * 60;
const VERSION = 'v1';

export type KnownDevice = { deviceId: string };

/** A key of its own, derived from the session secret: the cookie mac never uses the secret itself. */
export function deriveDeviceKey(authSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', authSecret, 'deskbell', 'known-device-v1', 32));
}

function mac(key: Buffer, deviceId: string, issued: number, email: string): string {
  return createHmac('sha256', key).update(`${VERSION}\n${deviceId}\n${issued}\n${email.trim().toLowerCase()}`, 'utf8').digest('base64url');
}

/** A new cookie value for a device that just signed in as `email`; keeps the device id when it had one. */
export function issueKnownDevice(key: Buffer, email: string, now: number, deviceId: string = randomBytes(16).toString('base64url')): string {
  const issued = Math.floor(now / 1000);
  return `${VERSION}.${deviceId}.${issued}.${mac(key, deviceId, issued, email)}`;
}

/** The device, when the cookie is genuine, was issued for this email and is younger than its max age; else null. */
export function readKnownDevice(key: Buffer, value: string | undefined, email: string, now: number): KnownDevice | null {
  if (!value || value.length > 200) return null;
  const parts = value.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const [, deviceId = '', issuedText = '', given = ''] = parts;
  if (!/^[A-Za-z0-9_-]{16,43}$/.test(deviceId) || !/^\d{1,12}$/.test(issuedText)) return null;
  const issued = Number(issuedText);
  const age = now / 1000 - issued;
  if (age < -300 || age > KNOWN_DEVICE_MAX_AGE_SECONDS) return null;
  const expected = Buffer.from(mac(key, deviceId, issued, email), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? { deviceId } : null;
}

/** One cookie's value from a Cookie header (next-auth hands authorize() the raw headers). */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
