/**
 * The one error type every Manage call throws. It is built only from values that are safe
 * to log: it never holds the API keys, the clientId or the Authorization header, and it
 * does not keep the underlying library error (whose fields we do not control) as `cause`.
 */

export type ManageErrorKind = 'http' | 'timeout' | 'network' | 'invalid_response';
export type ManageTimeoutPhase = 'connect' | 'headers' | 'body';
export type ManageFieldError = { code: string; message: string; resource?: string; field?: string };

export type ManageErrorInit = {
  message: string;
  status: number | null;
  code: string;
  kind: ManageErrorKind;
  method: string;
  path: string;
  retryable: boolean;
  fieldErrors?: ManageFieldError[];
  phase?: ManageTimeoutPhase | null;
  retryAfterMs?: number | null;
};

export class ManageError extends Error {
  readonly status: number | null;
  readonly code: string;
  readonly fieldErrors: ManageFieldError[];
  readonly method: string;
  /** Path below the API base, without its query string. */
  readonly path: string;
  readonly kind: ManageErrorKind;
  /**
   * Whether the same call may succeed later (429, 5xx, timeouts, network failures). It says
   * nothing about whether a write already happened: a timed-out POST is retryable only
   * after the caller has checked that the record does not exist.
   */
  readonly retryable: boolean;
  /** For kind 'timeout': which phase ran out of time. */
  readonly phase: ManageTimeoutPhase | null;
  /** Manage's Retry-After, when it sent one. */
  readonly retryAfterMs: number | null;

  constructor(init: ManageErrorInit) {
    super(init.message);
    this.name = 'ManageError';
    this.status = init.status;
    this.code = init.code;
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.retryable = init.retryable;
    this.fieldErrors = init.fieldErrors ?? [];
    this.phase = init.phase ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      kind: this.kind,
      phase: this.phase,
      method: this.method,
      path: this.path,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      fieldErrors: this.fieldErrors,
    };
  }

  // util.inspect (console.log, loggers) shows exactly what toJSON shows plus the stack.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${JSON.stringify(this.toJSON(), null, 2)}`;
  }
}

/**
 * The configuration given to createManageClient cannot work (missing clientId, empty key,
 * bad base URL). Thrown before any request is sent.
 */
export class ManageConfigError extends Error {
  readonly field: 'baseUrl' | 'companyId' | 'publicKey' | 'privateKey' | 'clientId' | 'apiVersion' | 'options';
  readonly code: string;

  constructor(field: ManageConfigError['field'], code: string, message: string) {
    super(message);
    this.name = 'ManageConfigError';
    this.field = field;
    this.code = code;
  }
}

export function isManageError(value: unknown): value is ManageError {
  return value instanceof ManageError;
}

const retryableNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Maps a failure below HTTP (undici errors, socket errors, aborts) to a ManageError. Only
 * the error's code is used, never its other fields.
 */
export function toTransportError(error: unknown, method: string, path: string): ManageError {
  const code = errorCode(error);
  const at = `${method} ${path}`;
  const timeoutPhase: Record<string, ManageTimeoutPhase> = {
    UND_ERR_CONNECT_TIMEOUT: 'connect',
    UND_ERR_HEADERS_TIMEOUT: 'headers',
    UND_ERR_BODY_TIMEOUT: 'body',
  };
  const phase = timeoutPhase[code];
  if (phase) {
    const what = {
      connect: 'connecting to Manage',
      headers: 'waiting for Manage to answer',
      body: 'reading the body of Manage\u2019s answer',
    }[phase];
    return new ManageError({
      message: `Timed out ${what} (${phase} timeout) on ${at}.`,
      status: null,
      code: 'Timeout',
      kind: 'timeout',
      phase,
      method,
      path,
      retryable: true,
    });
  }
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR' || isAbortError(error)) {
    return new ManageError({
      message: `The call ${at} was cancelled by the caller.`,
      status: null,
      code: 'Aborted',
      kind: 'network',
      method,
      path,
      retryable: false,
    });
  }
  return new ManageError({
    message: `Could not reach Manage for ${at}: ${describeNetworkCode(code)}.`,
    status: null,
    code: 'NetworkError',
    kind: 'network',
    method,
    path,
    retryable: retryableNetworkCodes.has(code) || code === 'UNKNOWN',
  });
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'UNKNOWN';
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'RequestAbortedError');
}

function describeNetworkCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (ECONNREFUSED); is the host and port right?';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection was closed before an answer arrived (${code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name could not be resolved (${code})`;
    case 'UNKNOWN':
      return 'an unexpected network failure';
    default:
      return `network failure ${code}`;
  }
}

/**
 * A refusal that repeats until an admin acts: 403 (the API member's security role lacks a
 * permission) and 401 (Manage does not accept the keys or the clientId). Retrying cannot help.
 */
export function needsManageAdmin(error: ManageError): boolean {
  return error.kind === 'http' && (error.status === 401 || error.status === 403);
}
