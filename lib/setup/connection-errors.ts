import 'server-only';
import type { ManageError } from '@/lib/connectwise/errors';

/**
 * Turns what went wrong while reaching Manage into a problem an MSP admin can fix: which
 * field is wrong, what Manage (or the network) said, and where in Manage to look. Pure
 * functions over error codes and statuses, so every branch is unit-tested. Messages may
 * name the company id and the public key, never the private key or the clientId.
 */

export type ConnectionProblemKind =
  | 'input'
  | 'dns'
  | 'refused'
  | 'reset'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'network'
  | 'not_manage'
  | 'company_unknown'
  | 'keys_rejected'
  | 'client_id'
  | 'forbidden'
  | 'cloud_auth_404'
  | 'no_api_here'
  | 'manage_error';

export type ConnectionField = 'endpoint' | 'apiKey' | 'clientId';

export type ConnectionProblem = {
  kind: ConnectionProblemKind;
  /** The form field to point at, when one field is to blame. */
  field: ConnectionField | null;
  title: string;
  message: string;
  fix: string;
};

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** The code of a low-level failure, looking through `cause` (fetch wraps socket errors). */
export function transportErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    if ('code' in current && typeof current.code === 'string' && current.code !== '') return current.code;
    current = 'cause' in current ? current.cause : null;
  }
  return null;
}

export function isTlsErrorCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}

/** A failure below HTTP while reaching `host` (DNS, TCP, TLS, timeouts). */
export function classifyTransportError(error: unknown, host: string): ConnectionProblem {
  const code = transportErrorCode(error) ?? 'UNKNOWN';
  const endpointFix = 'Check the endpoint: it is the address you open Manage at, followed by /v4_6_release.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      kind: 'dns',
      field: 'endpoint',
      title: 'The Manage host name does not exist',
      message:
        code === 'EAI_AGAIN'
          ? `The name ${host} could not be looked up right now (EAI_AGAIN): the DNS server did not answer.`
          : `The name ${host} could not be found in DNS (ENOTFOUND).`,
      fix: `${endpointFix} Look for a typo in the host name; ConnectWise cloud sites look like na.myconnectwise.net.`,
    };
  }
  if (code === 'ECONNREFUSED') {
    return {
      kind: 'refused',
      field: 'endpoint',
      title: 'Manage refused the connection',
      message: `${host} refused the connection (ECONNREFUSED): nothing listens on that port.`,
      fix: `${endpointFix} If you typed a port (host:port), check it; on-premise Manage listens on 443.`,
    };
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED' || code === 'EPIPE') {
    return {
      kind: 'reset',
      field: 'endpoint',
      title: 'The connection was cut',
      message: `${host} closed the connection before answering (${code}). A firewall or proxy may be blocking Deskbell.`,
      fix: 'Check that this server may reach Manage on port 443 (firewall, proxy, IP allow-list), then test again.',
    };
  }
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    return {
      kind: 'unreachable',
      field: 'endpoint',
      title: 'The Manage host cannot be reached',
      message: `There is no network route from this server to ${host} (${code}).`,
      fix: 'Check this server\u2019s network and firewall, and the host name in the endpoint.',
    };
  }
  if (isTlsErrorCode(code)) {
    const selfSigned = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN';
    const expired = code === 'CERT_HAS_EXPIRED';
    const mismatch = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH';
    const what = selfSigned
      ? 'presents a self-signed certificate'
      : expired
        ? 'presents an expired certificate'
        : mismatch
          ? 'presents a certificate issued for a different name'
          : code === 'EPROTO'
            ? 'does not speak HTTPS on that port'
            : 'presents a certificate this server cannot verify';
    return {
      kind: 'tls',
      field: 'endpoint',
      title: 'The secure connection (TLS) failed',
      message: `${host} ${what} (${code}). Deskbell only sends the API key over a verified HTTPS connection.`,
      fix: mismatch
        ? 'Use the host name the certificate was issued for (the one in your browser\u2019s address bar when you use Manage).'
        : 'Install a certificate from a public certificate authority on the Manage server (or its full chain), then test again.',
    };
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return {
      kind: 'timeout',
      field: 'endpoint',
      title: 'Manage did not answer in time',
      message: `${host} did not answer in time (${code}).`,
      fix: 'Check the host name and that this server may reach it (firewall); if Manage is slow right now, test again in a minute.',
    };
  }
  return {
    kind: 'network',
    field: 'endpoint',
    title: 'Manage could not be reached',
    message: `Reaching ${host} failed (${code}).`,
    fix: endpointFix,
  };
}

export type ApiFailureContext = {
  companyId: string;
  publicKey: string;
  isCloud: boolean;
  /** Whether /login/companyinfo knew the company id (false: it answered 404). */
  companyKnown: boolean;
  apiUrl: string;
};

