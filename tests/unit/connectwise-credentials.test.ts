import { describe, expect, it } from 'vitest';
import { loadManageConnectionFromEnv } from '@/lib/connectwise/connection';
import { parseClientId, parseManageApiKey, parseManageEndpoint, type Parsed } from '@/lib/connectwise/credentials';
import { parseServerEnv } from '@/lib/env';

function problemOf<T>(result: Parsed<T>) {
  if (result.ok) throw new Error(`expected a problem, got ${JSON.stringify(result.value)}`);
  return result.problem;
}

function valueOf<T>(result: Parsed<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.problem.code}: ${result.problem.message}`);
  return result.value;
}

describe('parseManageApiKey', () => {
  it('splits Companyid+publickey:privatekey', () => {
    expect(valueOf(parseManageApiKey('Comp_a+123asd4asabcd:asdf38judj234'))).toEqual({
      companyId: 'Comp_a',
      publicKey: '123asd4asabcd',
      privateKey: 'asdf38judj234',
    });
  });

  // The private part of every input contains SECRET so the test can prove it is never echoed.
  const malformed: [label: string, input: string, code: string, mentions: RegExp][] = [
    ['empty', '   ', 'ApiKeyEmpty', /Enter the API key/],
    ['no +', 'Comp_a123pub:SECRETpriv', 'ApiKeyMissingPlus', /no "\+"/],
    ['no :', 'Comp_a+123pubSECRETpriv', 'ApiKeyMissingColon', /no ":"/],
    [': before +', 'Comp_a:SECRETpriv+123pub', 'ApiKeyColonBeforePlus', /":" before its "\+"/],
    ['empty company id', '+123pub:SECRETpriv', 'ApiKeyCompanyIdEmpty', /no company id/],
    ['empty public key', 'Comp_a+:SECRETpriv', 'ApiKeyPublicKeyEmpty', /company "Comp_a" has no public key/],
    ['empty private key', 'Comp_a+123pub:', 'ApiKeyPrivateKeyEmpty', /public key "123pub" has no private key/],
    ['space in private key', 'Comp_a+123pub:SECRET priv', 'ApiKeyWhitespace', /a space at character 21 \(in the private key\)/],
    ['space in company id', 'Comp a+123pub:SECRETpriv', 'ApiKeyWhitespace', /a space at character 5 \(in the company id\)/],
    ['tab in public key', 'Comp_a+123\tpub:SECRETpriv', 'ApiKeyWhitespace', /a tab at character 11 \(in the public key\)/],
    ['trailing line break', 'Comp_a+123pub:SECRETpriv\n', 'ApiKeyWhitespace', /a line break at the end \(in the private key\)/],
    ['leading space', ' Comp_a+123pub:SECRETpriv', 'ApiKeyWhitespace', /a space at the start \(in the company id\)/],
    ['several +', 'Comp_a+123+pub:SECRETpriv', 'ApiKeyMultiplePlus', /more than one "\+"/],
    ['+ inside private key', 'Comp_a+123pub:SECRET+priv', 'ApiKeyMultiplePlus', /more than one "\+"/],
    ['several :', 'Comp_a+123pub:SECRET:priv', 'ApiKeyMultipleColons', /more than one ":"/],
  ];

  it.each(malformed)('%s gets its own precise problem', (_label, input, code, mentions) => {
    const problem = problemOf(parseManageApiKey(input));
    expect(problem.field).toBe('apiKey');
    expect(problem.code).toBe(code);
    expect(problem.message).toMatch(mentions);
  });

  it('never puts the private key (or any part of it) in a message', () => {
    for (const [, input] of malformed) {
      const problem = problemOf(parseManageApiKey(input));
      expect(problem.message).not.toMatch(/SECRET|priv\b/);
    }
  });

  it('gives each kind of mistake a different code', () => {
    const codes = new Set(malformed.map(([, input]) => problemOf(parseManageApiKey(input)).code));
    expect([...codes].sort()).toEqual(
      [
        'ApiKeyColonBeforePlus',
        'ApiKeyCompanyIdEmpty',
        'ApiKeyEmpty',
        'ApiKeyMissingColon',
        'ApiKeyMissingPlus',
        'ApiKeyMultipleColons',
        'ApiKeyMultiplePlus',
        'ApiKeyPrivateKeyEmpty',
        'ApiKeyPublicKeyEmpty',
        'ApiKeyWhitespace',
      ].sort(),
    );
  });
});

describe('parseManageEndpoint', () => {
  const onPrem = {
    scheme: 'https',
    host: 'cw.example.com',
    uiHost: 'cw.example.com',
    codebase: 'v4_6_release/',
    baseUrl: 'https://cw.example.com/v4_6_release/apis/3.0',
    isCloud: false,
  };

  it.each([
    'cw.example.com/v4_6_release',
    'https://cw.example.com/v4_6_release',
    'HTTPS://CW.Example.com/v4_6_release/',
    'cw.example.com/v4_6_release/apis/3.0',
    'https://cw.example.com/v4_6_release/apis/3.0/',
    '  cw.example.com/v4_6_release//  ',
    'cw.example.com',
  ])('normalises %j', (input) => {
    expect(valueOf(parseManageEndpoint(input))).toEqual(onPrem);
  });

  it('keeps a non-default codebase and port', () => {
    expect(valueOf(parseManageEndpoint('https://cw.example.com:8443/v2025_1/apis/3.0'))).toMatchObject({
      host: 'cw.example.com:8443',
      codebase: 'v2025_1/',
      baseUrl: 'https://cw.example.com:8443/v2025_1/apis/3.0',
    });
  });

  it.each(['na', 'eu', 'au', 'aus', 'za'])('maps the cloud UI host %s.myconnectwise.net to its api- host', (region) => {
    expect(valueOf(parseManageEndpoint(`${region}.myconnectwise.net/v4_6_release`))).toEqual({
      scheme: 'https',
      host: `api-${region}.myconnectwise.net`,
      uiHost: `${region}.myconnectwise.net`,
      codebase: 'v4_6_release/',
      baseUrl: `https://api-${region}.myconnectwise.net/v4_6_release/apis/3.0`,
      isCloud: true,
    });
  });

  it('keeps an api- host and derives the UI host from it', () => {
    expect(valueOf(parseManageEndpoint('https://api-eu.myconnectwise.net/v4_6_release/apis/3.0'))).toMatchObject({
      host: 'api-eu.myconnectwise.net',
      uiHost: 'eu.myconnectwise.net',
      isCloud: true,
    });
    expect(valueOf(parseManageEndpoint('api-staging.connectwisedev.com/v4_6_release'))).toMatchObject({
      uiHost: 'staging.connectwisedev.com',
      isCloud: true,
    });
  });

  it('accepts http:// only for loopback hosts (the simulator)', () => {
    expect(valueOf(parseManageEndpoint('http://127.0.0.1:8123/v4_6_release'))).toEqual({
      scheme: 'http',
      host: '127.0.0.1:8123',
      uiHost: '127.0.0.1:8123',
      codebase: 'v4_6_release/',
      baseUrl: 'http://127.0.0.1:8123/v4_6_release/apis/3.0',
      isCloud: false,
    });
    expect(valueOf(parseManageEndpoint('http://localhost:9000/v4_6_release')).scheme).toBe('http');
    expect(valueOf(parseManageEndpoint('http://[::1]:9000/v4_6_release')).host).toBe('[::1]:9000');
    expect(valueOf(parseManageEndpoint('http://127.10.0.3/v4_6_release')).scheme).toBe('http');
  });

  it('defaults to http only for a loopback host typed without a scheme (the simulator)', () => {
    expect(valueOf(parseManageEndpoint('127.0.0.1:8123/v4_6_release')).baseUrl).toBe('http://127.0.0.1:8123/v4_6_release/apis/3.0');
    expect(valueOf(parseManageEndpoint('https://127.0.0.1:8443/v4_6_release')).scheme).toBe('https');
    expect(valueOf(parseManageEndpoint('10.0.0.5:8123/v4_6_release')).scheme).toBe('https');
  });

  it.each(['http://cw.example.com/v4_6_release', 'http://na.myconnectwise.net/v4_6_release', 'http://10.0.0.5:8123/v4_6_release', 'http://127.0.0.1.example.com/v4_6_release'])(
    'rejects plain http for %s with its own message',
    (input) => {
      const problem = problemOf(parseManageEndpoint(input));
      expect(problem).toMatchObject({ field: 'endpoint', code: 'EndpointInsecureHttp' });
      expect(problem.message).toMatch(/HTTPS only/);
      expect(problem.message).toMatch(/127\.0\.0\.1, localhost or \[::1\]/);
    },
  );

  it.each([
    ['', 'EndpointEmpty'],
    ['ftp://cw.example.com/v4_6_release', 'EndpointSchemeUnsupported'],
    ['https://user:pw@cw.example.com/v4_6_release', 'EndpointHasCredentials'],
    ['https://na.myconnectwise.net/v4_6_release/ConnectWise.aspx?locale=en_US', 'EndpointHasQuery'],
    ['cw.example.com/v4_6_release/services/system_io', 'EndpointPathUnexpected'],
    ['cw.example.com/v4 6_release', 'EndpointWhitespace'],
    ['cw.example.com/v4_6_release%21', 'EndpointCodebaseInvalid'],
    ['https://', 'EndpointInvalid'],
  ])('rejects %j as %s', (input, code) => {
    expect(problemOf(parseManageEndpoint(input)).code).toBe(code);
  });
});

