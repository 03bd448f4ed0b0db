import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { DeskbellApiError } from '@/lib/http/errors';
import { createManageClient } from '@/lib/connectwise/client';
import {
  askCompanyInfo,
  manageApiBaseUrl,
  parseClientId,
  parseManageApiKey,
  parseManageEndpoint,
  type ManageEndpoint,
} from '@/lib/connectwise/credentials';
import { loadManageConnectionFromEnv } from '@/lib/connectwise/connection';
import { isManageError } from '@/lib/connectwise/errors';
import { getSystemInfo } from '@/lib/connectwise/system';
import { serverEnv } from '@/lib/env';
import { SecretKeyMissingError } from '@/lib/secrets/secret-box';
import {
  completeManageConnectionForm,
  describeManageConnection,
  loadManageConnection,
  saveManageConnection,
  type ManageConnectionForm,
  type StoredManageConnection,
} from '@/lib/settings/manage-connection';
import type { DeskbellDatabase } from '@/lib/store/database';
import {
  classifyCompanyInfoAnswer,
  classifyManageApiError,
  classifyTransportError,
  type ConnectionProblem,
} from './connection-errors';
import { recordSetupCheck, type SetupCheck } from './setup-checks';

export type ConnectionInput = { endpoint: string; apiKey: string; clientId: string };

export type ConnectionTestResult =
  | {
      ok: true;
      companyName: string | null;
      companyId: string;
      publicKey: string;
      /** Manage's version from GET /system/info, e.g. v2026.11.108340. */
      version: string;
      isCloud: boolean;
      apiUrl: string;
      /** Things that worked but deserve a word (e.g. companyinfo not answering). */
      notes: string[];
    }
  | { ok: false; problem: ConnectionProblem };

export type ConnectionTestOptions = { connectMs?: number; answerMs?: number };

/** The login service's answer about the company, as the wizard reads it: each failure is a problem with its fix. */
async function askCompanyInfoFor(
  endpoint: ManageEndpoint,
  companyId: string,
  options: Required<ConnectionTestOptions>,
): Promise<{ kind: 'found'; companyName: string | null; codebase: string } | { kind: 'unknown-company' } | { kind: 'problem'; problem: ConnectionProblem }> {
  const answer = await askCompanyInfo(endpoint, companyId, { connectMs: options.connectMs, answerMs: options.answerMs });
  if (answer.kind === 'unreachable') return { kind: 'problem', problem: classifyTransportError(answer.error, endpoint.uiHost) };
  if (answer.kind === 'not-company-info') return { kind: 'problem', problem: classifyCompanyInfoAnswer(answer.status, endpoint.uiHost) };
  if (answer.kind === 'unknown-company') return answer;
  return { kind: 'found', companyName: answer.info.companyName || null, codebase: answer.info.codebase };
}

function inputProblem(problem: { field: 'endpoint' | 'apiKey' | 'clientId'; message: string }): ConnectionTestResult {
  return {
    ok: false,
    problem: {
      kind: 'input',
      field: problem.field,
      title: { endpoint: 'Check the endpoint', apiKey: 'Check the API key', clientId: 'Check the clientId' }[problem.field],
      message: problem.message,
      fix: problem.message,
    },
  };
}

/**
 * Tests what an admin typed, live: the login service (company name, codebase), then an
 * authenticated GET /system/info (version). Nothing is stored. Every failure says which
 * field is wrong and how to fix it in Manage's own words.
 */
export async function testManageConnection(input: ConnectionInput, options: ConnectionTestOptions = {}): Promise<ConnectionTestResult> {
  const endpoint = parseManageEndpoint(input.endpoint);
  if (!endpoint.ok) return inputProblem(endpoint.problem);
  const key = parseManageApiKey(input.apiKey);
  if (!key.ok) return inputProblem(key.problem);
  const clientId = parseClientId(input.clientId);
  if (!clientId.ok) return inputProblem(clientId.problem);
  const timing = { connectMs: options.connectMs ?? 5_000, answerMs: options.answerMs ?? 10_000 };

  const info = await askCompanyInfoFor(endpoint.value, key.value.companyId, timing);
  if (info.kind === 'problem') return { ok: false, problem: info.problem };
  const codebase = info.kind === 'found' ? info.codebase : endpoint.value.codebase;
  const apiUrl = manageApiBaseUrl(endpoint.value, codebase);

  const client = createManageClient({
    baseUrl: apiUrl,
    companyId: key.value.companyId,
    publicKey: key.value.publicKey,
    privateKey: key.value.privateKey,
    clientId: clientId.value,
    apiVersion: serverEnv().MANAGE_API_VERSION,
    timeouts: { connectMs: timing.connectMs, headersMs: timing.answerMs, bodyMs: timing.answerMs },
    retry: { maxRetries: 0 },
  });
  try {
    const system = await getSystemInfo(client);
    const notes: string[] = [];
    if (info.kind === 'unknown-company') {
      notes.push(
        `Manage's login service did not know company "${key.value.companyId}" (404), but the API accepted the keys; the codebase you typed (${codebase}) is used.`,
      );
    }
    return {
      ok: true,
      companyName: info.kind === 'found' ? info.companyName : null,
      companyId: key.value.companyId,
      publicKey: key.value.publicKey,
      version: system.version,
      isCloud: system.isCloud || endpoint.value.isCloud,
      apiUrl,
      notes,
    };
  } catch (error) {
    if (!isManageError(error)) throw error;
    return {
      ok: false,
      problem: classifyManageApiError(error, {
        companyId: key.value.companyId,
        publicKey: key.value.publicKey,
        isCloud: endpoint.value.isCloud,
        companyKnown: info.kind === 'found',
        apiUrl,
      }),
    };
  } finally {
    await client.close();
  }
}

