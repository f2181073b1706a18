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

/** The page size's parameter name; no page query has a parameter of its own by that name. */
const PAGE_SIZE = '__pageSize';

/**
 * A page query whose page size is a literal in the SQL where the engine runs that faster
 * (`EngineQuirks.literalPageSizes`, SQLite): one prepared query per size. Page sizes are small
 * integers checked by the routes, so there are few variants. Elsewhere (PostgreSQL) one query with
 * the size as a parameter.
 */
export function preparedPerLimit<P extends Record<string, unknown>, R>(
  build: (
    db: Kysely<Database>,
    p: <K extends keyof P & string>(name: K) => P[K],
    limit: RawBuilder<number>,
    quirks: EngineQuirks,
  ) => { compile(): CompiledQuery<R> },
): (db: Executor, params: P, limit: number) => Promise<QueryResult<R>> {
  type Sized = P & { [PAGE_SIZE]: number };
  const byLimit = new Map<number, (db: Executor, params: P) => Promise<QueryResult<R>>>();
  const anySize = prepared<Sized, R>((kysely, p, quirks) =>
    build(kysely, p as <K extends keyof P & string>(name: K) => P[K], sql<number>`${p(PAGE_SIZE)}`, quirks),
  );
  return (db, params, limit) => {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`a page size must be a non-negative integer, got ${limit}`);
    if (!quirksOfExecutor(db).literalPageSizes) return anySize(db, { ...params, [PAGE_SIZE]: limit } as Sized);
    let query = byLimit.get(limit);
    if (!query) {
      query = prepared<P, R>((kysely, p, quirks) => build(kysely, p, sql.lit(limit), quirks));
      byLimit.set(limit, query);
    }
    return query(db, params);
  };
}
