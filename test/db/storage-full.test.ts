import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/db/connect.ts';
import { fullDisk, type FullDisk } from '../helpers/full-disk.ts';

// SQLite rolls a transaction back by itself on SQLITE_FULL; this is about how the driver and the group
// commit answer then, so it runs on SQLite whatever the engine under test (PostgreSQL: test/http/storage-full.test.ts).
let dir: string;
let store: Store;
let disk: FullDisk;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conversas-full-'));
  store = openStore(`sqlite:${join(dir, 'full.db')}`);
  await sql`create table notes (id integer primary key, text text not null)`.execute(store.db);
  disk = fullDisk(store);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A row too large for the pages there are: it needs new ones. */
const insertBig = (id: number) => (trx: Store['db']) => sql`insert into notes (id, text) values (${id}, ${`${id} ${'x'.repeat(20_000)}`})`.execute(trx);
const ids = async () => (await sql<{ id: number }>`select id from notes order by id`.execute(store.db)).rows.map((r) => r.id);
// A getter, so that assertions on one reading do not narrow the next.
const refusal = () => store.storage.refusal;
const messageOf = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? 'committed' : (r.reason as Error).message);

test('a lone unit on a full disk fails with SQLITE_FULL, not with the failed ROLLBACK after it', async () => {
  await disk.fill();
  try {
    await assert.rejects(store.transact(insertBig(1)), (error: { code?: string; message: string }) => {
      assert.equal(error.code, 'SQLITE_FULL', error.message);
      return true;
    });
    await assert.rejects(store.db.transaction().execute(insertBig(2)), { code: 'SQLITE_FULL' });
  } finally {
    await disk.free();
  }
  assert.deepEqual(await ids(), []);
});

test('a full disk in the middle of a group: every unit fails with SQLITE_FULL (not "no such savepoint") and none is committed', async () => {
  await store.transact(insertBig(10));
  await disk.fill();
  let results: PromiseSettledResult<unknown>[];
  try {
    results = await Promise.allSettled(
      [11, 12, 13, 14].map((id) =>
        store.transact(async (trx) => {
          await insertBig(id)(trx);
          return id;
        }),
      ),
    );
  } finally {
    await disk.free();
  }
  assert.deepEqual(results.map(messageOf), Array(4).fill('database or disk is full'));
  assert.deepEqual(await ids(), [10], 'what was acknowledged before stays; nothing of the refused group is stored');
  await store.transact(insertBig(15));
  assert.deepEqual(await ids(), [10, 15], 'the connection is usable afterwards');
});

test("a refused write raises the store's refusal; the next commit clears it", async () => {
  assert.equal(refusal(), null);
  await disk.fill();
  try {
    await assert.rejects(store.transact(insertBig(20)));
    assert.match(refusal()?.message ?? '', /database or disk is full/);
  } finally {
    await disk.free();
  }
  assert.ok(refusal(), 'space returning alone clears nothing: a write has to commit');
  await store.transact(insertBig(21));
  assert.equal(refusal(), null);
});
