/** Fixed values of the simulator that other code and tests rely on. */

export type SimCredentials = { companyId: string; publicKey: string; privateKey: string; clientId: string };

/** Demo API member keys (16 alphanumerics, like Manage's) and a registered clientId GUID. */
export const DEMO_CREDENTIALS: SimCredentials = Object.freeze({
  companyId: 'deskbell_demo',
  publicKey: 'DemoPubKey000001',
  privateKey: 'DemoPrivKey00001',
  clientId: '5c0f3c2e-7d4b-4b8e-9a51-3f6d2c1b8e47',
});

/** Codebase segment of the URL, as a default on-premise Manage install uses. */
export const CODEBASE = 'v4_6_release';
export const API_PREFIX = `/${CODEBASE}/apis/3.0`;

/** The model version the official OpenAPI document describes; also the Accept fallback. */
export const DEFAULT_API_VERSION = '2026.11';
export const SERVER_VERSION = `v${DEFAULT_API_VERSION}.108340`;
export const VERSION_NUMBER = 'v4.6.108340';

export const DEFAULT_PAGE_SIZE = 25;
export const DEFAULT_PAGE_SIZE_MAX = 1000;
export const REQUEST_LOG_LIMIT = 10_000;

/** Bodies above these sizes are refused with 413 before parsing. */
export const MAX_JSON_BODY_BYTES = 10 * 1024 * 1024;
export const MAX_MULTIPART_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Manage answers a missing or unregistered clientId with 401. The code and wording below
 * are NOT verified against a live instance (ConnectWise does not publish them): keep them
 * here, in one place, so they are easy to correct.
 */
export const CLIENT_ID_ERROR = {
  code: 'InvalidClientId',
  message:
    'A clientId header is required. Register your integration at https://developer.connectwise.com/ClientID and send the clientId header on every request.',
} as const;

export const UNAUTHORIZED_MESSAGE = 'Authorization has been denied for this request.';

/**
 * Manage's answer when the API member's security role lacks the permission a call needs
 * (403). The code and wording are NOT verified against a live instance (ConnectWise does not
 * publish them; clients only report "403 Forbidden"): keep them here, in one place. The body
 * does not name the missing permission, which is why the setup wizard probes each one.
 */
export const FORBIDDEN_ERROR = {
  code: 'Forbidden',
  message: 'You do not have permission to perform this action. Please contact your administrator to update your security role.',
} as const;

/**
 * Manage's answer to a ticket note with none of detailDescriptionFlag, internalAnalysisFlag or
 * resolutionFlag set: 400 InvalidObject "serviceNote object is invalid" with one field error
 * whose message is quoted below. Code, message and field error message are as a public client
 * printed them from a live Manage (LabtechConsulting/ConnectWise-Manage-Powershell issue 12);
 * the field error's `code` and `field` were not printed there and are NOT verified.
 */
export const NOTE_DISPLAY_ERROR = {
  message: 'Please choose where to display the notes in order to save this record.',
  code: 'InvalidField',
  field: 'detailDescriptionFlag',
} as const;

/** Fixed instant for seeded records so demo data is identical on every start. */
export const SEED_TIME = '2026-01-05T14:00:00Z';
