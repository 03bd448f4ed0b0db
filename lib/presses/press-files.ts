import 'server-only';
import { DeskbellApiError, toErrorResponse } from '@/lib/http/errors';
import type { DeskbellDatabase } from '@/lib/store/database';
import { findPressFile, readPressFileBytes } from './press-file-store';
import { pressIdSchema } from './press-report';

/** Types a browser may render inline; screenshots are sniffed to these at intake. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** `filename="…"` for old clients (printable ASCII, no quotes or backslashes) and `filename*` in UTF-8. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_').slice(0, 150) || 'file';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * GET one press file for an admin: only when the file belongs to that press (an unknown id
 * and another press's file get the same 404), 410 once retention removed the bytes. The
 * stored content type is sent as is, but only images render inline: anything else is a
 * download in a sandbox, so an uploaded HTML file cannot run script on the admin origin.
 */
export async function servePressFile(db: DeskbellDatabase, pressId: string, fileId: string): Promise<Response> {
  try {
    const press = pressIdSchema.safeParse(pressId);
    const file = pressIdSchema.safeParse(fileId);
    if (!press.success || !file.success) throw new DeskbellApiError('not_found', 'There is no such file.');
    const row = await findPressFile(db, press.data, file.data);
    if (!row) throw new DeskbellApiError('not_found', 'There is no such file.');
    const bytes = await readPressFileBytes(db, file.data);
    if (bytes === null) {
      throw new DeskbellApiError('not_found', `This file was removed by retention${row.removedAt ? ` on ${row.removedAt.slice(0, 10)}` : ''}.`, {
        removedAt: row.removedAt,
      });
    }
    const contentType = row.contentType.toLowerCase();
    const inline = INLINE_TYPES.has(contentType);
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        'content-type': row.contentType,
        'content-length': String(bytes.byteLength),
        'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', row.filename),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        // A file never changes under its id; private keeps it out of shared caches.
        'cache-control': 'private, max-age=3600',
      },
    });
  } catch (err) {
    return toErrorResponse(err);
  }
}