const CLIENT_ID_HINT = /\bclient\s*id\b/i;
const KEY_FIX =
  'In Manage open System > Members > API Members, select Deskbell\u2019s API member, then the API Keys tab: create a new key and copy both the public and the private key.';

/** A failure of an authenticated call (GET /system/info) after the host was reached. */
export function classifyManageApiError(error: ManageError, ctx: ApiFailureContext): ConnectionProblem {
  const { companyId, publicKey } = ctx;
  if (error.status === 401 && (error.code === 'InvalidClientId' || CLIENT_ID_HINT.test(error.message))) {
    return {
      kind: 'client_id',
      field: 'clientId',
      title: 'Manage does not accept the clientId',
      message: 'Manage refused the request because the clientId is missing or not registered (401).',
      fix: 'The clientId is the GUID ConnectWise gives an integration at developer.connectwise.com (not the API key). Copy it again from there.',
    };
  }
  if (error.status === 401 && !ctx.companyKnown) {
    return {
      kind: 'company_unknown',
      field: 'apiKey',
      title: `Manage does not know the company id "${companyId}"`,
      message: `Manage answered 404 for company "${companyId}" on its login service, and refused the key (401).`,
      fix: 'The company id is the first part of the API key, before the "+": it is the Company you type on Manage\u2019s login screen.',
    };
  }
  if (error.status === 401) {
    return {
      kind: 'keys_rejected',
      field: 'apiKey',
      title: 'Manage rejected the API keys',
      message: `Manage knows company "${companyId}" but rejected the public key "${publicKey}" with the private key you entered (401).`,
      fix: `${KEY_FIX} Check that the API member is not inactive. The key format is Companyid+publickey:privatekey.`,
    };
  }
  if (error.status === 403) {
    return {
      kind: 'forbidden',
      field: null,
      title: 'The API member may not read system information',
      message: 'Manage accepted the keys but its security role refused GET /system/info (403).',
      fix: 'In Manage open System > Members > API Members, select Deskbell\u2019s API member and give it a Role ID (the next step lists every permission Deskbell needs).',
    };
  }
  if (error.status === 404 && ctx.isCloud) {
    return {
      kind: 'cloud_auth_404',
      field: 'apiKey',
      title: 'ConnectWise cloud refused the request (404)',
      message: `ConnectWise cloud answered 404 to GET /system/info. On cloud a 404 usually means the company id "${companyId}" or the keys were not accepted, not that the page is missing.`,
      fix: `Check the company id (the Company on the login screen) and the keys. ${KEY_FIX}`,
    };
  }
  if (error.status === 404) {
    return {
      kind: 'no_api_here',
      field: 'endpoint',
      title: 'No Manage API at this address',
      message: `${ctx.apiUrl} answered 404 to GET /system/info.`,
      fix: 'Enter the endpoint as host/v4_6_release: keep /v4_6_release as it is (it is the API version, not your Manage version).',
    };
  }
  if (error.kind === 'invalid_response') {
    return {
      kind: 'not_manage',
      field: 'endpoint',
      title: 'This does not look like a Manage API',
      message: error.message,
      fix: 'Check the endpoint: it is the address you open Manage at, followed by /v4_6_release.',
    };
  }
  if (error.kind === 'timeout') {
    return {
      kind: 'timeout',
      field: 'endpoint',
      title: 'Manage did not answer in time',
      message: error.message,
      fix: 'If Manage is slow right now, test again in a minute; otherwise check the firewall between this server and Manage.',
    };
  }
  if (error.kind === 'network') {
    return {
      kind: 'network',
      field: 'endpoint',
      title: 'The Manage API could not be reached',
      message: error.message,
      fix: 'The login service answered but the API host did not: check the firewall and the endpoint.',
    };
  }
  return {
    kind: 'manage_error',
    field: null,
    title: `Manage answered ${error.status ?? 'with an error'}`,
    message: error.message,
    fix: error.status !== null && error.status >= 500 ? 'Manage had a problem of its own; test again in a minute.' : 'Read Manage\u2019s answer above; it names what to change.',
  };
}

/** /login/companyinfo answered, but not with Manage's company info. */
export function classifyCompanyInfoAnswer(status: number, host: string): ConnectionProblem {
  return {
    kind: 'not_manage',
    field: 'endpoint',
    title: 'This does not look like Manage',
    message: `${host} answered ${status} to Manage\u2019s login service (/login/companyinfo), not with Manage\u2019s company information.`,
    fix: 'Check the endpoint: it is the address you open Manage at (for cloud, na.myconnectwise.net or your region), followed by /v4_6_release.',
  };
}
