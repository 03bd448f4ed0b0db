/**
 * One error type and one mapper for every API route. Handlers throw DeskbellApiError (or let a
 * ZodError escape); the route wrappers (lib/api/with-*.ts) map whatever was thrown with
 * toErrorResponse, so every failure has the same body shape: { error: { code, message, details } }.
 * What differs between kinds of caller (a bearer challenge) is data they hand in, not a mapper
 * of their own.
 */
import { ZodError } from 'zod';

export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable_entity: 422,
  rate_limit_exceeded: 429,
  internal_server_error: 500,
  bad_gateway: 502,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type ErrorBody = {
  error: { code: ErrorCode; message: string; details: unknown };
};

export class DeskbellApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details: unknown = null) {
    super(message);
    this.name = 'DeskbellApiError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

/** Zod issues become field paths a client can act on, e.g. "press.email". */
export function describeZodError(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DeskbellApiError) {
    return {
      status: err.status,
      body: { error: { code: err.code, message: err.message, details: err.details } },
    };
  }
  if (err instanceof ZodError) {
    return {
      status: errorStatus.unprocessable_entity,
      body: {
        error: {
          code: 'unprocessable_entity',
          message: 'The request does not match the expected shape.',
          details: describeZodError(err),
        },
      },
    };
  }
  // Unknown failures never leak their message: it may carry internals or secrets.
  return {
    status: errorStatus.internal_server_error,
    body: {
      error: {
        code: 'internal_server_error',
        message: 'Something went wrong on our side. It has been logged.',
        details: null,
      },
    },
  };
}

/**
 * Node's error when the client closes the connection before its request body has arrived
 * (an abandoned upload): the reader of the body sees `Error: aborted` (ECONNRESET).
 */
export function isAbandonedRequest(err: unknown): boolean {
  return err instanceof Error && err.message === 'aborted' && (err as { code?: unknown }).code === 'ECONNRESET';
}

/** What one kind of caller adds to every error answer; the body and status never differ. */
export type ErrorAnswerPolicy = {
  /** The WWW-Authenticate challenge a 401 carries (RFC 6750 asks bearer-token APIs for one). */
  challenge?: string;
};

/** Seconds a throttled caller should wait, when the error says (details.retryAfterSeconds). */
function retryAfterSeconds(err: unknown): number | null {
  if (!(err instanceof DeskbellApiError) || err.code !== 'rate_limit_exceeded') return null;
  const details: unknown = err.details;
  if (details === null || typeof details !== 'object' || !('retryAfterSeconds' in details)) return null;
  return typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : null;
}

export function toErrorResponse(err: unknown, policy: ErrorAnswerPolicy = {}): Response {
  if (isAbandonedRequest(err)) {
    // Not a fault of ours, and nobody is left to read the answer: one line, no stack.
    console.info('[api] the client closed the connection before its request body arrived');
    const body: ErrorBody = {
      error: { code: 'bad_request', message: 'The request body ended before it was complete.', details: null },
    };
    return Response.json(body, { status: errorStatus.bad_request, headers: { 'cache-control': 'no-store' } });
  }
  const { status, body } = toErrorBody(err);
  if (status >= 500 && !(err instanceof DeskbellApiError)) {
    console.error('[api] unhandled error', err instanceof Error ? err.stack : err);
  }
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === errorStatus.unauthorized && policy.challenge) headers['www-authenticate'] = policy.challenge;
  // A throttled caller is told when to try again, so it neither hammers nor gives up.
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
  return Response.json(body, { status, headers });
}
