import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/** The workspace's saved replies (inbox.md §4): a shortcut, unique among the live ones, and the text it inserts. */
export function savedRepliesMigration(engine: Engine) {
  const text = engine === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('saved_replies')
        .addColumn('workspace_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('shortcut', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .addPrimaryKeyConstraint('saved_replies_pkey', ['workspace_id', 'id'])
        .execute();
      await db.schema
        .createIndex('saved_replies_shortcut_uq')
        .on('saved_replies')
        .columns(['workspace_id', 'shortcut'])
        .unique()
        .where(sql<boolean>`deleted_at is null`)
        .execute();
    },
  };
}
