import 'server-only';
import { serverEnv, type ServerEnv } from '@/lib/env';
import type { ManageClientOptions } from './client';
import { parseClientId, parseManageApiKey, parseManageEndpoint, type CredentialProblem } from './credentials';

export type ManageConnectionState =
  | { configured: false; missing: string[] }
  | { configured: true; options: ManageClientOptions }
  | { configured: false; problem: CredentialProblem };

/**
 * The single place that decides how Deskbell reaches Manage. Today the values come from the
 * environment; settings stored in the database will replace this function's source.
 * No network: the typed codebase is used as is (resolveManageConnection checks it online).
 */
export function loadManageConnectionFromEnv(env: ServerEnv = serverEnv()): ManageConnectionState {
  const { MANAGE_ENDPOINT: endpointText, MANAGE_API_KEY: apiKeyText, MANAGE_CLIENT_ID: clientIdText } = env;
  if (endpointText === undefined || apiKeyText === undefined || clientIdText === undefined) {
    const missing: string[] = [];
    if (endpointText === undefined) missing.push('MANAGE_ENDPOINT');
    if (apiKeyText === undefined) missing.push('MANAGE_API_KEY');
    if (clientIdText === undefined) missing.push('MANAGE_CLIENT_ID');
    return { configured: false, missing };
  }
  const endpoint = parseManageEndpoint(endpointText);
  if (!endpoint.ok) return { configured: false, problem: endpoint.problem };
  const key = parseManageApiKey(apiKeyText);
  if (!key.ok) return { configured: false, problem: key.problem };
  const clientId = parseClientId(clientIdText);
  if (!clientId.ok) return { configured: false, problem: clientId.problem };
  return {
    configured: true,
    options: {
      baseUrl: endpoint.value.baseUrl,
      companyId: key.value.companyId,
      publicKey: key.value.publicKey,
      privateKey: key.value.privateKey,
      clientId: clientId.value,
      apiVersion: env.MANAGE_API_VERSION,
      timeouts: {
        connectMs: env.MANAGE_CONNECT_TIMEOUT_MS,
        headersMs: env.MANAGE_HEADERS_TIMEOUT_MS,
        bodyMs: env.MANAGE_BODY_TIMEOUT_MS,
      },
      retry: { maxRetries: env.MANAGE_MAX_RETRIES },
    },
  };
}
