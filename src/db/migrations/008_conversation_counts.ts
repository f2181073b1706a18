import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.ts';

/**
 * The columns the counts are kept by. None is set by the UPDATE every message makes (last message,
 * activity, unread count), so that statement carries no trigger at all: on SQLite, merely having a
 * row trigger it could fire, even one whose WHEN is false, cost about 100 µs per UPDATE.
 */
const KEY = ['workspace_id', 'inbox_id', 'is_archived', 'status', 'is_group'] as const;
const KEY_LIST = sql.raw(KEY.join(', '));
const keyOf = (row: string) => sql.raw(KEY.map((c) => `${row}.${c}`).join(', '));

/**
 * Exact conversation totals that cost what a handful of rows costs, not a scan of the inbox
 * (bench R2: `count(*)` over 95,000 conversations put p99 near 7 s under load). Kept by triggers
 * on both engines, inside the transaction that changes a conversation; backfilled here. See
 * src/db/repos/conversation-counts.ts for how they are read.
 */
export function conversationCountsMigration(engine: Engine) {
  const id = engine === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('conversation_counts')
        .addColumn('workspace_id', id, (c) => c.notNull())
        .addColumn('inbox_id', id, (c) => c.notNull())
        .addColumn('is_archived', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('is_group', 'integer', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .execute();
      // SQLite has one writer: one row per key, updated in place. PostgreSQL appends a row per change (no unique key, so no writer waits on another).
      await db.schema
        .createIndex('conversation_counts_key')
        .on('conversation_counts')
        .columns([...KEY])
        .$call((b) => (engine === 'sqlite' ? b.unique() : b))
        .execute();
      if (engine === 'postgres') await postgresTriggers(db);
      else await sqliteTriggers(db);
      await sql`insert into conversation_counts (${KEY_LIST}, n) select ${KEY_LIST}, count(*) from conversations group by ${KEY_LIST}`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      for (const change of ['insert', 'delete', 'update']) {
        await sql`drop trigger if exists ${sql.raw(`conversation_counts_${change}`)}${engine === 'postgres' ? sql` on conversations` : sql``}`.execute(db);
        if (engine === 'postgres') await sql`drop function if exists ${sql.raw(`conversation_counts_${change}`)}()`.execute(db);
      }
      await db.schema.dropTable('conversation_counts').execute();
    },
  };
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const add = (row: 'new' | 'old') =>
    sql`insert into conversation_counts (${KEY_LIST}, n) values (${keyOf(row)}, 1) on conflict (${KEY_LIST}) do update set n = n + 1;`;
  const remove = (row: 'new' | 'old') => sql`update conversation_counts set n = n - 1 where ${sql.raw(KEY.map((c) => `${c} = ${row}.${c}`).join(' and '))};`;
  const changed = sql.raw(KEY.map((c) => `old.${c} is not new.${c}`).join(' or '));
  await sql`create trigger conversation_counts_insert after insert on conversations begin ${add('new')} end`.execute(db);
  await sql`create trigger conversation_counts_delete after delete on conversations begin ${remove('old')} end`.execute(db);
  // Part of an UPDATE only when it sets a counted column, and at work only when one changed.
  await sql`
    create trigger conversation_counts_update after update of ${KEY_LIST} on conversations
    when ${changed}
    begin ${remove('old')} ${add('new')} end`.execute(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  const fromTable = (table: string, sign: '' | '-') =>
    sql.raw(`insert into conversation_counts (${KEY.join(', ')}, n) select ${KEY.join(', ')}, ${sign}count(*) from ${table} group by ${KEY.join(', ')};`);
  // Inserts and deletes: once per statement, from its transition table (a bulk insert appends one row per key, not per conversation).
  await sql`
    create function conversation_counts_insert() returns trigger language plpgsql as $$
    begin ${fromTable('added', '')} return null; end $$`.execute(db);
  await sql`
    create trigger conversation_counts_insert after insert on conversations
    referencing new table as added for each statement execute function conversation_counts_insert()`.execute(db);
  await sql`
    create function conversation_counts_delete() returns trigger language plpgsql as $$
    begin ${fromTable('removed', '-')} return null; end $$`.execute(db);
  await sql`
    create trigger conversation_counts_delete after delete on conversations
    referencing old table as removed for each statement execute function conversation_counts_delete()`.execute(db);
  await sql`
    create function conversation_counts_update() returns trigger language plpgsql as $$
    begin
      insert into conversation_counts (${KEY_LIST}, n) values (${keyOf('OLD')}, -1), (${keyOf('NEW')}, 1);
      return null;
    end $$`.execute(db);
  const changed = sql.raw(KEY.map((c) => `OLD.${c} is distinct from NEW.${c}`).join(' or '));
  // Row by row, only for an UPDATE that sets a counted column, and the function is called only when one changed (WHEN is checked without calling it).
  await sql`
    create trigger conversation_counts_update after update of ${KEY_LIST} on conversations
    for each row when (${changed}) execute function conversation_counts_update()`.execute(db);
}
