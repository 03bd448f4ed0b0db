import 'server-only';
import { serverEnv } from '@/lib/env';

/**
 * Manage's document title holds 100 characters (counted as .NET does, in UTF-16 code units),
 * and a document's title is its file name: names are shortened to this at intake, keeping the
 * extension, so an upload can never fail after the press was accepted.
 */
export const MANAGE_DOCUMENT_TITLE_CHARS = 100;

/** Every bound the intake enforces; tests pass small ones instead of allocating 25 MB. */
export type PressLimits = {
  maxBodyBytes: number;
  maxFileBytes: number;
  maxFiles: number;
  maxImagePixels: number;
  maxMessageChars: number;
};

export function pressLimitsFromEnv(): PressLimits {
  const env = serverEnv();
  return {
    maxBodyBytes: env.PRESS_MAX_BODY_BYTES,
    maxFileBytes: env.PRESS_MAX_FILE_BYTES,
    maxFiles: env.PRESS_MAX_FILES,
    maxImagePixels: env.PRESS_MAX_IMAGE_PIXELS,
    maxMessageChars: env.PRESS_MAX_MESSAGE_CHARS,
  };
}

/**
 * A file name shortened to what Manage's document title holds, keeping an extension of up to
 * 10 characters and never splitting a character made of two UTF-16 units (emoji).
 */
export function fitManageTitle(name: string, max: number = MANAGE_DOCUMENT_TITLE_CHARS): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  let stem = '';
  for (const char of Array.from(extension ? name.slice(0, dot) : name)) {
    if (stem.length + char.length > max - extension.length) break;
    stem += char;
  }
  return stem.replace(/[\s.]+$/, '') + extension;
}
