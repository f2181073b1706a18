import type { SelectQueryBuilder, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { Engine } from '../engine.ts';
import { quirksOf } from '../engine-quirks.ts';

export type Tx = Transaction<Database>;

/** Row lock for a change in this transaction (none on SQLite, which has one writer at a time): `quirksOf(engine).forUpdate`. */
export function forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, engine: Engine): SelectQueryBuilder<DB, TB, O> {
  return quirksOf(engine).forUpdate(query);
}

/** Shared row lock: the row cannot be changed or deleted until this transaction ends (`quirksOf(engine).forShare`). */
export function forShare<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, engine: Engine): SelectQueryBuilder<DB, TB, O> {
  return quirksOf(engine).forShare(query);
}

/** Unique-violation detection on both engines. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
