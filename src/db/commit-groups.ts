import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { deliveriesWrittenIn, type OutboxSignal } from './outbox-signal.ts';

export interface TransactOptions {
  /** Joins the next commit ahead of the work already waiting (SQLite): for short writes others wait on. */
  first?: boolean;
  /**
   * The work only reads and writes through its transaction, so running it again from the start does
   * the same (SQLite): a group made only of such units takes no savepoints (see drain).
   */
  repeatable?: boolean;
}

export type Transact = <T>(work: (trx: Transaction<Database>) => Promise<T>, options?: TransactOptions) => Promise<T>;

interface Pending {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  repeatable: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Most units of work one commit may carry; bounds how long the first of them waits for its answer. */
const MAX_GROUP = 64;

/**
 * Group commit for SQLite. A durable commit costs an fsync, and SQLite has one writer, so units of
 * work that arrive while a commit is in progress share the next transaction: each runs in its own
 * savepoint (a failure rolls back only that unit), and all are answered once their common COMMIT is
 * on disk. A caller still gets its answer only after its own changes are durable.
 */
export function sqliteCommitGroups(db: Kysely<Database>): Transact {
  const queue: Pending[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        // better-sqlite3 blocks the event loop while a group runs and commits: let the requests that
        // arrived meanwhile be read (and join this group) before taking it.
        await nextTurn();
        const group = queue.splice(0, MAX_GROUP);
        // Savepoints cost every statement a copy of the pages it changes (see inGroupTransaction). A
        // lone unit needs none, nor does a group of repeatable units: if one of those fails, the
        // others run again (below).
        const savepoints = group.length > 1 && !group.every((unit) => unit.repeatable);
        const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        try {
          await inGroupTransaction(db, savepoints, async (trx) => {
            for (const unit of group) {
              // Between units the event loop runs: a whole group at once blocked it for up to 100 ms,
              // and webhook sends and reads waited behind it. Other queries wait for the connection.
              if (unit !== group[0]) await nextTurn();
              if (!savepoints) {
                outcomes.push({ ok: true, value: await unit.work(trx) });
                continue;
              }
              await sql`savepoint unit`.execute(trx);
              try {
                const value = await unit.work(trx);
                await sql`release unit`.execute(trx);
                outcomes.push({ ok: true, value });
              } catch (error) {
                try {
                  await sql`rollback to unit`.execute(trx);
                  await sql`release unit`.execute(trx);
                } catch {
                  // SQLite ended the whole transaction itself (a full disk): there is no savepoint to
                  // go back to, and the group fails with this unit's error, not with "no such savepoint".
                  throw error;
                }
                outcomes.push({ ok: false, error });
              }
            }
          });
        } catch (error) {
          if (!savepoints && outcomes.length < group.length) {
            // The unit after the last outcome threw, and its writes could not be undone alone: the
            // whole transaction rolled back. It gets the error; the others run again, first in line,
            // each in its own savepoint.
            const failed = group[outcomes.length];
            failed.reject(error);
            queue.unshift(...group.filter((unit) => unit !== failed).map((unit) => ({ ...unit, repeatable: false })));
            continue;
          }
          // The commit itself failed (or SQLite ended the transaction): nothing of this group is durable.
          group.forEach((unit, i) => {
            const outcome = outcomes[i];
            unit.reject(outcome && !outcome.ok ? outcome.error : error);
          });
          continue;
        }
        group.forEach((unit, i) => {
          const outcome = outcomes[i];
          if (outcome.ok) unit.resolve(outcome.value);
          else unit.reject(outcome.error);
        });
      }
    } finally {
      running = false;
    }
  }

  return <T>(work: (trx: Transaction<Database>) => Promise<T>, options?: TransactOptions) =>
    new Promise<T>((resolve, reject) => {
      const unit = { work, repeatable: options?.repeatable === true, resolve: resolve as (value: unknown) => void, reject };
      if (options?.first) queue.unshift(unit);
      else queue.push(unit);
      if (!running) void drain();
    });
}

/**
 * A group's transaction. With savepoints, SQLite keeps the pages each savepoint changes in a
 * sub-journal: in memory up to 64 KiB, then in a temporary file, so a group of inbound messages
 * (about 20 pages each) wrote every page there through a system call; its statements cost 2 to 4
 * times the same statements without savepoints (bench `--statement-timings`). Temporary storage in
 * memory for the group's transaction only keeps large sorts of other queries on disk.
 */
async function inGroupTransaction(db: Kysely<Database>, savepoints: boolean, work: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
  if (!savepoints) return db.transaction().execute(work);
  // One connection throughout: no other query runs between the pragmas and the transaction.
  await db.connection().execute(async (connection) => {
    await sql`pragma temp_store = memory`.execute(connection);
    try {
      await connection.transaction().execute(work);
    } finally {
      // A failure here leaves temporary storage in memory, which costs memory, not data; the group's own outcome matters more.
      await sql`pragma temp_store = default`.execute(connection).catch(() => {});
    }
  });
}

/** PostgreSQL runs concurrent transactions itself: one transaction per unit of work. */
export function plainTransactions(db: Kysely<Database>, signal: OutboxSignal | null = null): Transact {
  if (!signal) return (work) => db.transaction().execute(work);
  return async (work) => {
    let wroteDeliveries = false;
    const result = await db.transaction().execute(async (trx) => {
      const value = await work(trx);
      wroteDeliveries = deliveriesWrittenIn(trx);
      return value;
    });
    if (wroteDeliveries) signal.committed();
    return result;
  };
}

/**
 * Items written together, such as the dispatcher's records of finished attempts: the items queued
 * while one transaction runs go together in the next, through one call of `writeAll`. Each item's
 * promise settles with its transaction's commit; if the write fails, every item of it fails.
 * `writeAll` must write only through its transaction: it is a repeatable unit (TransactOptions).
 */
export class WriteCoalescer<T> {
  private queue: { item: T; resolve(): void; reject(error: unknown): void }[] = [];
  private running = false;

  constructor(
    private readonly transact: Transact,
    private readonly writeAll: (trx: Transaction<Database>, items: T[]) => Promise<unknown>,
  ) {}

  write(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0);
        try {
          // First in line: a conversation's next webhook is claimed only once these records commit.
          await this.transact(
            (trx) =>
              this.writeAll(
                trx,
                group.map((pending) => pending.item),
              ),
            { first: true, repeatable: true },
          );
          for (const pending of group) pending.resolve();
        } catch (error) {
          for (const pending of group) pending.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
