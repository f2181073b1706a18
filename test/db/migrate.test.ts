import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/db/connect.ts';
import { MIGRATION_NAMES, migrateToLatest, pendingMigrations } from '../../src/db/migrate.ts';
import { ENGINE } from '../helpers/harness.ts';
import { emptyDatabase } from '../cli/cli-helpers.ts';

// migrateToLatest answers an up-to-date database with one query; these are the cases that must still reach Kysely's Migrator.
let db: Awaited<ReturnType<typeof emptyDatabase>>;
let store: Store;
before(async () => {
  db = await emptyDatabase();
  store = openStore(db.url);
});
after(async () => {
  await store.close();
  await db.drop();
});

async function tableCount(): Promise<number> {
  const query =
    ENGINE === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table'`
      : sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = current_schema()`;
  return Number((await query.execute(store.db)).rows[0]!.n);
}

test(`an empty database: every migration is pending, asking creates nothing, and migrating applies them all (${ENGINE})`, async () => {
  assert.deepEqual(await pendingMigrations(store), MIGRATION_NAMES);
  assert.equal(await tableCount(), 0, 'readiness asking about migrations does not create the migration tables');
  assert.deepEqual(await migrateToLatest(store), MIGRATION_NAMES);
  assert.deepEqual(await pendingMigrations(store), []);
  assert.deepEqual(await migrateToLatest(store), [], 'up to date: nothing applied');
});

test(`a database migrated by newer code is refused, not taken for up to date (${ENGINE})`, async () => {
  await sql`insert into kysely_migration (name, timestamp) values ('999_from_the_future', ${new Date().toISOString()})`.execute(store.db);
  await assert.rejects(migrateToLatest(store), /corrupted migrations.*999_from_the_future/);
});
