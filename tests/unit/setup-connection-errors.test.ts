import { describe, expect, it } from 'vitest';
import { ManageError } from '@/lib/connectwise/errors';
import {
  classifyCompanyInfoAnswer,
  classifyManageApiError,
  classifyTransportError,
  isTlsErrorCode,
  transportErrorCode,
  type ApiFailureContext,
} from '@/lib/setup/connection-errors';

const withCode = (code: string) => Object.assign(new Error(`socket said ${code}`), { code });
const ctx: ApiFailureContext = { companyId: 'acme', publicKey: 'PubKey123', isCloud: false, companyKnown: true, apiUrl: 'https://cw.example/v4_6_release/apis/3.0' };

function httpError(status: number, code: string, message = `Manage answered ${status}`): ManageError {
  return new ManageError({ message, status, code, kind: 'http', method: 'GET', path: '/system/info', retryable: false });
}

describe('transport errors', () => {
  it.each([
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['EHOSTUNREACH', 'unreachable'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['EPROTO', 'tls'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['EWHATEVER', 'network'],
  ])('%s is a %s problem on the endpoint field', (code, kind) => {
    const problem = classifyTransportError(withCode(code), 'cw.example');
    expect(problem.kind).toBe(kind);
    expect(problem.field).toBe('endpoint');
    expect(problem.message).toContain('cw.example');
    expect(problem.message).toContain(code);
  });

  it('finds the code inside fetch-style wrappers (TypeError with a cause)', () => {
    const wrapped = new TypeError('fetch failed', { cause: withCode('CERT_HAS_EXPIRED') });
    expect(transportErrorCode(wrapped)).toBe('CERT_HAS_EXPIRED');
    expect(classifyTransportError(wrapped, 'cw.example').message).toMatch(/expired certificate/);
  });

  it('says which certificate problem it is', () => {
    expect(classifyTransportError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'h').message).toMatch(/self-signed/);
    expect(classifyTransportError(withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'h').fix).toMatch(/host name the certificate was issued for/);
    expect(classifyTransportError(withCode('EAI_AGAIN'), 'h').message).toMatch(/DNS server did not answer/);
  });

  it('treats an error without a code as an unknown network failure', () => {
    expect(transportErrorCode(new Error('boom'))).toBeNull();
    expect(classifyTransportError(new Error('boom'), 'h').kind).toBe('network');
    expect(isTlsErrorCode('ECONNRESET')).toBe(false);
    expect(isTlsErrorCode('ERR_SSL_WRONG_VERSION_NUMBER')).toBe(true);
  });
});

describe('authenticated call failures', () => {
  it('a 401 about the clientId points at the clientId field', () => {
    const problem = classifyManageApiError(httpError(401, 'InvalidClientId'), ctx);
    expect(problem).toMatchObject({ kind: 'client_id', field: 'clientId' });
    expect(classifyManageApiError(httpError(401, 'Unauthorized', 'the clientId header is missing'), ctx).kind).toBe('client_id');
  });

  it('a 401 for a company the login service did not know blames the company id', () => {
    const problem = classifyManageApiError(httpError(401, 'Unauthorized'), { ...ctx, companyKnown: false });
    expect(problem).toMatchObject({ kind: 'company_unknown', field: 'apiKey' });
    expect(problem.title).toContain('"acme"');
  });

  it('a 401 for a known company blames the keys and names the public key only', () => {
    const problem = classifyManageApiError(httpError(401, 'Unauthorized'), ctx);
    expect(problem).toMatchObject({ kind: 'keys_rejected', field: 'apiKey' });
    expect(problem.message).toContain('PubKey123');
    expect(problem.fix).toMatch(/API Members/);
  });

  it('a 403 is the security role, a cloud 404 is an auth failure, an on-premise 404 is the wrong path', () => {
    expect(classifyManageApiError(httpError(403, 'Forbidden'), ctx)).toMatchObject({ kind: 'forbidden', field: null });
    expect(classifyManageApiError(httpError(404, 'NotFound'), { ...ctx, isCloud: true })).toMatchObject({ kind: 'cloud_auth_404', field: 'apiKey' });
    const onPrem = classifyManageApiError(httpError(404, 'NotFound'), ctx);
    expect(onPrem).toMatchObject({ kind: 'no_api_here', field: 'endpoint' });
    expect(onPrem.fix).toMatch(/v4_6_release/);
  });

  it('timeouts, invalid answers and 5xx keep their own wording', () => {
    const timeout = new ManageError({ message: 'Timed out', status: null, code: 'Timeout', kind: 'timeout', phase: 'headers', method: 'GET', path: '/system/info', retryable: true });
    expect(classifyManageApiError(timeout, ctx).kind).toBe('timeout');
    const html = new ManageError({ message: 'the body is text/html', status: 200, code: 'InvalidResponse', kind: 'invalid_response', method: 'GET', path: '/system/info', retryable: false });
    expect(classifyManageApiError(html, ctx).kind).toBe('not_manage');
    const busy = classifyManageApiError(httpError(503, 'ServiceUnavailable'), ctx);
    expect(busy.kind).toBe('manage_error');
    expect(busy.fix).toMatch(/again in a minute/);
  });

  it('a login service answering something else is not Manage', () => {
    expect(classifyCompanyInfoAnswer(200, 'example.com')).toMatchObject({ kind: 'not_manage', field: 'endpoint' });
  });
});
