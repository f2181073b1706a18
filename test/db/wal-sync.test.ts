import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/db/connect.ts';

// The WAL flush is SQLite's (PostgreSQL syncs its own commits), so this runs on SQLite whatever the engine under test.
let dir: string;
let store: Store;
/** Each flush the store asked for, settled by the test. */
const flushes: { fd: number; done(error?: Error): void }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conversas-wal-sync-'));
  store = openStore(`sqlite:${join(dir, 'wal.db')}`, {
    syncWal: (fd) =>
      new Promise<void>((resolve, reject) => {
        flushes.push({ fd, done: (error) => (error ? reject(error) : resolve()) });
      }),
  });
  const created = sql`create table notes (id integer primary key, text text not null)`.execute(store.db);
  await settleFlushes();
  await created;
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Lets pending work reach its flush, then completes every flush asked for so far. */
async function settleFlushes(error?: Error): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const settled = flushes.splice(0);
  for (const flush of settled) flush.done(error);
  return settled.length;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

async function state<T>(promise: Promise<T>): Promise<'pending' | 'settled'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    tick().then(() => 'pending' as const),
  ]);
}

test('SQLite commits without syncing in the COMMIT (synchronous = NORMAL, in WAL mode): the store flushes the WAL itself', async () => {
  // SQLite counts a pragma as a statement that may write, so each may ask for a flush.
  const modes = sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
  await settleFlushes();
  assert.equal((await modes).rows[0].synchronous, 1);
  const journal = sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
  await settleFlushes();
  assert.equal((await journal).rows[0].journal_mode, 'wal');
});

test('a write outside a transaction is answered only once the WAL is flushed; a read made meanwhile runs but is answered after that flush', async () => {
  const write = sql`insert into notes (id, text) values (1, 'one')`.execute(store.db);
  assert.equal(await state(write), 'pending');
  assert.equal(flushes.length, 1);
  assert.ok(flushes[0].fd > 2, 'the WAL is flushed through a descriptor of its own');
  // The read saw the write: it is not answered before the write is on disk.
  const read = sql<{ n: number }>`select count(*) as n from notes`.execute(store.db);
  assert.equal(await state(read), 'pending');
  assert.equal(flushes.length, 1, 'the read waits for the flush already running');
  assert.equal(await settleFlushes(), 1);
  await write;
  assert.equal((await read).rows[0].n, 1);
});

test('reads do not flush, and are answered at once when every commit is on disk', async () => {
  await sql`select * from notes`.execute(store.db);
  await store.db
    .selectFrom('notes' as never)
    .selectAll()
    .execute();
  assert.equal(flushes.length, 0);
});

test('a transaction flushes once, after its COMMIT; a commit group flushes once for all its units', async () => {
  const transaction = store.db.transaction().execute(async (trx) => {
    await sql`insert into notes (id, text) values (2, 'two')`.execute(trx);
    await sql`insert into notes (id, text) values (3, 'three')`.execute(trx);
  });
  assert.equal(await settleFlushes(), 1);
  await transaction;

  const units = [4, 5, 6].map((id) => store.transact((trx) => sql`insert into notes (id, text) values (${id}, ${`note ${id}`})`.execute(trx)));
  assert.equal(await state(Promise.all(units)), 'pending');
  assert.equal(await settleFlushes(), 1);
  await Promise.all(units);
  assert.equal(flushes.length, 0);
});

test('the connection is free while a flush runs: a commit made meanwhile is written at once and answered with the next flush', async () => {
  const first = store.transact((trx) => sql`insert into notes (id, text) values (7, 'seven')`.execute(trx));
  await tick();
  assert.equal(flushes.length, 1);
  const second = store.transact((trx) => sql`insert into notes (id, text) values (8, 'eight')`.execute(trx));
  await tick();
  // Not answered yet, and no second flush while the first runs.
  assert.equal(flushes.length, 1);
  assert.equal(await state(second), 'pending');
  const [running] = flushes.splice(0);
  running.done();
  await first;
  assert.equal(await state(second), 'pending', 'the first flush started before the second commit');
  assert.equal(await settleFlushes(), 1);
  await second;
});

/** A store of its own whose flushes fail with `error`. */
async function failingStore(name: string, error: Error): Promise<Store> {
  let fail = false;
  const failing = openStore(`sqlite:${join(dir, `${name}.db`)}`, {
    syncWal: async () => {
      if (fail) throw error;
    },
  });
  await sql`create table notes (id integer primary key, text text not null)`.execute(failing.db);
  fail = true;
  return failing;
}

test('a flush that fails fails its caller and every later query of the store, as PostgreSQL stops on a failed fsync', async () => {
  const failing = await failingStore('eio', Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  try {
    await assert.rejects(sql`insert into notes (id, text) values (1, 'one')`.execute(failing.db), /EIO/);
    // Linux may have dropped the pages it could not write: no later flush would prove them durable.
    await assert.rejects(sql`select count(*) from notes`.execute(failing.db), /EIO/);
    await assert.rejects(
      failing.transact((trx) => sql`insert into notes (id, text) values (2, 'two')`.execute(trx)),
      /EIO/,
    );
  } finally {
    await failing.close();
  }
});

test('a flush refused for want of space is a storage refusal, which readiness reports', async () => {
  const failing = await failingStore('enospc', Object.assign(new Error('ENOSPC: no space left on device, fdatasync'), { code: 'ENOSPC' }));
  try {
    await assert.rejects(sql`insert into notes (id, text) values (1, 'one')`.execute(failing.db), /ENOSPC/);
    assert.match(failing.storage.refusal?.message ?? '', /ENOSPC/);
  } finally {
    await failing.close();
  }
});

test('the real flush (fdatasync) runs on a store opened without a replacement', async () => {
  const real = openStore(`sqlite:${join(dir, 'real.db')}`);
  try {
    await sql`create table t (a integer)`.execute(real.db);
    await sql`insert into t (a) values (1)`.execute(real.db);
    const rows = await sql<{ a: number }>`select a from t`.execute(real.db);
    assert.deepEqual(rows.rows, [{ a: 1 }]);
  } finally {
    await real.close();
  }
});
