import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/db/connect.ts';

// Group commit is SQLite's (PostgreSQL runs one transaction per unit), so this runs on SQLite whatever the engine under test.
let dir: string;
let store: Store;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'conversas-groups-'));
  store = openStore(`sqlite:${join(dir, 'groups.db')}`);
  await sql`create table notes (id integer primary key, text text not null)`.execute(store.db);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: number) => (trx: Store['db']) => sql`insert into notes (id, text) values (${id}, ${`note ${id}`})`.execute(trx);

test('units queued together share one commit; a failing unit rolls back alone and only its caller sees the error', async () => {
  const results = await Promise.allSettled([
    store.transact(async (trx) => {
      await insert(1)(trx);
      return 'one';
    }),
    store.transact(async (trx) => {
      await insert(2)(trx);
      throw new Error('unit two refused');
    }),
    store.transact(async (trx) => {
      await insert(3)(trx);
      return 'three';
    }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['one', 'unit two refused', 'three'],
  );
  const { rows } = await sql<{ id: number }>`select id from notes order by id`.execute(store.db);
  assert.deepEqual(
    rows.map((r) => r.id),
    [1, 3],
  );
});

test('a group with savepoints keeps temporary storage in memory while it runs and puts it back after, a failed unit or not', async () => {
  const tempStore = async (db: Store['db']) => Number((await sql<{ temp_store: number }>`pragma temp_store`.execute(db)).rows[0]!.temp_store);
  const seen: number[] = [];
  await Promise.allSettled([
    store.transact(async (trx) => {
      seen.push(await tempStore(trx));
      await insert(-1)(trx);
    }),
    store.transact(async (trx) => {
      seen.push(await tempStore(trx));
      throw new Error('refused');
    }),
  ]);
  // 2 is MEMORY; outside the group SQLite's default (0) is back, so large sorts of other queries stay on disk.
  assert.deepEqual(seen, [2, 2]);
  assert.equal(await tempStore(store.db), 0);
});

test('the event loop runs between the units of a group; a query issued meanwhile waits for the commit', async () => {
  const order: string[] = [];
  let readMeanwhile: Promise<number> | null = null;
  const count = async () => Number((await sql<{ n: number }>`select count(*) as n from notes where id >= 10`.execute(store.db)).rows[0]!.n);
  await Promise.all([
    store.transact(async (trx) => {
      await insert(10)(trx);
      setImmediate(() => {
        order.push('callback');
        readMeanwhile = count();
      });
      order.push('unit 1');
    }),
    store.transact(async (trx) => {
      await insert(11)(trx);
      order.push('unit 2');
    }),
    store.transact(async (trx) => {
      await insert(12)(trx);
      order.push('unit 3');
    }),
  ]);
  assert.deepEqual(order, ['unit 1', 'callback', 'unit 2', 'unit 3']);
  // Had it run inside the open transaction, on the same connection, it would have seen unit 1's row alone.
  assert.equal(await readMeanwhile, 3);
});

test('repeatable units queued together share one commit without savepoints', async () => {
  const tempStore = async (db: Store['db']) => Number((await sql<{ temp_store: number }>`pragma temp_store`.execute(db)).rows[0]!.temp_store);
  const seen: number[] = [];
  const unit = (id: number) =>
    store.transact(
      async (trx) => {
        seen.push(await tempStore(trx));
        await insert(id)(trx);
        return id;
      },
      { repeatable: true },
    );
  assert.deepEqual(await Promise.all([unit(20), unit(21), unit(22)]), [20, 21, 22]);
  // Temporary storage stays SQLite's default (0): the group took the path without savepoints.
  assert.deepEqual(seen, [0, 0, 0]);
  const { rows } = await sql<{ id: number }>`select id from notes where id between 20 and 29 order by id`.execute(store.db);
  assert.deepEqual(
    rows.map((r) => r.id),
    [20, 21, 22],
  );
});

test('when a repeatable unit fails, only its caller sees the error and the others run again, each in its own savepoint', async () => {
  const runs = new Map<number, number>();
  const unit = (id: number, fail = false) =>
    store.transact(
      async (trx) => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
        await insert(id)(trx);
        if (fail) throw new Error(`unit ${id} refused`);
        return id;
      },
      { repeatable: true },
    );
  const results = await Promise.allSettled([unit(30), unit(31, true), unit(32)]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    [30, 'unit 31 refused', 32],
  );
  // Unit 30 ran in the rolled-back transaction and again; unit 32 had not run yet; unit 31 ran once.
  assert.deepEqual(Object.fromEntries(runs), { 30: 2, 31: 1, 32: 1 });
  const { rows } = await sql<{ id: number }>`select id from notes where id between 30 and 39 order by id`.execute(store.db);
  assert.deepEqual(
    rows.map((r) => r.id),
    [30, 32],
  );
});

test('a group mixing repeatable and other units takes savepoints', async () => {
  const results = await Promise.allSettled([
    store.transact(async (trx) => insert(40)(trx).then(() => 40), { repeatable: true }),
    store.transact(async (trx) => {
      await insert(41)(trx);
      throw new Error('unit 41 refused');
    }),
    store.transact(async (trx) => insert(42)(trx).then(() => 42), { repeatable: true }),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    [40, 'unit 41 refused', 42],
  );
  const { rows } = await sql<{ id: number }>`select id from notes where id between 40 and 49 order by id`.execute(store.db);
  assert.deepEqual(
    rows.map((r) => r.id),
    [40, 42],
  );
});
