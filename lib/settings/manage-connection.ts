import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit-log';
import { parseClientId, parseManageApiKey, parseManageEndpoint, type CredentialProblem } from '@/lib/connectwise/credentials';
import { loadManageConnectionFromEnv, type ManageConnectionState } from '@/lib/connectwise/connection';
import { serverEnv } from '@/lib/env';
import { loadSecretKey, openSecret, sealSecret, SecretKeyMissingError, SecretOpenError } from '@/lib/secrets/secret-box';
import type { DeskbellDatabase } from '@/lib/store/database';
import { readSetting, writeSetting } from './settings-store';

/**
 * The Manage connection the wizard saves. Endpoint, company id and public key are stored in
 * clear (they are shown back to admins); the private key and clientId are sealed with
 * AES-256-GCM, each bound to its field name. Until something is saved, MANAGE_* pre-seed it.
 */

export const MANAGE_CONNECTION_SETTING = 'manage.connection';
const SEAL_CONTEXT = { privateKey: 'manage.connection.privateKey', clientId: 'manage.connection.clientId' } as const;

const storedSchema = z.object({
  version: z.literal(1),
  endpoint: z.string().min(1),
  companyId: z.string().min(1),
  publicKey: z.string().min(1),
  privateKeySealed: z.string().min(1),
  clientIdSealed: z.string().min(1),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
type StoredRow = z.infer<typeof storedSchema>;

export type StoredManageConnection = {
  endpoint: string;
  /** scheme://host:port of the endpoint: the only place the stored private key and clientId are ever sent. */
  origin: string | null;
  companyId: string;
  publicKey: string;
  hasPrivateKey: true;
  /** The last 4 characters of the clientId, to tell registrations apart. */
  clientIdHint: string;
  apiVersion: string;
  updatedAt: string;
  /** `environment`: MANAGE_* pre-seed, nothing saved yet; updatedAt is then when this process read it. */
  source: 'database' | 'environment';
};

/** What the admin typed is wrong; `problem` names the field and says how to fix it (never quoting secrets). */
export class ManageConnectionInputError extends Error {
  constructor(readonly problem: CredentialProblem) {
    super(problem.message);
    this.name = 'ManageConnectionInputError';
  }
}

export type ManageConnectionInput = { endpoint: string; apiKey: string; clientId: string };

/**
 * Validates with the adapter's parsers, seals the secrets and stores the connection; the
 * next press builds a new Manage client from it. Throws ManageConnectionInputError for bad
 * input and SecretKeyMissingError when no DESKBELL_SECRET_KEY is set (outside demo mode).
 */
export async function saveManageConnection(db: DeskbellDatabase, input: ManageConnectionInput, actor: string): Promise<void> {
  const endpoint = parseManageEndpoint(input.endpoint);
  if (!endpoint.ok) throw new ManageConnectionInputError(endpoint.problem);
  const key = parseManageApiKey(input.apiKey);
  if (!key.ok) throw new ManageConnectionInputError(key.problem);
  const clientId = parseClientId(input.clientId);
  if (!clientId.ok) throw new ManageConnectionInputError(clientId.problem);
  const secretKey = loadSecretKey();

  const previous = await readStoredRow(db);
  const changed = previous ? compareSecrets(previous, secretKey, key.value.privateKey, clientId.value) : { privateKey: true, clientId: true };
  const row: StoredRow = {
    version: 1,
    endpoint: input.endpoint.trim(),
    companyId: key.value.companyId,
    publicKey: key.value.publicKey,
    privateKeySealed: sealSecret(key.value.privateKey, secretKey, SEAL_CONTEXT.privateKey),
    clientIdSealed: sealSecret(clientId.value, secretKey, SEAL_CONTEXT.clientId),
    updatedAt: new Date().toISOString(),
    updatedBy: actor,
  };
  await db.transaction().execute(async (trx) => {
    await writeSetting(trx, MANAGE_CONNECTION_SETTING, storedSchema, row);
    await recordAudit(trx, {
      actor,
      action: 'manage.connection.saved',
      target: row.endpoint,
      details: {
        endpoint: row.endpoint,
        companyId: row.companyId,
        publicKey: row.publicKey,
        privateKeyChanged: changed.privateKey,
        clientIdChanged: changed.clientId,
      },
    });
  });
}

function compareSecrets(previous: StoredRow, secretKey: Buffer, privateKey: string, clientId: string): { privateKey: boolean; clientId: boolean } {
  const differs = (sealed: string, context: string, value: string) => {
    try {
      return openSecret(sealed, secretKey, context) !== value;
    } catch {
      return true;
    }
  };
  return {
    privateKey: differs(previous.privateKeySealed, SEAL_CONTEXT.privateKey, privateKey),
    clientId: differs(previous.clientIdSealed, SEAL_CONTEXT.clientId, clientId),
  };
}

async function readStoredRow(db: DeskbellDatabase): Promise<StoredRow | undefined> {
  return readSetting(db, MANAGE_CONNECTION_SETTING, storedSchema);
}

/**
 * How Deskbell reaches Manage right now: the saved connection, else the MANAGE_* pre-seed.
 * Read on every press (one indexed row and two AES-GCM opens), so a saved change applies
 * to the next press without a restart.
 */
export async function loadManageConnection(db: DeskbellDatabase): Promise<ManageConnectionState> {
  const env = serverEnv();
  const stored = await readStoredRow(db);
  if (!stored) return loadManageConnectionFromEnv(env);
  let secretKey: Buffer;
  try {
    secretKey = loadSecretKey();
  } catch (err) {
    if (err instanceof SecretKeyMissingError) return unusable('SecretKeyMissing', err.message);
    return unusable('SecretKeyInvalid', err instanceof Error ? err.message : 'DESKBELL_SECRET_KEY is not valid.');
  }
  let privateKey: string;
  let clientId: string;
  try {
    privateKey = openSecret(stored.privateKeySealed, secretKey, SEAL_CONTEXT.privateKey);
    clientId = openSecret(stored.clientIdSealed, secretKey, SEAL_CONTEXT.clientId);
  } catch (err) {
    const reason = err instanceof SecretOpenError ? err.message : 'The stored Manage connection cannot be read.';
    return unusable('SecretUnreadable', `${reason} Enter the Manage connection again in Setup.`);
  }
  // One path from typed values to client options, shared with the environment pre-seed.
  return bindToOrigin(
    loadManageConnectionFromEnv({
      ...env,
      MANAGE_ENDPOINT: stored.endpoint,
      MANAGE_API_KEY: `${stored.companyId}+${stored.publicKey}:${privateKey}`,
      MANAGE_CLIENT_ID: clientId,
    }),
  );
}

/** Stamps the stored endpoint's origin on the options: the client factory refuses any other baseUrl origin for them. */
function bindToOrigin(state: ManageConnectionState): ManageConnectionState {
  if (!state.configured) return state;
  return { configured: true, options: { ...state.options, credentialOrigin: new URL(state.options.baseUrl).origin } };
}

/** scheme://host:port of what an admin typed as the endpoint, or null when it does not parse. */
export function manageEndpointOrigin(endpoint: string): string | null {
  const parsed = parseManageEndpoint(endpoint);
  return parsed.ok ? new URL(parsed.value.baseUrl).origin : null;
}

/** The wizard's form: an empty API key or clientId means "the stored one" (the browser never has it). */
export type ManageConnectionForm = { endpoint: string; apiKey?: string; clientId?: string };
type MissingField = { path: 'apiKey' | 'clientId'; message: string };
export type CompletedConnectionForm =
  | { ok: true; input: ManageConnectionInput }
  | { ok: false; reason: 'nothing_stored' | 'other_endpoint'; message: string; missing: MissingField[] };

/**
 * The only place typed values and stored secrets meet. Stored secrets fill an empty field only
 * when the typed endpoint has exactly the stored endpoint's origin (scheme, host and port);
 * for any other endpoint, both must be typed again, so a stored private key or clientId can
 * never be sent to a host somebody typed. A malformed endpoint gets nothing filled in: the
 * endpoint parser then says what is wrong with it.
 */
export async function completeManageConnectionForm(db: DeskbellDatabase, form: ManageConnectionForm): Promise<CompletedConnectionForm> {
  const apiKey = form.apiKey?.trim() ?? '';
  const clientId = form.clientId?.trim() ?? '';
  if (apiKey !== '' && clientId !== '') return { ok: true, input: { endpoint: form.endpoint, apiKey: form.apiKey ?? '', clientId } };
  const typedOrigin = manageEndpointOrigin(form.endpoint);
  if (typedOrigin === null) return { ok: true, input: { endpoint: form.endpoint, apiKey, clientId } };

  const state = await loadManageConnection(db);
  if (!state.configured) {
    const missing: MissingField[] = [];
    if (apiKey === '') missing.push({ path: 'apiKey', message: 'Enter the API key: Companyid+publickey:privatekey.' });
    if (clientId === '') missing.push({ path: 'clientId', message: 'Enter the clientId (a GUID from developer.connectwise.com).' });
    return { ok: false, reason: 'nothing_stored', message: 'Some connection fields are empty and nothing is stored yet.', missing };
  }
  const stored = state.options;
  const storedOrigin = stored.credentialOrigin ?? new URL(stored.baseUrl).origin;
  if (typedOrigin !== storedOrigin) {
    const missing: MissingField[] = [];
    if (apiKey === '') {
      missing.push({ path: 'apiKey', message: `Type the API key again for ${typedOrigin}: the stored key is only ever sent to ${storedOrigin}.` });
    }
    if (clientId === '') {
      missing.push({ path: 'clientId', message: `Type the clientId again for ${typedOrigin}: the stored clientId is only ever sent to ${storedOrigin}.` });
    }
    return {
      ok: false,
      reason: 'other_endpoint',
      message: `This endpoint (${typedOrigin}) is not the one the stored keys belong to (${storedOrigin}). To test or save it, type the API key and clientId again: Deskbell sends stored keys only to the endpoint they were saved for.`,
      missing,
    };
  }
  return {
    ok: true,
    input: {
      endpoint: form.endpoint,
      apiKey: apiKey !== '' ? (form.apiKey ?? '') : `${stored.companyId}+${stored.publicKey}:${stored.privateKey}`,
      clientId: clientId !== '' ? clientId : stored.clientId,
    },
  };
}

function unusable(code: string, message: string): ManageConnectionState {
  return { configured: false, problem: { field: 'apiKey', code, message } };
}

const startedAt = new Date().toISOString();

/** For display: never the private key, and only the clientId's last 4 characters. */
export async function describeManageConnection(db: DeskbellDatabase): Promise<StoredManageConnection | null> {
  const env = serverEnv();
  const stored = await readStoredRow(db);
  if (stored) {
    let clientIdHint = '????';
    const secretKey = safeFindKey();
    if (secretKey) {
      try {
        clientIdHint = openSecret(stored.clientIdSealed, secretKey, SEAL_CONTEXT.clientId).slice(-4);
      } catch {
        // Shown as unknown; loadManageConnection reports why it cannot be opened.
      }
    }
    return {
      endpoint: stored.endpoint,
      origin: manageEndpointOrigin(stored.endpoint),
      companyId: stored.companyId,
      publicKey: stored.publicKey,
      hasPrivateKey: true,
      clientIdHint,
      apiVersion: env.MANAGE_API_VERSION,
      updatedAt: stored.updatedAt,
      source: 'database',
    };
  }
  if (!env.MANAGE_ENDPOINT || !env.MANAGE_API_KEY || !env.MANAGE_CLIENT_ID) return null;
  const key = parseManageApiKey(env.MANAGE_API_KEY);
  if (!key.ok) return null;
  return {
    endpoint: env.MANAGE_ENDPOINT,
    origin: manageEndpointOrigin(env.MANAGE_ENDPOINT),
    companyId: key.value.companyId,
    publicKey: key.value.publicKey,
    hasPrivateKey: true,
    clientIdHint: env.MANAGE_CLIENT_ID.slice(-4),
    apiVersion: env.MANAGE_API_VERSION,
    updatedAt: startedAt,
    source: 'environment',
  };
}

function safeFindKey(): Buffer | null {
  try {
    return loadSecretKey();
  } catch {
    return null;
  }
}
