import type { Kysely, Migration } from 'kysely';

/**
 * The pod's remembered member proofs and its refusal throttle, in the database so they hold
 * across every Deskbell instance: a member proved on one instance is not asked for again on the
 * next, and a stranger's refusals count the same whichever instance the balancer picks.
 * Times are ISO-8601 UTC text, as everywhere in the schema: one format, so they compare as strings.
 */
export const podMemberStateMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('pod_member_proofs')
      // sha256 of site, company, member and session hash: the hash itself is never stored.
      .addColumn('key', 'text', (c) => c.primaryKey())
      // The member Manage confirmed (JSON), while the proof is fresh; null once only "known".
      .addColumn('member', 'text')
      .addColumn('proved_until', 'text')
      .addColumn('known_until', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('pod_member_proofs_known_until').on('pod_member_proofs').column('known_until').execute();
    await db.schema
      .createTable('pod_member_failures')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_started_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('pod_member_failures_window').on('pod_member_failures').column('window_started_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('pod_member_failures').execute();
    await db.schema.dropTable('pod_member_proofs').execute();
  },
};
