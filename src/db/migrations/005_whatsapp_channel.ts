import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * What a network channel needs (whatsapp-channel.md): the channel's health and number, people's
 * BSUIDs, media that is fetched later, the raw webhook log, durable inbound de-duplication,
 * statuses that arrive before their message's wamid, and the channel outbox (sends, media
 * fetches and read receipts, run outside any request transaction).
 */
export function whatsappChannelMigration(engine: Engine) {
  const text = engine === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      for (const column of ['status', 'last_error', 'phone_number_id']) await db.schema.alterTable('channels').addColumn(column, 'text').execute();
      for (const column of ['last_error_at', 'last_webhook_at']) await db.schema.alterTable('channels').addColumn(column, 'bigint').execute();
      // One number feeds one inbox across the whole installation: Meta routes a number's webhooks to one app.
      await db.schema
        .createIndex('channels_phone_number_uq')
        .on('channels')
        .column('phone_number_id')
        .unique()
        .where(sql<boolean>`deleted_at is null and phone_number_id is not null`)
        .execute();

      await db.schema.alterTable('people').addColumn('bsuid', 'text').execute();
      await db.schema
        .createIndex('people_bsuid_uq')
        .on('people')
        .columns(['workspace_id', 'inbox_id', 'bsuid'])
        .unique()
        .where(sql<boolean>`deleted_at is null and bsuid is not null`)
        .execute();

      await db.schema.alterTable('messages').addColumn('media_status', 'text').execute();
      await db.schema.alterTable('messages').addColumn('media_error', 'text').execute();
      await db.schema.alterTable('conversations').addColumn('read_receipt_message_id', 'text').execute();

      await db.schema
        .createTable('channel_inbound_ids')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('channel_id', text, (c) => c.notNull())
        .addColumn('external_id', text, (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_inbound_ids_pkey', ['workspace_id', 'channel_id', 'external_id'])
        .execute();
      await db.schema.createIndex('channel_inbound_ids_age_idx').on('channel_inbound_ids').column('received_at').execute();

      await db.schema
        .createTable('channel_webhook_log')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('channel_id', text, (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('signature_valid', 'integer', (c) => c.notNull())
        .addColumn('processed', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_webhook_log_pkey', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('channel_webhook_log_channel_idx').on('channel_webhook_log').columns(['workspace_id', 'channel_id', 'id']).execute();
      await db.schema.createIndex('channel_webhook_log_age_idx').on('channel_webhook_log').column('received_at').execute();

      await db.schema
        .createTable('waiting_statuses')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('channel_id', text, (c) => c.notNull())
        .addColumn('external_id', text, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('waiting_statuses_pkey', ['workspace_id', 'channel_id', 'external_id', 'status'])
        .execute();

      await db.schema
        .createTable('channel_jobs')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('channel_id', text, (c) => c.notNull())
        .addColumn('conversation_id', text, (c) => c.notNull())
        .addColumn('message_id', text, (c) => c.notNull())
        // send | media | read
        .addColumn('kind', 'text', (c) => c.notNull())
        // Sends of one conversation leave in this order (the message's messageAt, then id).
        .addColumn('order_at', 'bigint', (c) => c.notNull())
        // queued | sending (a send whose request may have left: never repeated blindly)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempt_count', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        // What the job needs beyond its message (a media id and checksum), as JSON.
        .addColumn('payload', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_jobs_pkey', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('channel_jobs_due_idx').on('channel_jobs').columns(['next_attempt_at', 'id']).execute();
      await db.schema.createIndex('channel_jobs_order_idx').on('channel_jobs').columns(['workspace_id', 'conversation_id', 'kind', 'order_at', 'id']).execute();
      await db.schema.createIndex('channel_jobs_message_uq').on('channel_jobs').columns(['workspace_id', 'message_id', 'kind']).unique().execute();
    },
  };
}
