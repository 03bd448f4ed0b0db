/**
 * The agent's request bodies around the press document (lib/presses/press-payload.ts): the
 * multipart `press` part with its screenshot descriptions, and the JSON body with the files
 * inline as base64.
 *
 * Screenshot metadata: the press document carries `screenshots: [{capturedAt, monitor}]`,
 * one entry per screenshot, in order. In multipart bodies the entries describe the
 * `screenshot` file parts in the order they appear (the counts must match); in JSON bodies
 * each entry also carries its file (`filename`, `contentType`, base64 `data`). Attachments
 * need no metadata in multipart; in JSON they are `attachments: [{filename, contentType?, data}]`.
 * The descriptions are optional so a simple agent (curl, a script) can send screenshots alone:
 * a multipart press without `screenshots` (absent or null), or a JSON entry without
 * `capturedAt`/`monitor`, gets the receipt time and the file's position (read-press-request).
 * Whatever is given is checked strictly, including the count of a given list.
 */
import { z } from 'zod';
import {
  blankToUndefined,
  nullToUndefined,
  pressFieldsShape,
  pressTextLimits,
  type PressFieldLimits,
  type PressPayload,
} from '@/lib/presses/press-payload';

// Standard or URL-safe alphabet, optional padding; whitespace (line wrapping) is removed first.
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
// type/subtype with optional parameters; anything else is replaced by application/octet-stream.
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;\s*[a-z0-9-]+=(?:"[^"\\\r\n]*"|[a-z0-9!#$&^_.+-]+))*$/i;

const screenshotMetaShape = {
  capturedAt: z
    .iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-01T09:30:00Z' })
    .transform((v) => new Date(v).toISOString()),
  monitor: z.int({ error: 'must be a whole number (0 = first monitor)' }).min(0).max(255),
};

const base64Data = z
  .string()
  .transform((v) => v.replace(/\s+/g, ''))
  .refine((v) => v.length > 0, { error: 'must not be empty' })
  .refine((v) => BASE64.test(v), { error: 'is not valid base64' });

// Longer names than Manage keeps are accepted and shortened (toSafeFilename); past this they are refused.
const fileNameTooLong = { error: `is too long (at most ${pressTextLimits.filename} characters)` };
const fileNameField = z.preprocess(blankToUndefined, z.string().max(pressTextLimits.filename, fileNameTooLong).optional());
const contentTypeField = z.preprocess(
  blankToUndefined,
  z.string().trim().max(pressTextLimits.contentType).optional(),
);

/** The `press` part of a multipart body: the fields plus one metadata entry per screenshot part. */
export function createMultipartPressSchema(limits: PressFieldLimits) {
  return z.object({
    ...pressFieldsShape(limits),
    // Absent means "not described" (defaults apply); a given list must describe every part.
    screenshots: z.preprocess(nullToUndefined, z.array(z.object(screenshotMetaShape)).optional()),
  });
}

/** A whole application/json body: the fields plus the files inline as base64. */
export function createJsonPressSchema(limits: PressFieldLimits) {
  return z.object({
    ...pressFieldsShape(limits),
    screenshots: z.preprocess(
      nullToUndefined,
      z
        .array(
          z.object({
            capturedAt: z.preprocess(nullToUndefined, screenshotMetaShape.capturedAt.optional()),
            monitor: z.preprocess(nullToUndefined, screenshotMetaShape.monitor.optional()),
            filename: fileNameField,
            contentType: contentTypeField,
            data: base64Data,
          }),
        )
        .default([]),
    ),
    attachments: z.preprocess(
      nullToUndefined,
      z
        .array(
          z.object({
            filename: z.preprocess(
              blankToUndefined,
              z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).max(pressTextLimits.filename, fileNameTooLong),
            ),
            contentType: contentTypeField,
            data: base64Data,
          }),
        )
        .default([]),
    ),
  });
}

export type MultipartPress = z.infer<ReturnType<typeof createMultipartPressSchema>>;
export type JsonPress = z.infer<ReturnType<typeof createJsonPressSchema>>;

/** Reads a stored payload back; limits were enforced on the way in, so none are applied here. */
/** The declared content type when it is well-formed, else the safe default. */
export function normalizeContentType(declared: string | undefined): string {
  const value = declared?.trim().toLowerCase();
  if (!value || !MIME_TYPE.test(value)) return 'application/octet-stream';
  return value;
}

/** The press fields alone (no file lists), as stored and hashed. */
export function pickPressPayload(press: MultipartPress | JsonPress): PressPayload {
  const { v, name, email, phone, extension, cell, businessName, message, selections, host, append, custom } = press;
  return { v, name, email, phone, extension, cell, businessName, message, selections, host, append, custom };
}
