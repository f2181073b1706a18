import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * Agents sign in to the inbox (inbox.md §2): users get an access level and a password hash,
 * sessions and invitations are stored server-side (so logout and revocation hold across
 * processes), and failed logins are counted in the database (so the throttle does too).
 */
export function agentsMigration(engine: Engine) {
  const text = engine === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('access', 'text', (c) => c.notNull().defaultTo('agent'))
        .execute();
      await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();

      // Looked up by the cookie's token hash alone: that is the key, not workspace_id.
      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', text, (c) => c.notNull().primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['workspace_id', 'user_id']).execute();

      // Looked up by the invitation URL's token hash alone.
      await db.schema
        .createTable('user_invitations')
        .addColumn('token_hash', text, (c) => c.notNull().primaryKey())
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema.createIndex('user_invitations_user_idx').on('user_invitations').columns(['workspace_id', 'user_id']).execute();

      // Login names an e-mail, not a workspace: failures are counted per e-mail across the installation.
      await db.schema
        .createTable('login_failures')
        .addColumn('email_key', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('failed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('login_failures_pkey', ['email_key', 'id'])
        .execute();
      await db.schema.createIndex('login_failures_age_idx').on('login_failures').column('failed_at').execute();
    },
  };
}
