/**
 * Table types for Kysely. Columns use portable types only (text, integer, real, blob)
 * so that the same queries run on SQLite and PostgreSQL.
 */

export type SettingsTable = {
  key: string;
  /** JSON text. Secrets are encrypted before they reach this column. */
  value: string;
  updated_at: string;
};

export type Database = {
  settings: SettingsTable;
};