/** The form: an empty API key or clientId keeps the stored one, for the stored endpoint only. */
export type ConnectionForm = ManageConnectionForm;

/** Fills empty fields from storage by the settings module's origin rule; its refusals are 422s naming the fields. */
async function completeWithStored(db: DeskbellDatabase, form: ConnectionForm): Promise<ConnectionInput> {
  const completed = await completeManageConnectionForm(db, form);
  if (!completed.ok) throw new DeskbellApiError('unprocessable_entity', completed.message, completed.missing);
  return completed.input;
}

function summarize(result: ConnectionTestResult): Omit<SetupCheck, 'at'> {
  if (result.ok) {
    const who = result.companyName ? `${result.companyName} (${result.companyId})` : result.companyId;
    return { ok: true, summary: `Connected to ${who}, Manage ${result.version}.` };
  }
  return { ok: false, summary: `${result.problem.title}: ${result.problem.message}` };
}

/**
 * Whether the input is exactly the connection presses use now (saved, or the MANAGE_* pre-seed):
 * both go through the same parser, so spacing or a trailing slash in the endpoint does not count
 * as a different connection. Secrets are compared in constant time.
 */
async function isSavedConnection(db: DeskbellDatabase, input: ConnectionInput): Promise<boolean> {
  const saved = await loadManageConnection(db);
  if (!saved.configured) return false;
  const typed = loadManageConnectionFromEnv({ ...serverEnv(), MANAGE_ENDPOINT: input.endpoint, MANAGE_API_KEY: input.apiKey, MANAGE_CLIENT_ID: input.clientId });
  if (!typed.configured) return false;
  const a = typed.options;
  const b = saved.options;
  return (
    a.baseUrl === b.baseUrl &&
    a.companyId.toLowerCase() === b.companyId.toLowerCase() &&
    a.publicKey === b.publicKey &&
    sameSecret(a.privateKey, b.privateKey) &&
    sameSecret(a.clientId.toLowerCase(), b.clientId.toLowerCase())
  );
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Tests the form (stored secrets fill empty fields). The wizard's step shows the saved
 * connection's health, so the result is recorded only when the form is the saved connection
 * (a re-check); testing anything else only answers the caller.
 */
export async function checkManageConnection(db: DeskbellDatabase, form: ConnectionForm): Promise<ConnectionTestResult> {
  const input = await completeWithStored(db, form);
  const result = await testManageConnection(input);
  if (await isSavedConnection(db, input)) await recordSetupCheck(db, 'connection', summarize(result));
  return result;
}

export type SaveConnectionResult = {
  saved: boolean;
  result: ConnectionTestResult;
  connection: StoredManageConnection | null;
};

/**
 * Saves (encrypted, audited by saveManageConnection) only after a successful test, or when
 * the admin explicitly chose "save anyway". Malformed values are never saved.
 */
export async function saveTestedManageConnection(
  db: DeskbellDatabase,
  form: ConnectionForm & { saveAnyway?: boolean },
  actor: string,
): Promise<SaveConnectionResult> {
  const input = await completeWithStored(db, form);
  const result = await testManageConnection(input);
  const malformed = !result.ok && result.problem.kind === 'input';
  if (malformed || (!result.ok && form.saveAnyway !== true)) {
    // Not saved: the step keeps the saved connection's status, unless this was the saved connection.
    if (await isSavedConnection(db, input)) await recordSetupCheck(db, 'connection', summarize(result));
    return { saved: false, result, connection: await describeManageConnection(db) };
  }
  try {
    await saveManageConnection(db, input, actor);
  } catch (error) {
    // Its message says how to set DESKBELL_SECRET_KEY; it holds no secret.
    if (error instanceof SecretKeyMissingError) throw new DeskbellApiError('conflict', error.message);
    throw error;
  }
  await recordSetupCheck(db, 'connection', summarize(result));
  return { saved: true, result, connection: await describeManageConnection(db) };
}