describe('parseClientId', () => {
  it('accepts a GUID (trimmed)', () => {
    expect(valueOf(parseClientId(' 1b4e28ba-2fa1-11d2-883f-0016d3cca427 '))).toBe('1b4e28ba-2fa1-11d2-883f-0016d3cca427');
  });

  it('explains an empty clientId', () => {
    const problem = problemOf(parseClientId(''));
    expect(problem).toMatchObject({ field: 'clientId', code: 'ClientIdEmpty' });
    expect(problem.message).toMatch(/required on every API call/);
  });

  it('explains a value that is not a GUID without echoing it', () => {
    const problem = problemOf(parseClientId('Comp_a+pub:secretish'));
    expect(problem.code).toBe('ClientIdNotGuid');
    expect(problem.message).toMatch(/must be a GUID/);
    expect(problem.message).not.toContain('secretish');
  });
});

describe('loadManageConnectionFromEnv', () => {
  it('lists what is missing without touching the network', () => {
    const env = parseServerEnv({ MANAGE_ENDPOINT: 'cw.example.com/v4_6_release' });
    expect(loadManageConnectionFromEnv(env)).toEqual({ configured: false, missing: ['MANAGE_API_KEY', 'MANAGE_CLIENT_ID'] });
  });

  it('reports the first malformed value as a problem', () => {
    const env = parseServerEnv({
      MANAGE_ENDPOINT: 'cw.example.com/v4_6_release',
      MANAGE_API_KEY: 'Comp_a+pub',
      MANAGE_CLIENT_ID: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    });
    expect(loadManageConnectionFromEnv(env)).toMatchObject({ configured: false, problem: { code: 'ApiKeyMissingColon' } });
  });

  it('builds client options with the version, timeouts and retries from the environment', () => {
    const env = parseServerEnv({
      MANAGE_ENDPOINT: 'na.myconnectwise.net/v4_6_release',
      MANAGE_API_KEY: 'Comp_a+pub:priv',
      MANAGE_CLIENT_ID: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      MANAGE_API_VERSION: '2025.16',
      MANAGE_HEADERS_TIMEOUT_MS: '9000',
      MANAGE_MAX_RETRIES: '2',
    });
    expect(loadManageConnectionFromEnv(env)).toEqual({
      configured: true,
      options: {
        baseUrl: 'https://api-na.myconnectwise.net/v4_6_release/apis/3.0',
        companyId: 'Comp_a',
        publicKey: 'pub',
        privateKey: 'priv',
        clientId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
        apiVersion: '2025.16',
        timeouts: { connectMs: 5000, headersMs: 9000, bodyMs: 30000 },
        retry: { maxRetries: 2 },
      },
    });
  });
});
