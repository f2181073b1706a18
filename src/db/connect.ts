import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.ts';
import { engineOf, type Engine } from './engine.ts';
import { type EngineQuirks, quirksOf } from './engine-quirks.ts';
import { plainTransactions, sqliteCommitGroups, type Transact } from './commit-groups.ts';
import { type OutboxSignal, postgresOutboxSignal, type SignalLogger } from './outbox-signal.ts';
import { RollbackKeepingSqliteDialect } from './sqlite-dialect.ts';
import { StorageHealth } from './storage-health.ts';
import { watchStorage } from './storage-watch.ts';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  engine: Engine;
  /** What differs between the engines, for this one (engine-quirks.ts). */
  quirks: EngineQuirks;
  /** Runs a unit of work in a transaction; resolves once it is durably committed (group commit on SQLite). */
  transact: Transact;
  /** Whether writes can commit, or were refused for want of space. */
  storage: StorageHealth;
  /** PostgreSQL: wakes the dispatchers of every process when deliveries commit (outbox-signal.ts); SQLite: none, they poll. */
  outboxSignal: OutboxSignal | null;
  /** Where the store reports what it survived (a PostgreSQL connection closed under it); stderr until then. */
  logTo(log: SignalLogger): void;
  close(): Promise<void>;
}

/** PostgreSQL connections show this in `pg_stat_activity`. */
export const POOL_APPLICATION_NAME = 'conversas';

/** The store's log before the server's logger exists (the store opens first, to migrate). */
const STDERR_LOG: SignalLogger = {
  warn: (obj, msg) => process.stderr.write(`${msg ?? 'warning'}: ${JSON.stringify(obj)}\n`),
};

const STATEMENT_CACHE_SIZE = 2000;

/** The part of a better-sqlite3 statement Kysely's SQLite driver uses. */
interface DriverStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): SQLite.RunResult;
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

type RowBuilder = (row: unknown[]) => unknown;

/**
 * Builds a row object from an array of column values with one object literal of these names (a
 * later column of the same name wins); null for a `__proto__` column, which a literal would not
 * make an own property.
 */
function objectLiteralBuilder(names: readonly string[]): RowBuilder | null {
  if (names.includes('__proto__')) return null;
  // The keys are the statement's own column names, quoted as JSON strings.
  return new Function('r', `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`) as RowBuilder;
}

/**
 * A reading statement that fetches rows as arrays and builds each object from a literal with a
 * fixed shape. better-sqlite3 builds row objects one property at a time, which costs more than
 * the query itself on wide rows (a 50-message page: about half the time).
 */
function fixedShapeRows(statement: SQLite.Statement): DriverStatement {
  if (!statement.reader) return statement as unknown as DriverStatement;
  const build = objectLiteralBuilder(statement.columns().map((c) => c.name));
  if (!build) return statement as unknown as DriverStatement;
  statement.raw(true);
  return {
    reader: true,
    all(parameters) {
      const rows = statement.all(parameters) as unknown[][] as unknown[];
      for (let i = 0; i < rows.length; i++) rows[i] = build(rows[i] as unknown[]);
      return rows;
    },
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const row of statement.iterate(parameters)) yield build(row as unknown[]);
    },
  };
}

/**
 * Kysely prepares every query anew; compiled statements are reusable, and preparing is a large
 * part of a small query's cost, so they are kept by SQL text (Kysely's SQL is parameterised).
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, DriverStatement>();
  const prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      statement = fixedShapeRows(sqlite.prepare(sql));
      cache.set(sql, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get: (target, key) => {
      if (key === 'prepare') return prepare;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as SQLite.Database;
}

// Hashing the SQL text on every query took about 2 % of the server's time in a PostgreSQL R1 profile.
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= STATEMENT_CACHE_SIZE) statementNames.clear();
    name = `k${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Starts a statement PostgreSQL must plan on every run (sent unnamed): one whose best plan depends
 * on how much data it finds. A named statement gets a generic plan after five runs; the outbox
 * claim's, made while the outbox was empty, then walked a full outbox for minutes.
 */
export const PLAN_EACH_TIME = '/* planned each time */ ';

const rowBuilders = new Map<string, { width: number; build: RowBuilder }>();

/**
 * pg builds each row object one property at a time from names it decodes anew for every result:
 * megamorphic stores on objects of no fixed shape, the most of the client's time per row after
 * decoding the values. A named statement's columns never change, so its rows are built by one
 * object literal compiled from its column names (a later column of the same name wins, as in pg).
 */
