import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/db/connect.ts';
import { quirksOf, quirksOfExecutor } from '../../src/db/engine-quirks.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { ENGINE } from '../helpers/harness.ts';
import { emptyDatabase } from '../cli/cli-helpers.ts';

// Each quirk runs on the engine under test: the SQL one engine needs must at least be valid on the other.
let db: Awaited<ReturnType<typeof emptyDatabase>>;
let store: Store;
before(async () => {
  db = await emptyDatabase();
  store = openStore(db.url);
  await migrateToLatest(store);
  const tag = (id: string, at: number) => ({
    workspace_id: 'w1',
    id,
    inbox_id: 'i1',
    name: id,
    color: '#000000',
    modules: '[]',
    created_at: at,
    updated_at: at,
  });
  await store.db
    .insertInto('tags')
    .values([tag('a', 1), tag('b', 2), tag('c', 3)])
    .execute();
});
after(async () => {
  await store.close();
  await db.drop();
});

test(`the store and its transactions see the same quirks (${ENGINE})`, async () => {
  assert.equal(store.quirks, quirksOf(store.engine));
  assert.equal(quirksOfExecutor(store.db), store.quirks);
  await store.db.transaction().execute(async (trx) => assert.equal(quirksOfExecutor(trx), store.quirks));
});

test(`tupleIn matches exactly the listed tuples, text and integer columns alike (${ENGINE})`, async () => {
  const columns = [
    ['workspace_id', 'text'],
    ['id', 'text'],
    ['created_at', 'bigint'],
  ] as const;
  const rows = await store.db
    .selectFrom('tags')
    .select('id')
    .where(
      store.quirks.tupleIn(columns, [
        ['w1', 'a', 1],
        ['w1', 'c', 3],
        ['w1', 'b', 99],
        ['w2', 'a', 1],
      ]),
    )
    .orderBy('id')
    .execute();
  assert.deepEqual(
    rows.map((r) => r.id),
    ['a', 'c'],
  );
});

test(`row locks and claims read the same rows as the plain query, inside a transaction (${ENGINE})`, async () => {
  const q = store.quirks;
  await store.db.transaction().execute(async (trx) => {
    const base = () => trx.selectFrom('tags').select('id').where('workspace_id', '=', 'w1').orderBy('id');
    for (const locked of [q.forUpdate(base()), q.forShare(base()), q.skipLocked(base())]) {
      assert.deepEqual(
        (await locked.execute()).map((r) => r.id),
        ['a', 'b', 'c'],
      );
    }
    const { rows } = await sql<{
      id: string;
    }>`select id from tags where (workspace_id, id) in (select workspace_id, id from tags where created_at >= 2 ${q.skipLockedClause()}) order by id`.execute(
      trx,
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      ['b', 'c'],
    );
  });
});

test(`jsonArrayFrom aggregates a subquery's rows (${ENGINE})`, async () => {
  const row = await store.db
    .selectNoFrom((eb) =>
      store.quirks.jsonArrayFrom(eb.selectFrom('tags').select(['id', 'created_at']).where('workspace_id', '=', 'w1').orderBy('id')).as('tags'),
    )
    .executeTakeFirstOrThrow();
  const tags = typeof row.tags === 'string' ? JSON.parse(row.tags) : row.tags;
  assert.deepEqual(tags, [
    { id: 'a', created_at: 1 },
    { id: 'b', created_at: 2 },
    { id: 'c', created_at: 3 },
  ]);
});

test(`arrayRows, where the engine batches rows as arrays, hands them back as a table (${ENGINE})`, async (t) => {
  const arrayRows = store.quirks.arrayRows;
  if (!arrayRows) return t.skip('this engine runs a statement per row instead');
  const { rows } = await sql<{ name: string; n: number; ok: boolean }>`select * from ${arrayRows([
    [['x', null], 'text'],
    [[1, 2], 'bigint'],
    [[true, false], 'boolean'],
  ])} as v(name, n, ok)`.execute(store.db);
  assert.deepEqual(rows, [
    { name: 'x', n: 1, ok: true },
    { name: null, n: 2, ok: false },
  ]);
});
