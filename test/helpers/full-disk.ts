import { sql } from 'kysely';
import type { Store } from '../../src/db/connect.ts';

/** A full disk under a store, simulated on its own engine, and the space given back. */
export interface FullDisk {
  fill(): Promise<void>;
  free(): Promise<void>;
  /** What the storage says when it refuses a write. */
  readonly refusal: RegExp;
}

/**
 * SQLite: `max_page_count` at the current page count, so a write that needs a new page fails with
 * SQLITE_FULL, as on a full disk (SQLite then rolls the whole transaction back by itself). Free
 * pages are used up first, so that the next write does need a new one.
 */
function sqliteFullDisk(store: Store): FullDisk {
  let limit: number | null = null;
  return {
    refusal: /database or disk is full/,
    async fill() {
      await sql`create table if not exists test_disk_filler (filler blob)`.execute(store.db);
      limit = (await sql<{ max_page_count: number }>`pragma max_page_count`.execute(store.db)).rows[0]!.max_page_count;
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(store.db)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(store.db);
      for (let i = 0; i < 10_000; i++) {
        try {
          await sql`insert into test_disk_filler (filler) values (randomblob(1024))`.execute(store.db);
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_FULL') break;
          throw error;
        }
      }
      // Filling was refused too: that refusal is not the one under test.
      store.storage.noteCommit();
    },
    async free() {
      if (limit !== null) await sql.raw(`pragma max_page_count = ${limit}`).execute(store.db);
    },
  };
}

/** PostgreSQL: a trigger on every table raises disk_full (SQLSTATE 53100), as when a data file cannot be extended. */
function postgresFullDisk(store: Store): FullDisk {
  const tables = async () =>
    (
      await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely%'`.execute(store.db)
    ).rows.map((r) => r.name);
  return {
    refusal: /No space left on device/,
    async fill() {
      await sql`create or replace function test_disk_full() returns trigger language plpgsql as $$
        begin raise exception 'could not extend file: No space left on device (simulated)' using errcode = '53100'; end $$`.execute(store.db);
      for (const table of await tables()) {
        await sql.raw(`create trigger test_disk_full before insert on "${table}" for each row execute function test_disk_full()`).execute(store.db);
      }
    },
    async free() {
      for (const table of await tables()) await sql.raw(`drop trigger if exists test_disk_full on "${table}"`).execute(store.db);
    },
  };
}

export function fullDisk(store: Store): FullDisk {
  return store.engine === 'sqlite' ? sqliteFullDisk(store) : postgresFullDisk(store);
}
