import 'server-only';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/api/errors';

/**
 * The pod API's inputs. Member authentication arrives as Manage handed it to the pod
 * (lib/hosted-api MemberAuthentication); only what proving the member needs is kept, and it
 * is shaped so it can travel in a cookie or a Basic header without changing meaning.
 */

const MAX_ID = 2_147_483_647;

/** Manage member identifiers are short logins without spaces; `+` and `:` would break the Basic form. */
const memberIdentifier = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, { error: 'is not a Manage member identifier' });

/** Cookie-safe characters only (RFC 6265 cookie-octet): the hash and context may be sent as cookies. */
const cookieValue = (what: string) =>
  z
    .string()
    .max(4_096)
    .regex(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/, { error: `is not a ${what} Manage hands out` });

export const podMemberAuthSchema = z.object({
  site: z.string().trim().min(1).max(255),
  companyid: z.string().trim().min(1).max(100),
  memberid: memberIdentifier,
  memberHash: cookieValue('member hash').min(1),
  // Some Manage versions send null or an empty string; both mean "no context" (Basic form).
  memberContext: z
    .union([cookieValue('member context'), z.null()])
    .optional()
    .transform((v) => (v ? v : undefined)),
  memberEmail: z.string().max(320).nullish(),
  codeBase: z.string().max(200).nullish(),
});

const positiveId = z.number().int().positive().max(MAX_ID);
/** A record id in a path or query: digits only (no signs, exponents or spaces). */
const idText = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, { error: 'is not a Manage record id' })
  .transform(Number)
  .pipe(positiveId);

export const podSessionBodySchema = z.object({
  auth: podMemberAuthSchema,
  screen: z.enum(['ticket', 'company']),
  id: z.union([positiveId, idText]),
});
export type PodSessionBody = z.infer<typeof podSessionBodySchema>;

export const podTicketParamsSchema = z.object({ ticketId: idText });

/** Checked as UUIDs by the file lookup, which answers 404 for anything else (like an unknown id). */
export const podFileParamsSchema = z.object({ pressId: z.string().max(100), fileId: z.string().max(100) });

export const podCompanyParamsSchema = z.object({ companyId: idText });

export const podCompanyQuerySchema = z.object({
  limit: z
    .preprocess((v) => (v === null || v === '' ? undefined : v), z.coerce.number().int().min(1).max(100).optional())
    .default(25),
});

/** Member authentication is well under 1 KB; anything much larger is not a pod. */
const MAX_SESSION_BODY_BYTES = 16 * 1024;

/** The session request's JSON body: 415 unless JSON, 413 when too large, 400 when unreadable, 422 when misshapen. */
export async function readPodSessionBody(request: Request): Promise<PodSessionBody> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new DeskbellApiError('unsupported_media_type', 'Send the member authentication as application/json.');
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_SESSION_BODY_BYTES) throw new DeskbellApiError('payload_too_large', 'The session request is too large.');
  const text = await readCappedText(request, MAX_SESSION_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeskbellApiError('bad_request', 'The session request is not valid JSON.');
  }
  return podSessionBodySchema.parse(json);
}

/** Stops reading past the cap, so a chunked body without a length cannot fill memory. */
async function readCappedText(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new DeskbellApiError('payload_too_large', 'The session request is too large.');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
