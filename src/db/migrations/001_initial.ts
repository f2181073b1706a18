import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The whole domain model of spec §1–§3 in one migration for both engines. Every table's primary
 * key is (workspace_id, id) and every unique index starts with workspace_id.
 */
export function initialMigration(engine: Engine) {
  // Ids compare byte-wise on both engines ("C" collation on PostgreSQL), so keyset cursors agree.
  const text = engine === 'postgres' ? sql`text collate "C"` : sql`text`;
  const txIdDefault = engine === 'postgres' ? sql`(pg_current_xact_id()::text::bigint)` : sql`0`;

  type T = CreateTableBuilder<string, never>;
  const id = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, text, (col) => col.notNull()), t);
  const ref = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, text), t);
  const ms = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, 'bigint', (col) => col.notNull()), t);
  const msNull = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, 'bigint'), t);
  const str = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, 'text', (col) => col.notNull()), t);
  const strNull = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, 'text'), t);
  const bool = (t: T, ...cols: string[]) => cols.reduce((b, c) => b.addColumn(c, 'integer', (col) => col.notNull().defaultTo(0)), t);

  async function table(db: Kysely<unknown>, name: string, build: (t: T) => T, primaryKey = true) {
    let t = db.schema.createTable(name) as unknown as T;
    t = build(t);
    if (primaryKey) t = t.addPrimaryKeyConstraint(`${name}_pkey`, ['workspace_id', 'id'] as never);
    await t.execute();
  }

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workspaces')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await table(db, 'api_keys', (t) =>
        msNull(
          ms(str(id(t, 'workspace_id', 'id'), 'name', 'prefix', 'key_hash', 'client_id', 'client_secret_hash'), 'created_at'),
          'last_used_at',
          'revoked_at',
        ),
      );
      await db.schema.createIndex('api_keys_hash_uq').on('api_keys').columns(['workspace_id', 'key_hash']).unique().execute();
      await db.schema.createIndex('api_keys_hash_idx').on('api_keys').column('key_hash').execute();
      await db.schema.createIndex('api_keys_client_idx').on('api_keys').column('client_id').execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('api_key_id', text, (c) => c.notNull())
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pkey', ['workspace_id', 'api_key_id', 'route', 'key'])
        .execute();

      await table(db, 'inboxes', (t) =>
        msNull(
          ms(
            str(id(t, 'workspace_id', 'id'), 'name').addColumn('inactivity_timeout_minutes', 'integer', (c) => c.notNull().defaultTo(1440)),
            'created_at',
            'updated_at',
          ),
          'deleted_at',
        ),
      );

      await table(db, 'channels', (t) =>
        msNull(ms(str(id(t, 'workspace_id', 'id', 'inbox_id'), 'kind', 'name', 'config'), 'created_at', 'updated_at'), 'deleted_at'),
      );
      await db.schema.createIndex('channels_inbox_idx').on('channels').columns(['workspace_id', 'inbox_id']).execute();

      await table(db, 'bots', (t) =>
        msNull(ms(str(ref(id(t, 'workspace_id', 'id', 'inbox_id'), 'channel_id'), 'name', 'type'), 'created_at', 'updated_at'), 'deleted_at'),
      );
      await db.schema.createIndex('bots_channel_idx').on('bots').columns(['workspace_id', 'channel_id']).execute();

      await table(db, 'roles', (t) => msNull(ms(str(id(t, 'workspace_id', 'id'), 'name'), 'created_at', 'updated_at'), 'deleted_at'));

      await table(db, 'users', (t) =>
        msNull(
          ms(
            bool(
              strNull(ref(str(id(t, 'workspace_id', 'id'), 'name', 'email', 'email_key'), 'role_id', 'last_inbox_used_id'), 'image_url', 'contact'),
              'notification_sound',
              'only_assigned_conversations',
              'all_inboxes',
            ),
            'created_at',
            'updated_at',
          ),
          'deleted_at',
        ),
      );
      await db.schema
        .createIndex('users_email_uq')
        .on('users')
        .columns(['workspace_id', 'email_key'])
        .unique()
        .where(sql.ref('deleted_at'), 'is', null)
        .execute();

      await db.schema
        .createTable('user_inboxes')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('inbox_id', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('user_inboxes_pkey', ['workspace_id', 'user_id', 'inbox_id'])
        .execute();

      await table(db, 'people', (t) =>
        msNull(
          ms(
            str(
              bool(
                strNull(
                  id(t, 'workspace_id', 'id', 'inbox_id'),
                  'name',
                  'phone_number',
                  'email',
                  'image_url',
                  'document',
                  'description',
                  'country',
                  'city',
                  'reference_id',
                ),
                'is_blocked',
              ),
              'search_text',
            ),
            'created_at',
            'updated_at',
          ),
          'deleted_at',
        ),
      );
      await db.schema
        .createIndex('people_phone_uq')
        .on('people')
        .columns(['workspace_id', 'inbox_id', 'phone_number'])
        .unique()
        .where(sql<boolean>`deleted_at is null and phone_number is not null`)
        .execute();
      await db.schema.createIndex('people_reference_idx').on('people').columns(['workspace_id', 'reference_id']).execute();
      await db.schema.createIndex('people_inbox_idx').on('people').columns(['workspace_id', 'inbox_id', 'id']).execute();

      await table(db, 'tags', (t) => ms(str(id(t, 'workspace_id', 'id', 'inbox_id'), 'name', 'color', 'modules'), 'created_at', 'updated_at'));
      await db.schema.createIndex('tags_name_uq').on('tags').columns(['workspace_id', 'inbox_id', 'name']).unique().execute();

      await db.schema
        .createTable('person_tags')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('person_id', text, (c) => c.notNull())
        .addColumn('tag_id', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('person_tags_pkey', ['workspace_id', 'person_id', 'tag_id'])
        .execute();
      await db.schema.createIndex('person_tags_tag_idx').on('person_tags').columns(['workspace_id', 'tag_id']).execute();
      await db.schema
        .createTable('conversation_tags')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('conversation_id', text, (c) => c.notNull())
        .addColumn('tag_id', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_tags_pkey', ['workspace_id', 'conversation_id', 'tag_id'])
        .execute();
      await db.schema.createIndex('conversation_tags_tag_idx').on('conversation_tags').columns(['workspace_id', 'tag_id']).execute();

      await table(db, 'groups', (t) =>
        ms(strNull(str(id(t, 'workspace_id', 'id', 'inbox_id', 'channel_id'), 'name'), 'external_id', 'image_url'), 'created_at', 'updated_at'),
      );
      await db.schema
        .createIndex('groups_external_uq')
        .on('groups')
        .columns(['workspace_id', 'inbox_id', 'external_id'])
        .unique()
        .where(sql.ref('external_id'), 'is not', null)
        .execute();

      await db.schema
        .createTable('group_members')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('group_id', text, (c) => c.notNull())
        .addColumn('person_id', text, (c) => c.notNull())
        .addColumn('is_member', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pkey', ['workspace_id', 'group_id', 'person_id'])
        .execute();

      await table(db, 'conversations', (t) => {
        let b = id(t, 'workspace_id', 'id', 'inbox_id', 'channel_id');
        b = ref(b, 'bot_id', 'person_id', 'group_id', 'assignee_user_id', 'role_id', 'agent_id', 'last_message_id');
        b = str(b, 'status', 'priority', 'search_text');
        b = bool(b, 'is_group', 'is_fixed', 'is_archived', 'is_private');
        b = b.addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0));
        b = msNull(b, 'last_message_at', 'last_inbound_at');
        b = ms(b, 'last_activity_at', 'created_at', 'updated_at');
        return strNull(b, 'metadata');
      });
      await db.schema
        .createIndex('conversations_person_uq')
        .on('conversations')
        .columns(['workspace_id', 'inbox_id', 'person_id'])
        .unique()
        .where(sql.ref('person_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('conversations_group_uq')
        .on('conversations')
        .columns(['workspace_id', 'inbox_id', 'group_id'])
        .unique()
        .where(sql.ref('group_id'), 'is not', null)
        .execute();
      // The JuriChat list: pinned first, newest activity first, id as tie-breaker.
      await db.schema
        .createIndex('conversations_list_idx')
        .on('conversations')
        .columns(['workspace_id', 'inbox_id', 'is_archived', 'is_fixed desc', 'last_activity_at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('conversations_inbox_activity_idx')
        .on('conversations')
        .columns(['workspace_id', 'inbox_id', 'last_activity_at desc', 'id desc'])
        .execute();
      await db.schema.createIndex('conversations_activity_idx').on('conversations').columns(['workspace_id', 'last_activity_at desc', 'id desc']).execute();
      await db.schema.createIndex('conversations_inactive_idx').on('conversations').columns(['status', 'last_activity_at']).execute();

      await db.schema
        .createTable('conversation_agents')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('conversation_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_agents_pkey', ['workspace_id', 'conversation_id', 'user_id'])
        .execute();

      await table(db, 'support_sessions', (t) =>
        strNull(
          msNull(
            ms(str(ref(id(t, 'workspace_id', 'id', 'conversation_id'), 'bot_id', 'person_id'), 'state'), 'start_at', 'created_at', 'updated_at'),
            'end_at',
          ),
          'ended_reason',
          'initial_message',
          'metadata',
          'assignment_type',
          'assignment_target',
          'redirect_payload',
        ),
      );
      await db.schema
        .createIndex('support_sessions_active_conv_uq')
        .on('support_sessions')
        .columns(['workspace_id', 'conversation_id'])
        .unique()
        .where(sql.ref('state'), '=', 'active')
        .execute();
      await db.schema
        .createIndex('support_sessions_active_pair_uq')
        .on('support_sessions')
        .columns(['workspace_id', 'bot_id', 'person_id'])
        .unique()
        .where(sql.ref('state'), '=', 'active')
        .execute();

      await table(db, 'messages', (t) => {
        let b = id(t, 'workspace_id', 'id', 'conversation_id');
        b = str(b, 'type', 'direction');
        b = strNull(
          b,
          'content',
          'media_url',
          'media_mime_type',
          'media_file_name',
          'media_caption',
          'external_id',
          'external_status',
          'error_message',
          'contact_name',
          'contact_phone',
          'transcription',
          'summary',
          'metadata',
          'client_message_id',
        );
        b = ref(b, 'sender_person_id', 'sender_user_id', 'sender_bot_id', 'quoted_message_id');
        b = b.addColumn('media_size', 'bigint');
        return ms(b, 'message_at', 'created_at', 'updated_at');
      });
      await db.schema.createIndex('messages_order_idx').on('messages').columns(['workspace_id', 'conversation_id', 'message_at', 'id']).execute();
      await db.schema
        .createIndex('messages_external_uq')
        .on('messages')
        .columns(['workspace_id', 'conversation_id', 'external_id'])
        .unique()
        .where(sql.ref('external_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('messages_client_uq')
        .on('messages')
        .columns(['workspace_id', 'conversation_id', 'client_message_id'])
        .unique()
        .where(sql.ref('client_message_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('messages_external_idx')
        .on('messages')
        .columns(['workspace_id', 'external_id'])
        .where(sql.ref('external_id'), 'is not', null)
        .execute();

      await table(db, 'scheduled_messages', (t) => {
        let b = id(t, 'workspace_id', 'id', 'conversation_id');
        b = ref(b, 'user_id', 'quoted_message_id', 'message_id');
        b = str(b, 'type', 'status');
        b = strNull(b, 'content', 'media_url', 'media_mime_type', 'media_file_name', 'media_caption', 'contact_name', 'contact_phone', 'metadata');
        b = b.addColumn('media_size', 'bigint');
        b = msNull(b, 'sent_at', 'claimed_until');
        return ms(b, 'scheduled_at', 'created_at', 'updated_at');
      });
      await db.schema.createIndex('scheduled_messages_due_idx').on('scheduled_messages').columns(['status', 'scheduled_at']).execute();

      await table(db, 'webhook_subscriptions', (t) =>
        msNull(
          ms(
            bool(
              strNull(str(id(t, 'workspace_id', 'id'), 'dialect', 'name', 'url', 'secret', 'events'), 'description', 'headers', 'auth_type', 'authorization'),
              'is_active',
            ),
            'created_at',
            'updated_at',
          ),
          'deleted_at',
        ),
      );

      // Jelou: one integration per project.
      await db.schema
        .createIndex('webhook_subscriptions_jelou_uq')
        .on('webhook_subscriptions')
        .column('workspace_id')
        .unique()
        .where(sql<boolean>`dialect = 'jelou' and deleted_at is null`)
        .execute();

      await db.schema
        .createTable('events')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('tx_id', 'bigint', (c) => c.notNull().defaultTo(txIdDefault))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('conversation_id', text)
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pkey', ['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('events_feed_idx').on('events').columns(['workspace_id', 'tx_id', 'id']).execute();

      await table(db, 'deliveries', (t) => {
        let b = id(t, 'workspace_id', 'id', 'event_id', 'subscription_id');
        b = ref(b, 'conversation_id');
        b = str(b, 'event_type', 'status', 'body');
        b = b.addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0));
        b = b.addColumn('status_code', 'integer').addColumn('duration_ms', 'integer');
        b = strNull(b, 'response_body', 'error_message');
        b = msNull(b, 'locked_until');
        return ms(b, 'next_attempt_at', 'created_at', 'updated_at', 'expires_at');
      });
      await db.schema.createIndex('deliveries_due_idx').on('deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_order_idx').on('deliveries').columns(['workspace_id', 'subscription_id', 'conversation_id', 'id']).execute();
      await db.schema.createIndex('deliveries_expiry_idx').on('deliveries').column('expires_at').execute();
      await db.schema.createIndex('deliveries_subscription_idx').on('deliveries').columns(['workspace_id', 'subscription_id', 'created_at']).execute();

      await table(db, 'delivery_attempts', (t) =>
        strNull(
          ms(id(t, 'workspace_id', 'id', 'delivery_id'), 'attempted_at')
            .addColumn('status_code', 'integer')
            .addColumn('duration_ms', 'integer', (c) => c.notNull()),
          'response_body',
          'error_message',
        ),
      );
      await db.schema.createIndex('delivery_attempts_delivery_idx').on('delivery_attempts').columns(['workspace_id', 'delivery_id', 'id']).execute();
    },
  };
}
