import type { Kysely, Migration } from 'kysely';

/**
 * Manage callbacks and what they lead to: the verified callbacks themselves (deduplicated on
 * Manage's MessageId), the last state seen of each Deskbell ticket, the ticket events worked
 * out from it (a press's timeline) and the notifications sent for them, one row per channel.
 */
export const ticketEventsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('callback_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // Manage repeats a callback it thinks failed: the second copy must find the first.
      .addColumn('message_id', 'text', (c) => c.notNull().unique())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('record_type', 'text', (c) => c.notNull())
      .addColumn('record_id', 'integer', (c) => c.notNull())
      .addColumn('callback_id', 'integer')
      // The signed body, stored only after its signature checked out.
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('processed_at', 'text')
      .execute();
    await db.schema.createIndex('callback_events_record').on('callback_events').columns(['record_id', 'received_at']).execute();

    await db.schema
      .createTable('ticket_states')
      .addColumn('ticket_id', 'integer', (c) => c.primaryKey())
      .addColumn('press_id', 'text', (c) => c.notNull())
      .addColumn('status_id', 'integer')
      .addColumn('status_name', 'text')
      .addColumn('owner_identifier', 'text')
      .addColumn('owner_name', 'text')
      .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('summary', 'text')
      // Manage's _info.lastUpdated of the state we hold: an older entity is stale.
      .addColumn('last_updated', 'text')
      // The member that entered the ticket (Deskbell's API member): its notes are ours.
      .addColumn('entered_by', 'text')
      // JSON array of note ids already accounted for; null until the first look at the notes.
      .addColumn('seen_note_ids', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ticket_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('press_id', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      // One event per real change, however many callbacks report it.
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('actor', 'text')
      .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('callback_message_id', 'text')
      .execute();
    await db.schema.createIndex('ticket_events_press').on('ticket_events').columns(['press_id', 'occurred_at']).execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('press_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('agent_token_id', 'text')
      .addColumn('recipient', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addColumn('acknowledged_at', 'text')
      .execute();
    // One notification per event and channel: a repeated callback cannot notify twice.
    await db.schema.createIndex('notifications_event_channel').on('notifications').columns(['event_id', 'channel']).unique().execute();
    await db.schema.createIndex('notifications_inbox').on('notifications').columns(['agent_token_id', 'status', 'created_at']).execute();
    await db.schema.createIndex('notifications_press').on('notifications').columns(['press_id', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('notifications').execute();
    await db.schema.dropTable('ticket_events').execute();
    await db.schema.dropTable('ticket_states').execute();
    await db.schema.dropTable('callback_events').execute();
  },
};
