import 'server-only';
import { z } from 'zod';

/**
 * The pod API's inputs. Member authentication arrives as Manage handed it to the pod
 * (components/pod/hosted-api MemberAuthentication); only what proving the member needs is kept, and it
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

/** POST /api/pod/session: member authentication is well under 1 KB; anything much larger is not a pod. */
export const podSessionInput = { body: podSessionBodySchema, maxBodyBytes: 16 * 1024 };