function rowsAsObjects(statement: string, result: pg.QueryResult): pg.QueryResult {
  const rows = result.rows as unknown as unknown[][];
  if (rows.length === 0) return result;
  let builder = rowBuilders.get(statement);
  if (!builder || builder.width !== result.fields.length) {
    const names = result.fields.map((f) => f.name);
    const build = objectLiteralBuilder(names) ?? ((row: unknown[]) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
    if (rowBuilders.size >= STATEMENT_CACHE_SIZE) rowBuilders.clear();
    builder = { width: names.length, build };
    rowBuilders.set(statement, builder);
  }
  const objects = result.rows as unknown[];
  for (let i = 0; i < rows.length; i++) objects[i] = builder.build(rows[i]!);
  return result;
}

/** Named statements one PostgreSQL connection keeps at most; other queries are parsed each time. */
const PG_PREPARED_PER_CONNECTION = 500;

/**
 * A pg client that runs parameterised queries as named prepared statements, so PostgreSQL parses
 * and plans each SQL text once per connection instead of on every query (Kysely sends unnamed
 * ones). Queries without parameters (transaction control) stay unnamed.
 */
function preparingClient(Client: typeof pg.Client): typeof pg.Client {
  return class PreparingClient extends Client {
    private readonly prepared = new Set<string>();

    // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; this override only forwards to them.
    override query(...args: unknown[]): any {
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && !text.startsWith(PLAN_EACH_TIME)) {
        const name = statementName(text);
        if (this.prepared.has(name) || this.prepared.size < PG_PREPARED_PER_CONNECTION) {
          this.prepared.add(name);
          if (callback !== undefined) return (super.query as (...a: unknown[]) => unknown)({ name, text, values }, callback);
          // Rows come as arrays and become objects of one fixed shape per statement (see fixedShapeRows).
          const answer = (super.query as (...a: unknown[]) => Promise<pg.QueryResult>)({ name, text, values, rowMode: 'array' });
          return answer.then((result) => rowsAsObjects(name, result));
        }
      }
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
  };
}

/** pg is loaded with the first PostgreSQL pool: on SQLite its import (about 70 ms, undici included) is start-up time for nothing. */
async function postgresPool(databaseUrl: string, max: number, connectionLost: (error: Error) => void): Promise<pg.Pool> {
  const { default: pg } = await import('pg');
  // bigint (int8) columns hold epoch milliseconds and counters, all well inside 2^53.
  pg.types.setTypeParser(20, (value) => Number(value));
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    application_name: POOL_APPLICATION_NAME,
    Client: preparingClient(pg.Client),
  });
  // A connection the server closes (restart, pg_terminate_backend, a proxy's idle timeout) emits
  // `error` on its client; unheard while the client is checked out (pg-pool listens only while it
  // is idle), Node makes it an uncaught exception and the process exits. Heard, the pool drops the
  // client (idle: at once; checked out: on release, as it is no longer queryable) and opens a new
  // one when it needs one, and the query that was running fails by itself.
  pool.on('connect', (client) => {
    // One report per connection: one that goes between two statements errs twice (the server's message, the closed socket).
    let reported = false;
    client.on('error', (error) => {
      if (reported) return;
      reported = true;
      connectionLost(error);
    });
  });
  // The pool repeats an idle client's error here after dropping it; the client's own listener has reported it.
  pool.on('error', () => {});
  return pool;
}

export function openStore(databaseUrl: string, options: { poolSize?: number } = {}): Store {
  const engine = engineOf(databaseUrl);
  if (engine === 'sqlite') {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a committed transaction survives a power cut, not only a process crash.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = OFF');
    const storage = new StorageHealth();
    const dialect = new RollbackKeepingSqliteDialect({ database: withStatementCache(sqlite) }, sqlite);
    const db = new Kysely<Database>({ dialect: watchStorage(dialect, storage) });
    const logTo = () => {};
    return { db, engine, quirks: quirksOf(engine), storage, transact: sqliteCommitGroups(db), outboxSignal: null, logTo, close: () => db.destroy() };
  }
  const storage = new StorageHealth();
  let log = STDERR_LOG;
  const connectionLost = (error: Error) => {
    const code = (error as { code?: unknown }).code;
    log.warn({ err: { message: error.message, ...(code ? { code } : {}) } }, 'a PostgreSQL connection closed; the pool opens another when needed');
  };
  const dialect = new PostgresDialect({ pool: () => postgresPool(databaseUrl, options.poolSize ?? 10, connectionLost) });
  const db = new Kysely<Database>({ dialect: watchStorage(dialect, storage) });
  const outboxSignal = postgresOutboxSignal(db, databaseUrl);
  const close = async () => {
    await outboxSignal.close();
    await db.destroy();
  };
  const logTo = (to: SignalLogger) => {
    log = to;
  };
  return { db, engine, quirks: quirksOf(engine), storage, transact: plainTransactions(db, outboxSignal), outboxSignal, logTo, close };
}
