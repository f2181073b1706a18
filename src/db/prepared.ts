import { CompiledQuery, sql, type Kysely, type QueryResult, type RawBuilder } from 'kysely';
import type { Database } from './schema.ts';
import { type EngineQuirks, quirksOfExecutor } from './engine-quirks.ts';

/** A named placeholder inside a prepared query; Kysely treats it as an ordinary parameter value. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled {
  sql: string;
  parameters: readonly unknown[];
}

type Executor = Pick<Kysely<Database>, 'executeQuery' | 'getExecutor'>;

/**
 * A query built and compiled by Kysely once per dialect, then run with new parameter values.
 * Building and compiling cost more than running a small query on SQLite, so the hot paths (the
 * conversation page, authentication, inbound messages) use these. The query's shape must not
 * depend on the values: `p('name')` stands for a value, never for a list, a null test or a column.
 * It may depend on the engine: `build` gets the quirks of the one it compiles for.
 */
export function prepared<P extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, p: <K extends keyof P & string>(name: K) => P[K], quirks: EngineQuirks) => { compile(): CompiledQuery<R> },
): (db: Executor, params: P) => Promise<QueryResult<R>> {
  // Keyed by the dialect's adapter, which a transaction shares with its database.
  const byDialect = new WeakMap<object, Compiled>();
  return (db, params) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byDialect.get(adapter);
    if (!compiled) {
      const slot = <K extends keyof P & string>(name: K) => new Slot(name) as unknown as P[K];
      const query = build(db as Kysely<Database>, slot, quirksOfExecutor(db)).compile();
      compiled = { sql: query.sql, parameters: query.parameters };
      byDialect.set(adapter, compiled);
    }
    const values = compiled.parameters.map((v) => (v instanceof Slot ? params[v.name] : v));
    return db.executeQuery(CompiledQuery.raw(compiled.sql, values)) as Promise<QueryResult<R>>;
  };
}

/**
 * A prepared query per page size, the size written into the SQL as a literal: SQLite answered a
 * 51-message page in half the time with `limit 51` as with `limit ?` over the same plan. Page sizes
 * are small integers checked by the routes, so there are few variants.
 */
export function preparedPerLimit<P extends Record<string, unknown>, R>(
  build: (db: Kysely<Database>, p: <K extends keyof P & string>(name: K) => P[K], limit: RawBuilder<number>) => { compile(): CompiledQuery<R> },
): (db: Executor, params: P, limit: number) => Promise<QueryResult<R>> {
  const byLimit = new Map<number, (db: Executor, params: P) => Promise<QueryResult<R>>>();
  return (db, params, limit) => {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`a page size must be a non-negative integer, got ${limit}`);
    let query = byLimit.get(limit);
    if (!query) {
      query = prepared<P, R>((kysely, p) => build(kysely, p, sql.lit(limit)));
      byLimit.set(limit, query);
    }
    return query(db, params);
  };
}
