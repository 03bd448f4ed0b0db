import type { Migration, MigrationProvider } from 'kysely';
import { settingsMigration } from './0001-settings';
import { pressesAndJobsMigration } from './0002-presses-and-jobs';
import { adminMigration } from './0003-admin';
import { rulesMigration } from './0004-rules';
import { ticketEventsMigration } from './0005-ticket-events';
import { thumbnailsMigration } from './0006-thumbnails';
import { pressCompanyMigration } from './0007-press-company';
import { adminSessionsMigration } from './0008-admin-sessions';
import { brandingLogoMigration } from './0009-branding-logo';
import { podMemberStateMigration } from './0010-pod-member-state';

/**
 * Migrations are listed here rather than read from a folder at run time, so they survive
 * bundling by Next.js. Names sort in the order they run; never rename or edit a landed one.
 */
const migrations: Record<string, Migration> = {
  '0001-settings': settingsMigration,
  '0002-presses-and-jobs': pressesAndJobsMigration,
  '0003-admin': adminMigration,
  '0004-rules': rulesMigration,
  '0005-ticket-events': ticketEventsMigration,
  '0006-thumbnails': thumbnailsMigration,
  '0007-press-company': pressCompanyMigration,
  '0008-admin-sessions': adminSessionsMigration,
  '0009-branding-logo': brandingLogoMigration,
  '0010-pod-member-state': podMemberStateMigration,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
