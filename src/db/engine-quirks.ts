import { type Expression, type Kysely, PostgresAdapter, type RawBuilder, type SelectQueryBuilder, type SqlBool, SqliteAdapter, sql } from 'kysely';
import { jsonArrayFrom as postgresJsonArrayFrom } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import type { Database } from './schema.ts';
import type { Engine } from './engine.ts';
import type { Transact } from './commit-groups.ts';

/** How a column of rows handed over as arrays is typed (PostgreSQL array element types). */
export type ArrayColumnType = 'text' | 'bigint' | 'integer' | 'boolean';
/** One column of rows handed over as arrays: its values, row by row, and their type. */
export type ArrayColumn = readonly [values: readonly unknown[], type: ArrayColumnType];
/** A column a tuple is matched on: its name and type. */
export type TupleColumn = readonly [name: string, type: ArrayColumnType];

/**
 * What differs between SQLite and PostgreSQL, named by what it is for: the rest of the code asks
 * for one of these and never tests the engine. SQLite has one writer at a time, so its row locks
 * are no-ops and its claims need not skip anything.
 */
export interface EngineQuirks {
  /** Locks the rows read, for a change in this transaction. */
  forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Keeps the rows read from being changed or deleted until this transaction ends. */
  forShare<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Locks the rows read for a claim, skipping (not waiting for) rows another process is claiming. */
  skipLocked<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** The same as a clause to append to a raw-SQL subquery; `of` names the table to lock when it joins others. */
  skipLockedClause(of?: string): RawBuilder<unknown>;
  /** A subquery's rows as a JSON array (parsed by the PostgreSQL driver, JSON text on SQLite). */
  jsonArrayFrom: typeof sqliteJsonArrayFrom;
  /**
   * Events a feed reader may show now. PostgreSQL takes ids and transaction ids before commit, so
   * only transactions older than every one still running (the snapshot's xmin) show: what the feed
   * has shown can never be preceded by something that commits later. SQLite has one writer.
   */
  visibleEvents<O>(query: SelectQueryBuilder<Database, 'events', O>): SelectQueryBuilder<Database, 'events', O>;
  /** `(columns) in rows`, for many rows: as arrays on PostgreSQL (one statement text whatever the count), row values on SQLite. */
  tupleIn(columns: readonly TupleColumn[], rows: readonly (readonly unknown[])[]): Expression<SqlBool>;
  /**
   * Rows handed over as one array per column, as a FROM item (alias it `as v(a, b, …)`): a batch
   * in one statement where each statement is a network round trip. Null where a prepared
   * statement per row is cheaper (SQLite runs them in-process).
   */
  arrayRows: ((columns: readonly ArrayColumn[]) => RawBuilder<unknown>) | null;
  /** The values of a subquery's column joined with commas, in no particular order (null when it has no rows). */
  commaList(column: RawBuilder<unknown>): RawBuilder<string | null>;
  /**
   * Whether each statement is a network round trip, so that related reads and writes are worth
   * folding into one statement (PostgreSQL, which also has data-modifying CTEs). SQLite runs
   * statements in-process, where several simple ones cost less than one compound one.
   */
  roundTrips: boolean;
  /** Whether a locking read waits for concurrent writers and then sees their row, newer than the rest of its statement's snapshot. */
  rowLocksWait: boolean;
  /** Whether background loops need connections of their own: a burst of requests on a shared pool queues them behind it. */
  workersNeedOwnConnections: boolean;
  /**
   * Whether page sizes go into the SQL as literals (`preparedPerLimit`). SQLite ran a 51-message
   * page in half the time with `limit 51` as with `limit ?`. PostgreSQL never gave such a statement
   * a generic plan and planned it on every run: 1.4 ms against 0.35 ms with `limit $4`.
   */
  literalPageSizes: boolean;
  /**
   * Runs a queue claim so that it walks its partial index in order. PostgreSQL: in a transaction
   * without bitmap scans. A bitmap scan never marks the index entries of finished deliveries dead,
   * so each claim visited every delivery finished since the last vacuum again (24 ms a claim after
   * 4,000 of them); an index scan marks them as it passes, and the next claim skips them (0.08 ms).
   * SQLite: in the store's next commit group, behind the writes already waiting, so it takes their
   * deliveries too; as an autocommit of its own it cost a durable commit (an fsync) per claim.
   */
  walkingQueueIndex<T>(db: Kysely<Database>, transact: Transact, claim: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

const unnest = (columns: readonly ArrayColumn[]) => sql`unnest(${sql.join(columns.map(([values, type]) => sql`${values}::${sql.raw(type)}[]`))})`;
const refs = (columns: readonly TupleColumn[]) => sql.join(columns.map(([name]) => sql.ref(name)));

const postgres: EngineQuirks = {
  forUpdate: (query) => query.forUpdate(),
  forShare: (query) => query.forShare(),
  skipLocked: (query) => query.forUpdate().skipLocked(),
  skipLockedClause: (of) => (of ? sql`for update of ${sql.ref(of)} skip locked` : sql`for update skip locked`),
  jsonArrayFrom: postgresJsonArrayFrom,
  visibleEvents: (query) => query.where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`),
  tupleIn: (columns, rows) =>
    sql<SqlBool>`(${refs(columns)}) in (select * from ${unnest(columns.map(([, type], i) => [rows.map((row) => row[i]), type] as const))})`,
  arrayRows: unnest,
  commaList: (column) => sql<string | null>`string_agg(${column}, ',')`,
  roundTrips: true,
  rowLocksWait: true,
  workersNeedOwnConnections: true,
  literalPageSizes: false,
  walkingQueueIndex: (db, _transact, claim) =>
    db.transaction().execute(async (trx) => {
      await sql`set local enable_bitmapscan = off`.execute(trx);
      return claim(trx);
    }),
};

const sqlite: EngineQuirks = {
  forUpdate: (query) => query,
  forShare: (query) => query,
  skipLocked: (query) => query,
  skipLockedClause: () => sql``,
  jsonArrayFrom: sqliteJsonArrayFrom,
  visibleEvents: (query) => query,
  tupleIn: (columns, rows) => sql<SqlBool>`(${refs(columns)}) in (${sql.join(rows.map((row) => sql`(${sql.join(row)})`))})`,
  arrayRows: null,
  commaList: (column) => sql<string | null>`group_concat(${column})`,
  roundTrips: false,
  rowLocksWait: false,
  workersNeedOwnConnections: false,
  literalPageSizes: true,
  walkingQueueIndex: (_db, transact, claim) => transact((trx) => claim(trx), { repeatable: true }),
};

export function quirksOf(engine: Engine): EngineQuirks {
  return engine === 'postgres' ? postgres : sqlite;
}

/** The quirks of the engine behind a database or transaction, known from its Kysely adapter. */
export function quirksOfExecutor(db: Pick<Kysely<Database>, 'getExecutor'>): EngineQuirks {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return postgres;
  if (adapter instanceof SqliteAdapter) return sqlite;
  throw new Error(`no engine quirks for ${adapter.constructor.name}`);
}
