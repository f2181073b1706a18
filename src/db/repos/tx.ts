import type { SelectQueryBuilder, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { Engine } from '../engine.ts';

export type Tx = Transaction<Database>;

/** Row lock on PostgreSQL; SQLite has one writer at a time, so there is nothing to lock. */
export function forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, engine: Engine): SelectQueryBuilder<DB, TB, O> {
  return engine === 'postgres' ? query.forUpdate() : query;
}

/** Shared row lock on PostgreSQL: the row cannot be changed or deleted until this transaction ends. */
export function forShare<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, engine: Engine): SelectQueryBuilder<DB, TB, O> {
  return engine === 'postgres' ? query.forShare() : query;
}

/** Unique-violation detection on both engines. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
