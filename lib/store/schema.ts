/**
 * Table types for Kysely. Columns use portable types only (text, integer, blob) so that the
 * same queries run on SQLite and PostgreSQL. Times are ISO-8601 UTC text.
 */
import type { ColumnType } from 'kysely';

export type SettingsTable = {
  key: string;
  /** JSON text. Secrets are encrypted before they reach this column. */
  value: string;
  updated_at: string;
};

export type AgentTokensTable = {
  id: string;
  name: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The first characters, so admins can tell tokens apart. */
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

export type PressStatus = 'queued' | 'processing' | 'ticket_created' | 'refused' | 'retrying' | 'dead';

export type PressesTable = {
  id: string;
  agent_token_id: string;
  idempotency_key: string | null;
  /** SHA-256 of the request's meaningful content, to tell a retry from a different request. */
  request_hash: string;
  status: PressStatus;
  /** The validated press JSON (schema v1). */
  payload: string;
  received_at: string;
  updated_at: string;
  attempt: ColumnType<number, number | undefined, number>;
  next_attempt_at: string | null;
  last_error: string | null;
  ticket_id: number | null;
  ticket_number: string | null;
  refused_message: string | null;
  dead_reason: string | null;
  /** JSON: step timings, Manage calls, submission errors. */
  outcome: string | null;
  files_removed_at: string | null;
  ticket_created_at: string | null;
  /** The Manage company of the contact the press was filed under; written with the outcome. */
  company_id: ColumnType<number | null, number | null | undefined, number | null>;
};

export type PressFileKind = 'screenshot' | 'attachment';

export type PressFilesTable = {
  id: string;
  press_id: string;
  position: number;
  kind: PressFileKind;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  captured_at: string | null;
  monitor: number | null;
  /** Null once retention removed the file; the row stays as the record that it existed. */
  bytes: Uint8Array | null;
  removed_at: string | null;
  /** Set once uploaded, so a retried job never uploads the same file twice. */
  manage_document_id: number | null;
};

export type PressFileThumbnailsTable = {
  file_id: string;
  /** Always image/webp today; stored so a later format needs no migration. */
  content_type: string;
  /** Null when the file could not be made into a thumbnail (not decodable): tried once, not on every view. */
  bytes: Uint8Array | null;
  width: number | null;
  height: number | null;
  /** Bytes of the thumbnail (0 without one). */
  size: number;
  /** Why there is no thumbnail, when there is none. */
  error: string | null;
  created_at: string;
};

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

export type JobsTable = {
  id: string;
  kind: string;
  payload: string;
  status: JobStatus;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  dead_reason: string | null;
  dedupe_key: string | null;
  created_at: string;
  updated_at: string;
};

export type AdminUsersTable = {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string | null;
  /** scrypt, self-describing (`scrypt$N$r$p$salt$hash`); null for OIDC-only users. */
  password_hash: string | null;
  created_at: string;
  last_login_at: string | null;
  disabled_at: string | null;
  /** Raised to end every session issued before (password reset); tokens carry the one they were issued under. */
  session_generation: number;
};

export type LoginThrottleTable = {
  /** What is throttled: `email-client:<email>|<client>`, `device:<email>|<device>`, `email:<email>`, `ip:<address>`, `setup:<address>`. */
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
};

export type AuditLogTable = {
  id: string;
  at: string;
  /** The admin's email, or `cli`, `system`, `setup-code`. */
  actor: string;
  action: string;
  target: string | null;
  /** JSON without secrets. */
  details: string | null;
};

export type RuleVersionsTable = {
  id: string;
  /** 1, 2, 3…; the highest is the active one (a rollback adds a copy, never rewinds). */
  version: number;
  /** The Python source as saved; empty means "no rules". */
  source: string;
  /** SHA-256 of the source (hex), to tell identical versions apart at a glance. */
  sha256: string;
  created_at: string;
  /** The admin's email, or `system`. */
  created_by: string;
  note: string | null;
};

export type CallbackEventStatus = 'pending' | 'processed' | 'ignored';

export type CallbackEventsTable = {
  id: string;
  message_id: string;
  received_at: string;
  /** Manage's Action: added, updated, deleted. */
  action: string;
  record_type: string;
  record_id: number;
  callback_id: number | null;
  /** The signed JSON body, stored only once its signature checked out. */
  body: string;
  status: CallbackEventStatus;
  /** Why it was ignored, or which ticket events it produced (JSON). */
  outcome: string | null;
  processed_at: string | null;
};

export type TicketStatesTable = {
  ticket_id: number;
  press_id: string;
  status_id: number | null;
  status_name: string | null;
  owner_identifier: string | null;
  owner_name: string | null;
  closed: ColumnType<number, number | undefined, number>;
  summary: string | null;
  last_updated: string | null;
  entered_by: string | null;
  /** JSON array of note ids already accounted for; null until the notes were first read. */
  seen_note_ids: string | null;
  updated_at: string;
};

export type TicketEventKind = 'created' | 'status_changed' | 'note_added' | 'assigned' | 'closed';

export type TicketEventsTable = {
  id: string;
  press_id: string;
  ticket_id: number;
  kind: TicketEventKind;
  dedupe_key: string;
  actor: string | null;
  /** 1 for an internal note: on the timeline, never sent to the end user. */
  internal: ColumnType<number, number | undefined, number>;
  /** JSON: from/to status, owner, note text... */
  details: string;
  occurred_at: string;
  recorded_at: string;
  callback_message_id: string | null;
};

export type NotificationChannel = 'agent' | 'email';
export type NotificationStatus = 'pending' | 'delivered' | 'acknowledged' | 'failed';

export type NotificationsTable = {
  id: string;
  event_id: string;
  press_id: string;
  channel: NotificationChannel;
  agent_token_id: string | null;
  recipient: string | null;
  kind: TicketEventKind;
  title: string;
  body: string;
  status: NotificationStatus;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  acknowledged_at: string | null;
};

export type BrandingLogosTable = {
  sha256: string;
  /** Sniffed from the bytes: image/png, image/jpeg, image/webp or image/svg+xml. */
  content_type: string;
  bytes: Uint8Array;
  size: number;
  /** Null for SVG (it scales). */
  width: number | null;
  height: number | null;
  created_at: string;
  created_by: string;
};

/** The pod's remembered member proofs (lib/pod/pod-session.ts). */
export type PodMemberProofsTable = {
  key: string;
  /** JSON of the member Manage confirmed, while the proof is fresh. */
  member: string | null;
  proved_until: string | null;
  known_until: string;
};

/** Refused member proofs per throttle key (lib/pod/pod-session.ts). */
export type PodMemberFailuresTable = {
  key: string;
  failures: number;
  window_started_at: string;
};

export type Database = {
  settings: SettingsTable;
  agent_tokens: AgentTokensTable;
  presses: PressesTable;
  press_files: PressFilesTable;
  press_file_thumbnails: PressFileThumbnailsTable;
  jobs: JobsTable;
  admin_users: AdminUsersTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  rule_versions: RuleVersionsTable;
  callback_events: CallbackEventsTable;
  ticket_states: TicketStatesTable;
  ticket_events: TicketEventsTable;
  notifications: NotificationsTable;
  branding_logos: BrandingLogosTable;
  pod_member_proofs: PodMemberProofsTable;
  pod_member_failures: PodMemberFailuresTable;
};
